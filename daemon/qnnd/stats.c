// SPDX-License-Identifier: GPL-2.0 OR MIT
/* stats.c - counters and log-linear latency histograms (see stats.h). */
#include <string.h>

#include "stats.h"

static unsigned bucket_of(uint64_t v)
{
	if (v < 8)
		return (unsigned)v;
	unsigned e = 63 - (unsigned)__builtin_clzll(v); /* v in [2^e, 2^(e+1)) */
	unsigned sub = (unsigned)(v >> (e - 3)) & 7;

	return (e - 2) * 8 + sub;
}

/* Upper bound of a bucket's values (what a percentile reports). */
static uint64_t bucket_top(unsigned b)
{
	if (b < 8)
		return b;
	unsigned e = b / 8 + 2, sub = b % 8;

	return ((uint64_t)(8 + sub + 1) << (e - 3)) - 1;
}

static void window_reset(struct stats_window *w, uint64_t now_us)
{
	memset(w, 0, sizeof(*w));
	w->start_us = now_us;
}

void stats_init(struct stats *s, uint64_t now_us)
{
	memset(s, 0, sizeof(*s));
	s->start_us = now_us;
	window_reset(&s->journal, now_us);
	window_reset(&s->status, now_us);
}

static void window_add(struct stats_window *w, uint32_t samples, uint64_t latency_us)
{
	unsigned b = bucket_of(latency_us);

	w->hist[b < STATS_BUCKETS ? b : STATS_BUCKETS - 1]++;
	w->samples += samples;
	w->requests++;
}

void stats_request_done(struct stats *s, uint32_t samples, uint64_t latency_us)
{
	s->requests++;
	s->samples += samples;
	window_add(&s->journal, samples, latency_us);
	window_add(&s->status, samples, latency_us);
}

void stats_batch_done(struct stats *s)
{
	s->batches++;
	s->journal.batches++;
	s->status.batches++;
}

uint64_t stats_percentile(const struct stats_window *w, double q)
{
	uint64_t total = 0, acc = 0;

	for (unsigned b = 0; b < STATS_BUCKETS; b++)
		total += w->hist[b];
	if (!total)
		return 0;
	uint64_t rank = (uint64_t)(q * (double)total + 0.999999);

	if (rank < 1)
		rank = 1;
	for (unsigned b = 0; b < STATS_BUCKETS; b++) {
		acc += w->hist[b];
		if (acc >= rank)
			return bucket_top(b);
	}
	return bucket_top(STATS_BUCKETS - 1);
}

void stats_window_close(struct stats_window *w, uint64_t now_us, uint64_t queue_depth,
			struct stats_snapshot *out)
{
	double secs = (double)(now_us - w->start_us) / 1e6;

	out->seconds = secs;
	out->samples_per_s = secs > 0 ? (double)w->samples / secs : 0;
	out->batch_avg = w->batches ? (double)w->samples / (double)w->batches : 0;
	out->p50_us = stats_percentile(w, 0.50);
	out->p99_us = stats_percentile(w, 0.99);
	out->queue_depth = queue_depth;
	out->requests = w->requests;
	out->samples = w->samples;
	out->batches = w->batches;
	window_reset(w, now_us);
}
