// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Fork-join thread pool: workers sleep on a condition variable until the
 * generation counter moves, run the job, and count themselves done.
 */
#include <pthread.h>
#include <stdlib.h>

#include "thread_pool.h"

struct hg_pool {
	int n;
	pthread_t *tids;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned long gen;
	int pending;
	int quit;
	hg_pool_fn fn;
	void *ctx;
};

struct worker_arg {
	struct hg_pool *p;
	int tid;
};

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct hg_pool *p = wa->p;
	int tid = wa->tid;
	unsigned long seen = 0;

	free(wa);
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->gen == seen && !p->quit)
			pthread_cond_wait(&p->go, &p->mu);
		if (p->quit) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		seen = p->gen;
		hg_pool_fn fn = p->fn;
		void *ctx = p->ctx;

		pthread_mutex_unlock(&p->mu);
		fn(ctx, tid, p->n);
		pthread_mutex_lock(&p->mu);
		if (--p->pending == 0)
			pthread_cond_signal(&p->done);
		pthread_mutex_unlock(&p->mu);
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

		if (!wa || (wa->p = p, wa->tid = i, pthread_create(&p->tids[i], NULL, worker, wa))) {
			free(wa);
			p->n = i; /* run with the threads we got */
			break;
		}
	}
	return p;
}

void hg_pool_run(struct hg_pool *p, hg_pool_fn fn, void *ctx)
{
	if (p->n == 1) {
		fn(ctx, 0, 1);
		return;
	}
	pthread_mutex_lock(&p->mu);
	p->fn = fn;
	p->ctx = ctx;
	p->pending = p->n - 1;
	p->gen++;
	pthread_cond_broadcast(&p->go);
	pthread_mutex_unlock(&p->mu);
	fn(ctx, 0, p->n);
	pthread_mutex_lock(&p->mu);
	while (p->pending)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
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
	p->quit = 1;
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
