// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Criterion units for qnnd's counters and latency percentiles (daemon/qnnd/stats.c). */
#include <criterion/criterion.h>

#include "stats.h"

static struct stats s;

Test(stats, percentiles_within_bucket_error)
{
	struct stats_snapshot snap;

	stats_init(&s, 0);
	/* 1..1000 us, once each: p50 = 500, p99 = 990 */
	for (uint64_t v = 1; v <= 1000; v++)
		stats_request_done(&s, 2, v);
	for (int b = 0; b < 250; b++)
		stats_batch_done(&s);
	uint64_t p50 = stats_percentile(&s.journal, 0.5), p99 = stats_percentile(&s.journal, 0.99);

	cr_assert(p50 >= 500 && p50 <= 500 * 1.125 + 1, "p50 %llu", (unsigned long long)p50);
	cr_assert(p99 >= 990 && p99 <= 990 * 1.125 + 1, "p99 %llu", (unsigned long long)p99);
	stats_window_close(&s.journal, 2000000, 7, &snap);
	cr_assert_float_eq(snap.seconds, 2.0, 1e-9);
	cr_assert_float_eq(snap.samples_per_s, 1000.0, 1e-9, "2000 samples in 2 s");
	cr_assert_float_eq(snap.batch_avg, 8.0, 1e-9, "2000 samples in 250 batches");
	cr_assert_eq(snap.queue_depth, 7);
	cr_assert_eq(s.journal.requests, 0, "the window restarts");
	cr_assert_eq(s.requests, 1000, "totals keep counting");
	cr_assert_eq(stats_percentile(&s.journal, 0.5), 0, "empty window");
}

Test(stats, small_and_huge_latencies)
{
	stats_init(&s, 0);
	stats_request_done(&s, 1, 0);
	cr_assert_eq(stats_percentile(&s.status, 1.0), 0);
	stats_request_done(&s, 1, UINT64_MAX / 2);
	cr_assert_geq(stats_percentile(&s.status, 1.0), UINT64_MAX / 2);
	stats_request_done(&s, 1, 7);
	cr_assert_eq(stats_percentile(&s.status, 0.5), 7, "exact below 8 us");
}
