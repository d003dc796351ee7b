/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_thread_pool.h - the one thread pool of hlsgen's host code: a fixed
 * set of threads that run one function together (fork-join). The trainer
 * keeps one pool for all its steps; the tools' batches (engine, float
 * reference) and the engine benchmark run one function once on a pool made
 * for it. Work is split either by thread index (hg_split: the trainer, whose
 * float sums must not depend on scheduling) or in chunks taken from a shared
 * counter (hg_chunks: per-sample work, whose results cannot depend on which
 * thread computed them).
 */
#ifndef HLSGEN_THREAD_POOL_H
#define HLSGEN_THREAD_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define HG_POOL_MAX_THREADS 256

struct hg_pool;

typedef void (*hg_pool_fn)(void *ctx, int tid, int nthreads);

/* n >= 1 threads in all, the caller's own thread being thread 0. */
struct hg_pool *hg_pool_create(int n);
/* Run fn on every thread and return when all have finished. */
void hg_pool_run(struct hg_pool *p, hg_pool_fn fn, void *ctx);
void hg_pool_destroy(struct hg_pool *p);
int hg_pool_size(const struct hg_pool *p);

/*
 * Run fn once on n threads (fewer if the system refuses some; the caller
 * alone if it refuses all): a pool that lives for one call.
 */
void hg_pool_run_once(int n, hg_pool_fn fn, void *ctx);

/*
 * How many threads n_items taken `chunk` at a time can keep busy: the
 * request (0: one per online CPU), at most one per chunk plus one, at most
 * HG_POOL_MAX_THREADS.
 */
int hg_pool_threads_for(unsigned requested, uint64_t n_items, unsigned chunk);

/* The [begin, end) slice of n items that thread tid of nt owns. */
static inline void hg_split(unsigned long n, int tid, int nt, unsigned long *begin,
			    unsigned long *end)
{
	unsigned long q = n / (unsigned long)nt, r = n % (unsigned long)nt;
	unsigned long t = (unsigned long)tid;

	*begin = t * q + (t < r ? t : r);
	*end = *begin + q + (t < r ? 1 : 0);
}

/* Items [0, n) handed out `size` at a time to whichever thread asks first. */
struct hg_chunks {
	uint64_t next; /* atomic */
	uint64_t n;
	uint32_t size;
};

/* The next chunk [*begin, *end); false when none is left. */
static inline bool hg_chunks_take(struct hg_chunks *c, uint64_t *begin, uint64_t *end)
{
	uint64_t s = __atomic_fetch_add(&c->next, c->size, __ATOMIC_RELAXED);

	if (s >= c->n)
		return false;
	*begin = s;
	*end = c->n - s < c->size ? c->n : s + c->size;
	return true;
}

#endif /* HLSGEN_THREAD_POOL_H */
