// SPDX-License-Identifier: GPL-2.0
/*
 * test_sysfs.c - /sys/class/qnn/qnn0: counters equal to exactly what this
 * test does (jobs, samples, bytes, errors, latencies, busy time), model
 * and stream description, tunables with range checks, counter reset.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "qg.h"

static const char *const counters[] = {
	"jobs", "samples", "bytes_in", "bytes_out", "errors", "timeouts",
	"dma_errors", "proto_errors", "canceled", "resets", "busy_ns",
	"latency_last_ns", "latency_avg_ns", "latency_max_ns",
};

static void check_description(void)
{
	char s[128];

	qg_check(qg_sysfs_u64("n_inputs") == 784, "n_inputs");
	qg_check(qg_sysfs_u64("n_outputs") == 10, "n_outputs");
	qg_check(qg_sysfs_u64("max_batch") == 1024, "max_batch");
	qg_check(!qg_sysfs_str("input_type", s, sizeof(s)) &&
		 !strcmp(s, "float32"), "input_type \"%s\"", s);
	qg_check(!qg_sysfs_str("model_shape", s, sizeof(s)) &&
		 !strcmp(s, "28x28x1 -> 10"), "model_shape \"%s\"", s);
	qg_check(!qg_sysfs_str("model_input_type", s, sizeof(s)) &&
		 !strncmp(s, "ap_", 3), "model_input_type \"%s\"", s);
	qg_check(!qg_sysfs_str("model_name", s, sizeof(s)) && s[0],
		 "model_name \"%s\"", s);
	qg_check(qg_sysfs_u64("model_layers") > 2, "model_layers");
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		qg_check(qg_sysfs_u64(counters[i]) != UINT64_MAX,
			 "counter %s readable", counters[i]);
}

static void check_tunables(void)
{
	qg_check(qg_sysfs_write("timeout_base_ms", "0") == -ERANGE, "base 0");
	qg_check(qg_sysfs_write("timeout_base_ms", "60001") == -ERANGE,
		 "base too big");
	qg_check(qg_sysfs_write("timeout_base_ms", "abc") == -EINVAL,
		 "base not a number");
	qg_check(qg_sysfs_write("timeout_per_sample_us", "1000001") == -ERANGE,
		 "per sample too big");
	qg_check(qg_sysfs_write("timeout_base_ms", "1234") == 0, "base set");
	qg_check(qg_sysfs_u64("timeout_base_ms") == 1234, "base read back");
	qg_check(qg_sysfs_write("jobs", "0") == -EACCES ||
		 qg_sysfs_write("jobs", "0") == -EIO, "counters read-only");
	qg_check(qg_sysfs_write("reset_counters", "0") == -EINVAL,
		 "reset_counters wants 1");
}

int main(void)
{
	const uint32_t sizes[] = { 1, 10, 100, 333 };
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	uint64_t samples = 0, lat_max = 0, lat_sum = 0, busy0;
	int ret;

	qg_begin("sysfs");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	check_description();
	check_tunables();
	qg_relax_timeouts();
	if (qg_buf_alloc(&d, 1024 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 1024 * d.out_bytes, &out))
		qg_die("alloc");

	qg_check(qg_sysfs_write("reset_counters", "1") == 0, "reset_counters");
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		qg_check(qg_sysfs_u64(counters[i]) == 0, "%s zeroed",
			 counters[i]);
	busy0 = qg_sysfs_u64("busy_ns");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		qg_job(&j, sizes[i], &in, 0, &out, 0);
		ret = qg_run(&d, &j);
		qg_check(ret == 0, "run %u: %s", sizes[i], strerror(-ret));
		samples += sizes[i];
		lat_sum += j.latency_ns;
		lat_max = j.latency_ns > lat_max ? j.latency_ns : lat_max;
		qg_check(qg_sysfs_u64("latency_last_ns") <= j.latency_ns &&
			 qg_sysfs_u64("latency_last_ns") > 0,
			 "latency_last_ns %llu vs the job's %llu",
			 (unsigned long long)qg_sysfs_u64("latency_last_ns"),
			 (unsigned long long)j.latency_ns);
	}
	/* One failed job: counted as a job and an error, not in samples. */
	qg_check(qg_sim_fault("error 1") == 0, "inject");
	qg_job(&j, 7, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == -EIO, "failed job");

	qg_check(qg_sysfs_u64("jobs") == 5, "jobs %llu, want 5",
		 (unsigned long long)qg_sysfs_u64("jobs"));
	qg_check(qg_sysfs_u64("samples") == samples, "samples %llu, want %llu",
		 (unsigned long long)qg_sysfs_u64("samples"),
		 (unsigned long long)samples);
	qg_check(qg_sysfs_u64("bytes_in") == samples * d.in_bytes, "bytes_in");
	qg_check(qg_sysfs_u64("bytes_out") == samples * d.out_bytes,
		 "bytes_out");
	qg_check(qg_sysfs_u64("errors") == 1, "errors");
	qg_check(qg_sysfs_u64("dma_errors") == 1, "dma_errors");
	qg_check(qg_sysfs_u64("timeouts") == 0, "timeouts");
	qg_check(qg_sysfs_u64("resets") == 1, "resets");
	qg_check(qg_sysfs_u64("latency_max_ns") <= lat_max &&
		 qg_sysfs_u64("latency_max_ns") >= lat_max / 2,
		 "latency_max_ns %llu vs %llu",
		 (unsigned long long)qg_sysfs_u64("latency_max_ns"),
		 (unsigned long long)lat_max);
	qg_check(qg_sysfs_u64("latency_avg_ns") <= lat_sum / 4 &&
		 qg_sysfs_u64("latency_avg_ns") > 0, "latency_avg_ns");
	qg_check(qg_sysfs_u64("busy_ns") > busy0 &&
		 qg_sysfs_u64("busy_ns") <= lat_sum + 10000000000ull,
		 "busy_ns");
	qg_check(qg_sysfs_u64("queue_depth") == 0, "queue_depth");
	/* An administrator's reset pulses the reset GPIO. */
	qg_check(qg_sysfs_write("reset", "1") == 0, "reset");
	qg_check(qg_sysfs_u64("resets") == 2 && qg_sysfs_u64("needs_reset") == 0,
		 "reset counted");
	qg_job(&j, 3, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == 0, "a job after the reset");
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);
	return qg_finish();
}
