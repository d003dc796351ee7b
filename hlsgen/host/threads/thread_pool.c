// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * thread_pool.c - the fork-join pool (hlsgen_thread_pool.h). A training
 * step is two short parallel phases, so waiting threads first spin briefly
 * on an atomic generation counter (a wake-up through the kernel costs as
 * much as a phase on a busy machine) and only then sleep on a condition
 * variable. The pool hands fn a thread index and never decides who does
 * what, so scheduling cannot change results.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "hlsgen_thread_pool.h"

#define SPIN_ROUNDS 20000

struct hg_pool {
	int n;
	pthread_t *tids;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	atomic_ulong gen;
	atomic_int pending;
	atomic_int quit;
	hg_pool_fn fn;
	void *ctx;
};

struct worker_arg {
	struct hg_pool *p;
	int tid;
};

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Wait until the generation moves past seen (or quit); returns the new one. */
static unsigned long wait_work(struct hg_pool *p, unsigned long seen)
{
	for (int i = 0; i < SPIN_ROUNDS; i++) {
		if (atomic_load_explicit(&p->gen, memory_order_acquire) != seen ||
		    atomic_load(&p->quit))
			return atomic_load(&p->gen);
		cpu_relax();
	}
	pthread_mutex_lock(&p->mu);
	while (atomic_load(&p->gen) == seen && !atomic_load(&p->quit))
		pthread_cond_wait(&p->go, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return atomic_load(&p->gen);
}

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct hg_pool *p = wa->p;
	int tid = wa->tid;
	unsigned long seen = 0;

	free(wa);
	for (;;) {
		seen = wait_work(p, seen);
		if (atomic_load(&p->quit))
			return NULL;
		p->fn(p->ctx, tid, p->n);
		if (atomic_fetch_sub_explicit(&p->pending, 1, memory_order_acq_rel) == 1) {
			pthread_mutex_lock(&p->mu);
			pthread_cond_signal(&p->done);
			pthread_mutex_unlock(&p->mu);
		}
	}
}

struct hg_pool *hg_pool_create(int n)
{
	struct hg_pool *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->n = n < 1 ? 1 : n;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->go, NULL);
	pthread_cond_init(&p->done, NULL);
	p->tids = calloc((size_t)p->n, sizeof(*p->tids));
	if (!p->tids) {
		free(p);
		return NULL;
	}
	for (int i = 1; i < p->n; i++) {
		struct worker_arg *wa = malloc(sizeof(*wa));

		if (!wa ||
		    (wa->p = p, wa->tid = i, pthread_create(&p->tids[i], NULL, worker, wa))) {
			free(wa);
			p->n = i; /* run with the threads we got */
			break;
		}
	}
	return p;
}

void hg_pool_run(struct hg_pool *p, hg_pool_fn fn, void *ctx)
{
	int spins = 0;

	if (p->n == 1) {
		fn(ctx, 0, 1);
		return;
	}
	p->fn = fn;
	p->ctx = ctx;
	atomic_store(&p->pending, p->n - 1);
	pthread_mutex_lock(&p->mu);
	atomic_fetch_add_explicit(&p->gen, 1, memory_order_release);
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	fn(ctx, 0, p->n);
	while (atomic_load_explicit(&p->pending, memory_order_acquire) && spins++ < SPIN_ROUNDS)
		cpu_relax();
	if (atomic_load(&p->pending)) {
		pthread_mutex_lock(&p->mu);
		while (atomic_load(&p->pending))
			pthread_cond_wait(&p->done, &p->mu);
		pthread_mutex_unlock(&p->mu);
	}
}

int hg_pool_size(const struct hg_pool *p)
{
	return p->n;
}

void hg_pool_destroy(struct hg_pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	atomic_store(&p->quit, 1);
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	for (int i = 1; i < p->n; i++)
		pthread_join(p->tids[i], NULL);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->go);
	pthread_cond_destroy(&p->done);
	free(p->tids);
	free(p);
}

void hg_pool_run_once(int n, hg_pool_fn fn, void *ctx)
{
	struct hg_pool *p = hg_pool_create(n);

	if (!p) {
		fn(ctx, 0, 1);
		return;
	}
	hg_pool_run(p, fn, ctx);
	hg_pool_destroy(p);
}

int hg_pool_threads_for(unsigned requested, uint64_t n_items, unsigned chunk)
{
	uint64_t t = requested;

	if (!t) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		t = c > 0 ? (uint64_t)c : 1;
	}
	if (t > HG_POOL_MAX_THREADS)
		t = HG_POOL_MAX_THREADS;
	if (t > n_items / chunk + 1)
		t = n_items / chunk + 1;
	return (int)t;
}
