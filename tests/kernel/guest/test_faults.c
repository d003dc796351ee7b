// SPDX-License-Identifier: GPL-2.0
/*
 * test_faults.c - every way the simulated DMA stream can fail (debugfs
 * fault injection of qnn_sim) gives the job its documented errno within
 * its timeout, is counted, resets the core through the reset GPIO, and
 * the next job - including jobs queued behind the failed one - succeeds
 * with bit-exact outputs (a core left misaligned by a partial image would
 * give wrong ones). Also: the default timeout grows with the batch, and a
 * late completion inside the timeout is not a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qg.h"

struct fault_case {
	const char *mode;
	int err;		/* expected -errno */
	const char *counter;	/* sysfs counter that must grow by one */
};

static const struct fault_case cases[] = {
	{ "no_tlast", -ETIMEDOUT, "timeouts" },
	{ "stall", -ETIMEDOUT, "timeouts" },
	{ "error", -EIO, "dma_errors" },
	{ "rx_error", -EIO, "dma_errors" },
	{ "short_s2mm", -EPROTO, "proto_errors" },
	{ "late_completion", -ETIMEDOUT, "timeouts" },
	{ "partial_image", -ETIMEDOUT, "timeouts" },
};

/*
 * Faults that hang get a short timeout (and must fail right after it);
 * faults the DMA reports get a long one (and must fail well before it).
 */
enum { N = 16, TIMEOUT_MS = 400, SLACK_MS = 3000, LONG_TIMEOUT_MS = 60000 };

static struct qg_dev d;
static struct qg_mnist m;
static struct qg_buf in, out;

/* Run digits [first, first + n) and compare; returns the job status. */
static int run_digits(size_t first, uint32_t n, uint32_t timeout_ms,
		      uint64_t *ms)
{
	struct qnn_job j;
	uint64_t t0;
	int ret;

	memcpy(in.map, (char *)m.in + first * d.in_bytes, n * d.in_bytes);
	memset(out.map, 0xff, n * d.out_bytes);
	qg_job(&j, n, &in, 0, &out, 0);
	j.timeout_ms = timeout_ms;
	t0 = qg_now_ns();
	ret = qg_run(&d, &j);
	if (ms)
		*ms = (qg_now_ns() - t0) / 1000000;
	if (ret == 0)
		qg_check(qg_mnist_mismatches(&m, &d, out.map, first, n) == 0,
			 "digits %zu..%zu differ from the host engine", first,
			 first + n - 1);
	return ret;
}

static void one_fault(const struct fault_case *c, size_t first)
{
	uint64_t cnt0 = qg_sysfs_u64(c->counter);
	uint64_t err0 = qg_sysfs_u64("errors");
	uint64_t rst0 = qg_sysfs_u64("resets");
	char mode[64];
	uint64_t ms;
	int ret;

	snprintf(mode, sizeof(mode), "%s 1", c->mode);
	if (!qg_check(qg_sim_fault(mode) == 0, "%s: cannot inject", c->mode))
		return;
	uint32_t timeout = c->err == -ETIMEDOUT ? TIMEOUT_MS : LONG_TIMEOUT_MS;

	ret = run_digits(first, N, timeout, &ms);
	qg_log("%-16s -> %s after %llu ms", c->mode, strerror(-ret),
	       (unsigned long long)ms);
	qg_check(ret == c->err, "%s: got %s, want %s", c->mode,
		 strerror(-ret), strerror(-c->err));
	if (c->err == -ETIMEDOUT)
		qg_check(ms >= TIMEOUT_MS - 10 && ms <= TIMEOUT_MS + SLACK_MS,
			 "%s: failed after %llu ms, timeout %d ms", c->mode,
			 (unsigned long long)ms, TIMEOUT_MS);
	else
		qg_check(ms < LONG_TIMEOUT_MS / 2,
			 "%s: took %llu ms: reported by a timeout, not the DMA",
			 c->mode, (unsigned long long)ms);
	qg_check(qg_sysfs_u64(c->counter) == cnt0 + 1, "%s: %s counted",
		 c->mode, c->counter);
	qg_check(qg_sysfs_u64("errors") == err0 + 1, "%s: errors counted",
		 c->mode);
	qg_check(qg_sysfs_u64("resets") == rst0 + 1, "%s: core reset",
		 c->mode);
	qg_check(qg_sysfs_u64("needs_reset") == 0, "%s: reset done", c->mode);

	/* The next job is served, and the core is aligned again. */
	ret = run_digits(first + N, N, 0, NULL);
	qg_check(ret == 0, "%s: next job: %s", c->mode, strerror(-ret));
}

