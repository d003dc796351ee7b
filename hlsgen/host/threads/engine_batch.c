// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * engine_batch.c - splits a host batch over the pool's threads, each with
 * its own engine and workspace; chunks come from a shared counter. Every
 * sample's result is independent of the split (the engine keeps no state
 * between samples).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_engine_batch.h"
#include "hlsgen_thread_pool.h"
#include "qnn_engine.h"

#define CHUNK 64

struct job {
	const struct qnn_model *m;
	const float *in;
	uint64_t n;
	struct hlsgen_engine_results *res;
	struct hlsgen_progress *progress;
	uint32_t engine_flags;
	struct hg_chunks chunks;
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

static void worker(void *arg, int tid, int nthreads)
{
	struct job *j = arg;
	size_t ws_size = qnn_engine_workspace_size(j->m);
	void *ws = malloc(ws_size + 1);
	struct qnn_engine e = {.flags = j->engine_flags};
	int ret = ws ? qnn_engine_init(&e, j->m, ws, ws_size) : -ENOMEM;

	(void)tid;
	(void)nthreads;
	while (!ret) {
		uint64_t s, end;

		if (!hg_chunks_take(&j->chunks, &s, &end) ||
		    __atomic_load_n(&j->error, __ATOMIC_RELAXED))
			break;
		ret = run_chunk(j, &e, s, (uint32_t)(end - s));
		if (j->progress)
			hlsgen_progress_add(j->progress, end - s);
	}
	if (ret) {
		int zero = 0;

		__atomic_compare_exchange_n(&j->error, &zero, ret, 0, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED);
	}
	free(ws);
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
			.engine_flags = res->engine_flags,
			.chunks = {.n = n, .size = CHUNK}};

	hg_pool_run_once(hg_pool_threads_for(threads, n, CHUNK), worker, &j);
	res->nonfinite = j.nonfinite;
	if (j.error)
		snprintf(err, errlen, "engine failed: error %d (%s)", j.error, strerror(-j.error));
	return j.error;
}
