/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * thread_pool.h - a fixed set of threads that run one function together
 * (fork-join). Work is split by thread index, never by who finishes first,
 * so results do not depend on scheduling.
 */
#ifndef HG_THREAD_POOL_H
#define HG_THREAD_POOL_H

struct hg_pool;

typedef void (*hg_pool_fn)(void *ctx, int tid, int nthreads);

/* n >= 1 threads in all, the caller's own thread being thread 0. */
struct hg_pool *hg_pool_create(int n);
/* Run fn on every thread and return when all have finished. */
void hg_pool_run(struct hg_pool *p, hg_pool_fn fn, void *ctx);
void hg_pool_destroy(struct hg_pool *p);
int hg_pool_size(const struct hg_pool *p);

/* The [begin, end) slice of n items that thread tid of nt owns. */
static inline void hg_split(unsigned long n, int tid, int nt, unsigned long *begin,
			    unsigned long *end)
{
	unsigned long q = n / (unsigned long)nt, r = n % (unsigned long)nt;
	unsigned long t = (unsigned long)tid;

	*begin = t * q + (t < r ? t : r);
	*end = *begin + q + (t < r ? 1 : 0);
}

#endif /* HG_THREAD_POOL_H */