/*
 * A failed job does not take the jobs queued behind it down. A stalled
 * stream times out; a missing TLAST with a job queued behind it does not
 * hang: the next job's outputs overflow the S2MM buffer (EIO), and the job
 * behind runs again after the core reset.
 */
static void queued_behind(const char *mode, int want)
{
	struct qnn_job j;
	struct qnn_reap r;
	uint64_t ids[3];
	int ret;

	memcpy(in.map, m.in, N * d.in_bytes);
	memset(out.map, 0, N * d.out_bytes);
	qg_check(qg_sim_fault(mode) == 0, "inject %s", mode);
	for (int i = 0; i < 3; i++) {
		qg_job(&j, N, &in, 0, &out, 0);
		/*
		 * Only a stall is meant to time out here: a missing TLAST
		 * must end in EIO when the next stream overflows, however
		 * long a loaded host takes to start that stream.
		 */
		j.timeout_ms = want == -ETIMEDOUT ? TIMEOUT_MS : LONG_TIMEOUT_MS;
		ret = qg_submit(&d, &j);
		qg_check(ret == 0, "submit %d: %s", i, strerror(-ret));
		ids[i] = j.id;
	}
	for (int i = 0; i < 3; i++) {
		ret = qg_reap(&d, &r, true);
		qg_check(ret == 0 && r.id == ids[i], "%s: reap %d", mode, i);
		qg_check(r.status == (i ? 0 : want), "%s: job %d status %d",
			 mode, i, r.status);
	}
	qg_check(qg_mnist_mismatches(&m, &d, out.map, 0, N) == 0,
		 "%s: outputs after the failed job", mode);
}

/*
 * With three jobs queued two deep on the channels, the second fails while
 * the third is already queued behind it: the first is fine, the core is
 * reset once, the third runs again after the reset and is fine (its
 * stream may have followed the failed one). The first job is slowed down
 * by the simulator's speed model so the fault is armed while it runs.
 */
