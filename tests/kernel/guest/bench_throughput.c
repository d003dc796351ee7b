// SPDX-License-Identifier: GPL-2.0
/*
 * bench_throughput.c - samples/s through /dev/qnn0 versus batch size
 * (1..1024), with DEPTH (8) asynchronous jobs kept queued:
 *   1. the simulator at unlimited speed with its engine off (compute=N):
 *      what is left is the driver's per-job cost (ioctl, queue, worker
 *      wake-up, cache maintenance, two DMA transfers, completion, reap);
 *   2. the simulator modelling the real core: 100 MHz, 790 cycles per
 *      image = 126.6k images/s; reported as the share of that line rate
 *      (bar: >= 90% from batch 64 up).
 * Under QEMU's TCG the CPU is emulated, so the absolute per-job cost is
 * that of an emulated Cortex-A53, not of the board.
 * Prints one "BENCH ..." line per measurement and exits 0 when the
 * measurements ran (the bar is reported, not enforced).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qg.h"

/* Jobs kept queued: enough to cover a late-waking client under TCG. */
enum { DEPTH = 8 };

static struct qg_dev d;
static struct qg_buf in[DEPTH], out[DEPTH];

/* samples/s of jobs of batch b for about min_ms, DEPTH of them queued. */
static double measure(uint32_t b, unsigned int min_ms, uint64_t *jobs_out)
{
	uint64_t t0 = qg_now_ns(), end = t0 + (uint64_t)min_ms * 1000000;
	uint64_t done = 0, submitted = 0;
	int inflight = 0;

	for (;;) {
		bool more = qg_now_ns() < end || done < 8;

		while (more && inflight < DEPTH) {
			struct qnn_job j;
			int s = (int)(submitted % DEPTH);

			qg_job(&j, b, &in[s], 0, &out[s], 0);
			if (qg_submit(&d, &j))
				return -1;
			submitted++;
			inflight++;
		}
		if (!inflight)
			break;
		struct qnn_reap r;

		if (qg_reap(&d, &r, true) || r.status)
			return -1;
		done++;
		inflight--;
	}
	*jobs_out = done;
	return (double)done * b / ((double)(qg_now_ns() - t0) / 1e9);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Each point is WINDOWS short measurements: the guest's vCPUs share the
 * host with everything else, so the median is reported (and the best
 * window, which shows what the driver does when the vCPUs do run).
 */
enum { WINDOWS = 7 };

static int sweep(const char *mode, double line_rate)
{
	int below_bar = 0;

	for (uint32_t b = 1; b <= 1024; b *= 2) {
		double rates[WINDOWS], med, best;
		uint64_t jobs, all = 0;

		for (int w = 0; w < WINDOWS; w++) {
			rates[w] = measure(b, 150, &jobs);
			if (rates[w] < 0) {
				printf("BENCH mode=%s batch=%u FAILED\n", mode, b);
				return -1;
			}
			all += jobs;
		}
		qsort(rates, WINDOWS, sizeof(rates[0]), cmp_double);
		med = rates[WINDOWS / 2];
		best = rates[WINDOWS - 1];
		if (line_rate > 0) {
			printf("BENCH mode=%s batch=%u samples_per_s=%.0f line_rate_pct=%.1f best_pct=%.1f jobs=%llu\n",
			       mode, b, med, 100.0 * med / line_rate,
			       100.0 * best / line_rate, (unsigned long long)all);
			if (b >= 64 && med < 0.9 * line_rate)
				below_bar++;
		} else {
			printf("BENCH mode=%s batch=%u samples_per_s=%.0f us_per_job=%.1f best_us_per_job=%.1f jobs=%llu\n",
			       mode, b, med, 1e6 * b / med, 1e6 * b / best,
			       (unsigned long long)all);
		}
	}
	return below_bar;
}

int main(void)
{
	const double line_rate = 100e6 / 790;
	int ret, below;

	qg_begin("bench_throughput");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	for (int i = 0; i < DEPTH; i++)
		if (qg_buf_alloc(&d, 1024 * d.in_bytes, &in[i]) ||
		    qg_buf_alloc(&d, 1024 * d.out_bytes, &out[i]))
			qg_die("alloc");
	qg_relax_timeouts();
	if (qg_write_file("/sys/module/qnn_sim/parameters/compute", "N"))
		qg_die("cannot switch the simulator's engine off");

	if (qg_sim_speed(100, 0))
		qg_die("cannot set the simulator's speed");
	if (sweep("unlimited", 0) < 0)
		qg_die("unlimited sweep failed");

	qg_sim_speed(100, 790);
	below = sweep("126k", line_rate);
	if (below < 0)
		qg_die("modelled sweep failed");
	printf("BENCH bar (>= 90%% of %.0f samples/s from batch 64): %s\n",
	       line_rate, below ? "NOT MET" : "met");

	qg_sim_speed(-1, -1);
	qg_write_file("/sys/module/qnn_sim/parameters/compute", "Y");
	qg_close(&d);
	return qg_finish();
}
