// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * ref_run.c - the float reference over a batch, on several threads. Work
 * is handed out in chunks from an atomic counter so threads that finish
 * early keep going; each sample's result does not depend on which thread
 * computed it.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "hlsgen_ref.h"

#define CHUNK 32

struct job {
	const struct hlsgen_ref *r;
	const float *in;
	float *out;
	uint64_t n;
	uint64_t next; /* atomic */
	int error;     /* atomic */
	struct hlsgen_progress *progress;
};

static void *worker(void *arg)
{
	struct job *j = arg;
	const struct qnn_model *m = j->r->model;
	struct hlsgen_ref_ws ws;

	if (hlsgen_ref_ws_alloc(j->r, &ws)) {
		__atomic_store_n(&j->error, -ENOMEM, __ATOMIC_RELAXED);
		return NULL;
	}
	for (;;) {
		uint64_t s = __atomic_fetch_add(&j->next, CHUNK, __ATOMIC_RELAXED);
		uint64_t e = s + CHUNK < j->n ? s + CHUNK : j->n;

		if (s >= j->n)
			break;
		for (uint64_t i = s; i < e; i++)
			hlsgen_ref_forward(j->r, &ws, j->in + i * m->n_in, j->out + i * m->n_out, i,
					   NULL, NULL);
		if (j->progress)
			hlsgen_progress_add(j->progress, e - s);
	}
	hlsgen_ref_ws_free(&ws);
	return NULL;
}

int hlsgen_ref_run(const struct hlsgen_ref *r, const float *in, uint64_t n, float *out,
		   unsigned threads, struct hlsgen_progress *progress)
{
	struct job j = {.r = r, .in = in, .out = out, .n = n, .progress = progress};
	pthread_t tid[256];
	unsigned started = 0;

	if (!threads) {
		long c = sysconf(_SC_NPROCESSORS_ONLN);

		threads = c > 0 ? (unsigned)c : 1;
	}
	if (threads > 256)
		threads = 256;
	if (threads > n / CHUNK + 1)
		threads = (unsigned)(n / CHUNK + 1);
	/* the calling thread is worker 0 */
	for (unsigned t = 1; t < threads; t++)
		if (!pthread_create(&tid[started], NULL, worker, &j))
			started++;
	worker(&j);
	for (unsigned t = 0; t < started; t++)
		pthread_join(tid[t], NULL);
	return j.error;
}