static void chained_fault(void)
{
	uint64_t rst0 = qg_sysfs_u64("resets");
	uint64_t sim_jobs0 = qg_sim_state("jobs");
	struct qg_buf in2, out2, in3, out3;
	struct qnn_job j;
	struct qnn_reap r;
	uint64_t ids[3];
	int want[3] = { 0, -EIO, 0 };

	if (qg_buf_alloc(&d, N * d.in_bytes, &in2) ||
	    qg_buf_alloc(&d, N * d.out_bytes, &out2) ||
	    qg_buf_alloc(&d, N * d.in_bytes, &in3) ||
	    qg_buf_alloc(&d, N * d.out_bytes, &out3)) {
		qg_check(false, "alloc");
		return;
	}
	memcpy(in.map, m.in, N * d.in_bytes);
	memcpy(in2.map, m.in, N * d.in_bytes);
	memcpy(in3.map, (char *)m.in + N * d.in_bytes, N * d.in_bytes);
	/* 16 images at 100 MHz, 2M cycles each: the first job takes 320 ms. */
	qg_check(qg_sim_speed(100, 2000000) == 0, "slow the simulator down");
	qg_job(&j, N, &in, 0, &out, 0);
	qg_check(qg_submit(&d, &j) == 0, "submit 1");
	ids[0] = j.id;
	qg_job(&j, N, &in2, 0, &out2, 0);
	qg_check(qg_submit(&d, &j) == 0, "submit 2");
	ids[1] = j.id;
	qg_job(&j, N, &in3, 0, &out3, 0);
	qg_check(qg_submit(&d, &j) == 0, "submit 3");
	ids[2] = j.id;
	/* Arm the fault once the simulator runs job 1 (it takes the fault
	 * of the moment when its MM2S starts). */
	for (int i = 0; i < 3000 && qg_sim_state("jobs") == sim_jobs0; i++)
		usleep(1000);
	qg_check(qg_sim_state("jobs") == sim_jobs0 + 1, "job 1 started alone");
	for (int i = 0; i < 1000 && qg_sysfs_u64("queue_depth"); i++)
		usleep(1000);
	qg_check(qg_sysfs_u64("queue_depth") == 0 &&
		 qg_sim_state("jobs") == sim_jobs0 + 1,
		 "two jobs on the channels, one synced behind them");
	qg_check(qg_sim_fault("error 1") == 0, "arm the fault for job 2");
	for (int i = 0; i < 3; i++) {
		int ret = qg_reap(&d, &r, true);

		qg_check(ret == 0 && r.id == ids[i], "reap %d", i);
		qg_check(r.status == want[i], "job %d: status %d, want %d", i,
			 r.status, want[i]);
		if (i == 1)
			qg_sim_speed(100, 0);
	}
	qg_check(qg_mnist_mismatches(&m, &d, out.map, 0, N) == 0,
		 "job 1 outputs");
	qg_check(qg_mnist_mismatches(&m, &d, out3.map, N, N) == 0,
		 "job 3 outputs after the reset");
	qg_check(qg_sysfs_u64("resets") == rst0 + 1, "one reset");
	qg_sim_speed(-1, -1);
	qg_buf_free(&d, &in2);
	qg_buf_free(&d, &out2);
	qg_buf_free(&d, &in3);
	qg_buf_free(&d, &out3);
}

/* timeout_ms = 0: base + per-sample share, from the sysfs tunables. */
static void scaled_timeout(void)
{
	uint64_t ms;
	int ret;

	qg_sysfs_write("timeout_base_ms", "200");
	qg_sysfs_write("timeout_per_sample_us", "1000");
	qg_check(qg_sim_fault("no_tlast 1") == 0, "inject");
	ret = run_digits(0, 300, 0, &ms);
	qg_log("300 samples, base 200 ms + 1 ms/sample -> %s after %llu ms",
	       strerror(-ret), (unsigned long long)ms);
	qg_check(ret == -ETIMEDOUT, "scaled timeout: %s", strerror(-ret));
	qg_check(ms >= 490 && ms <= 500 + SLACK_MS,
		 "expected about 500 ms, took %llu", (unsigned long long)ms);
	qg_relax_timeouts();
}

/* Completion later than modelled but inside the timeout is fine. */
static void late_but_in_time(void)
{
	uint64_t err0 = qg_sysfs_u64("errors");
	int ret;

	qg_check(qg_sim_late_ms(100) == 0, "late_ms");
	qg_check(qg_sim_fault("late_completion 1") == 0, "inject");
	ret = run_digits(100, N, LONG_TIMEOUT_MS, NULL);
	qg_check(ret == 0, "late in time: %s", strerror(-ret));
	qg_check(qg_sysfs_u64("errors") == err0, "not an error");
	qg_sim_late_ms(10000);
}

int main(void)
{
	size_t first = 0;
	int ret;

	qg_begin("faults");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	if (qg_mnist_load(&m, &d))
		qg_die("no MNIST data");
	if (qg_buf_alloc(&d, 1024 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 1024 * d.out_bytes, &out))
		qg_die("alloc");
	qg_relax_timeouts();
	/* Long enough that late_completion (10 s) misses the 400 ms. */
	qg_sim_late_ms(10000);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		one_fault(&cases[i], first);
		first += 2 * N;
	}
	queued_behind("stall 1", -ETIMEDOUT);
	queued_behind("no_tlast 1", -EIO);
	chained_fault();
	scaled_timeout();
	late_but_in_time();
	qg_sim_fault("none 0");
	qg_close(&d);
	return qg_finish();
}
