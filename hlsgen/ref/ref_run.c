// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ref_run.c - the float reference over a batch, on the pool's threads. Work
 * is handed out in chunks from a shared counter so threads that finish
 * early keep going; each sample's result does not depend on which thread
 * computed it.
 */
#include <errno.h>

#include "hlsgen_ref.h"
#include "hlsgen_thread_pool.h"

#define CHUNK 32

struct job {
	const struct hlsgen_ref *r;
	const float *in;
	float *out;
	struct hg_chunks chunks;
	int error; /* atomic */
	struct hlsgen_progress *progress;
};

static void worker(void *arg, int tid, int nthreads)
{
	struct job *j = arg;
	const struct qnn_model *m = j->r->model;
	struct hlsgen_ref_ws ws;
	uint64_t s, e;

	(void)tid;
	(void)nthreads;
	if (hlsgen_ref_ws_alloc(j->r, &ws)) {
		__atomic_store_n(&j->error, -ENOMEM, __ATOMIC_RELAXED);
		return;
	}
	while (hg_chunks_take(&j->chunks, &s, &e)) {
		for (uint64_t i = s; i < e; i++)
			hlsgen_ref_forward(j->r, &ws, j->in + i * m->n_in, j->out + i * m->n_out, i,
					   NULL, NULL);
		if (j->progress)
			hlsgen_progress_add(j->progress, e - s);
	}
	hlsgen_ref_ws_free(&ws);
}

int hlsgen_ref_run(const struct hlsgen_ref *r, const float *in, uint64_t n, float *out,
		   unsigned threads, struct hlsgen_progress *progress)
{
	struct job j = {
	    .r = r, .in = in, .out = out, .chunks = {.n = n, .size = CHUNK}, .progress = progress};

	hg_pool_run_once(hg_pool_threads_for(threads, n, CHUNK), worker, &j);
	return j.error;
}
