// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace.c - the qnn tracepoints fire (tracefs): submit, start and
 * done for a successful and a failed job, with the ids the ioctls returned,
 * the sample count, a latency and the status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qg.h"

#define TRACEFS "/sys/kernel/tracing"

/* The trace line of event for job id, or NULL. */
static const char *find_event(const char *trace, const char *event,
			      uint64_t id)
{
	char key[96];
	const char *p = trace;

	snprintf(key, sizeof(key), "%s: qnn0 id=%llu ", event,
		 (unsigned long long)id);
	p = strstr(p, key);
	return p;
}

static void check_job(const char *trace, uint64_t id, uint32_t n, int status)
{
	char want[64];
	const char *p;

	qg_check(find_event(trace, "qnn_job_submit", id) != NULL,
		 "qnn_job_submit of job %llu", (unsigned long long)id);
	qg_check(find_event(trace, "qnn_job_start", id) != NULL,
		 "qnn_job_start of job %llu", (unsigned long long)id);
	p = find_event(trace, "qnn_job_done", id);
	if (!qg_check(p != NULL, "qnn_job_done of job %llu",
		      (unsigned long long)id))
		return;
	snprintf(want, sizeof(want), "samples=%u latency_ns=", n);
	qg_check(strstr(p, want) != NULL, "samples in \"%.80s\"", p);
	snprintf(want, sizeof(want), "status=%d\n", status);
	qg_check(strstr(p, want) != NULL && strstr(p, want) < strchr(p, '\n') + 1,
		 "%s in \"%.80s\"", want, p);
	qg_check(strstr(p, "latency_ns=0 ") == NULL, "nonzero latency");
}

int main(void)
{
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	uint64_t ok_id, bad_id;
	char *trace;
	size_t len;
	int ret;

	qg_begin("trace");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	qg_relax_timeouts();
	if (qg_buf_alloc(&d, 64 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 64 * d.out_bytes, &out))
		qg_die("alloc");
	qg_write_file(TRACEFS "/tracing_on", "0");
	qg_write_file(TRACEFS "/trace", "");
	ret = qg_write_file(TRACEFS "/events/qnn/enable", "1");
	if (ret)
		qg_die("enable events/qnn: %s", strerror(-ret));
	qg_write_file(TRACEFS "/tracing_on", "1");

	qg_job(&j, 13, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == 0, "run: %s", strerror(-ret));
	ok_id = j.id;
	qg_check(qg_sim_fault("short_s2mm 1") == 0, "inject");
	qg_job(&j, 3, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == -EPROTO, "faulty run: %s", strerror(-ret));
	bad_id = j.id;

	qg_write_file(TRACEFS "/tracing_on", "0");
	trace = qg_slurp(TRACEFS "/trace", &len);
	if (!trace)
		qg_die("cannot read the trace");
	check_job(trace, ok_id, 13, 0);
	check_job(trace, bad_id, 3, -EPROTO);
	qg_write_file(TRACEFS "/events/qnn/enable", "0");
	free(trace);
	qg_close(&d);
	return qg_finish();
}
