/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * stats.h - counters and latency percentiles for STATUS=, the journal's
 * periodic record and the STATS reply. Latencies go into a log-linear
 * histogram (8 sub-buckets per power of two: <= 12.5% error), no sample is
 * stored.
 */
#ifndef QNND_STATS_H
#define QNND_STATS_H

#include <stdint.h>

#define STATS_BUCKETS (64 * 8)

struct stats_window {
	uint64_t start_us;
	uint64_t samples, requests, batches;
	uint64_t hist[STATS_BUCKETS];
};

struct stats {
	/* since start */
	uint64_t start_us;
	uint64_t connections_total, clients;
	uint64_t requests, samples, batches;
	uint64_t busy, timeouts, errors, nonfinite, reloads, backend_failures;
	struct stats_window journal; /* reset at every journal record */
	struct stats_window status;  /* reset at every STATUS= update */
};

struct stats_snapshot {
	double samples_per_s;
	double batch_avg;
	uint64_t p50_us, p99_us;
	uint64_t queue_depth;
	uint64_t requests, samples, batches;
	double seconds;
};

void stats_init(struct stats *s, uint64_t now_us);
void stats_request_done(struct stats *s, uint32_t samples, uint64_t latency_us);
void stats_batch_done(struct stats *s);
uint64_t stats_percentile(const struct stats_window *w, double q);
/* Summarise window w at now, then reset it. */
void stats_window_close(struct stats_window *w, uint64_t now_us, uint64_t queue_depth,
			struct stats_snapshot *out);

#endif
