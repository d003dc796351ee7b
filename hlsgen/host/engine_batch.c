// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * engine_batch.c - splits a host batch over threads, each with its own
 * engine and workspace; chunks come from an atomic counter. Every sample's
 * result is independent of the split (the engine keeps no state between
 * samples).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hlsgen_engine_batch.h"
#include "qnn_engine.h"

#define CHUNK	    64
#define MAX_THREADS 256

struct job {
	const struct qnn_model *m;
	const float *in;
	uint64_t n;
	struct hlsgen_engine_results *res;
	struct hlsgen_progress *progress;
	uint32_t engine_flags;
	uint64_t next;	    /* atomic */
	uint64_t nonfinite; /* atomic */
	int error;	    /* atomic: first failure */
};

static int run_chunk(struct job *j, struct qnn_engine *e, uint64_t s, uint32_t count)
{
	const struct qnn_model *m = j->m;
	struct qnn_engine_out out = {0};
	int ret;

	if (j->res->values)
		out.values = (uint32_t *)(j->res->values + s * m->n_out); /* float bits */
	if (j->res->classes)
		out.classes = j->res->classes + s;
	ret = qnn_engine_run(e, QNN_INPUT_F32, j->in + s * m->n_in, count, &out, NULL, NULL);
	__atomic_add_fetch(&j->nonfinite, out.nonfinite, __ATOMIC_RELAXED);
	return ret;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	size_t ws_size = qnn_engine_workspace_size(j->m);
	void *ws = malloc(ws_size + 1);
	struct qnn_engine e = {.flags = j->engine_flags};
	int ret = ws ? qnn_engine_init(&e, j->m, ws, ws_size) : -ENOMEM;

	while (!ret) {
		uint64_t s = __atomic_fetch_add(&j->next, CHUNK, __ATOMIC_RELAXED);
		uint32_t count;

		if (s >= j->n || __atomic_load_n(&j->error, __ATOMIC_RELAXED))
			break;
		count = (uint32_t)(j->n - s < CHUNK ? j->n - s : CHUNK);
		ret = run_chunk(j, &e, s, count);
		if (j->progress)
			hlsgen_progress_add(j->progress, count);
	}
	if (ret) {
		int zero = 0;

		__atomic_compare_exchange_n(&j->error, &zero, ret, 0, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	free(ws);
	return NULL;
}

int hlsgen_engine_batch(const struct qnn_model *m, const float *in, uint64_t n, unsigned threads,
			struct hlsgen_engine_results *res, struct hlsgen_progress *progress,
			char *err, size_t errlen)
{
	struct job j = {.m = m,
			.in = in,
			.n = n,
			.res = res,
			.progress = progress,
			.engine_flags = res->engine_flags};
	pthread_t tid[MAX_THREADS];
	unsigned started = 0;

	if (!threads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > MAX_THREADS)
		threads = MAX_THREADS;
	if (threads > n / CHUNK + 1)
		threads = (unsigned)(n / CHUNK + 1);
	for (unsigned t = 1; t < threads; t++)
		if (!pthread_create(&tid[started], NULL, worker, &j))
			started++;
	worker(&j); /* the calling thread works too */
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	res->nonfinite = j.nonfinite;
	if (j.error)
		snprintf(err, errlen, "engine failed: error %d (%s)", j.error, strerror(-j.error));
	return j.error;
}
