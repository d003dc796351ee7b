// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * batch.c - turning queued requests into backend batches (when the
 * batcher's policy says so and the backend has a free slot: inputs copied
 * once, into the backend's buffer) and finished batches into replies.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "qnnd.h"

struct batch_owner {
	struct service *svc;
	uint64_t dispatch_us;
	unsigned nreq;
	struct request *reqs[];
};

bool batch_idle(const struct server *s)
{
	return queue_empty(&s->queue) && (!s->svcs.cur || !s->svcs.cur->inflight) && !s->svcs.old;
}

static void fail_batch_reqs(struct server *s, struct batch_owner *o, int status, const char *msg)
{
	for (unsigned i = 0; i < o->nreq; i++)
		reply_fail(s, o->reqs[i], status, msg);
}

static bool dispatch_one(struct server *s, struct service *svc, uint64_t now)
{
	struct backend *be = svc->be;
	struct qnnd_batch *b = be->ops->get_batch(be);

	if (!b)
		return false;
	uint32_t max_batch = s->queue.bq.max_batch;
	struct batch_owner *o = malloc(sizeof(*o) + max_batch * sizeof(struct request *));
	uint32_t samples, off = 0;

	if (!o) {
		be->ops->put_batch(be, b);
		return false;
	}
	o->svc = svc;
	o->dispatch_us = now;
	unsigned nreq = queue_take(&s->queue, o->reqs, max_batch, &samples);

	o->nreq = 0;
	for (unsigned i = 0; i < nreq; i++) {
		struct request *r = o->reqs[i];
		float *dst = b->in + (size_t)off * svc->info.n_in;
		size_t cnt = (size_t)r->n * svc->info.n_in;

		if (r->on_shm) {
			/* The one read of a ring request's inputs, then the check on our copy. */
			memcpy(dst, r->ring_in, cnt * sizeof(float));
			if (qnn_first_nonfinite(dst, cnt) >= 0) {
				s->st.nonfinite++;
				reply_fail(s, r, QNN_E_NONFINITE, "NaN or infinite input");
				continue;
			}
		} else {
			memcpy(dst, r->in, cnt * sizeof(float));
		}
		o->reqs[o->nreq++] = r;
		off += r->n;
		r->dispatch_us = now;
		QNND_PROBE(request_batched, r->conn->id, r->id, b);
	}
	if (!o->nreq) {
		free(o);
		be->ops->put_batch(be, b);
		return true;
	}
	samples = off;
	b->n = samples;
	b->owner = o;
	int r = be->ops->submit(be, b);

	if (r) {
		s->st.backend_failures++;
		log_failure("backend", "%s: submit of %u samples failed: %s", be->desc, samples,
			    qnn_strerror(r));
		fail_batch_reqs(s, o, QNN_E_BACKEND, "the backend refused the batch");
		free(o);
		be->ops->put_batch(be, b);
		return true;
	}
	svc->inflight++;
	QNND_PROBE(batch_dispatched, b, o->nreq, samples);
	if (be->completes_inline)
		batch_complete(s, svc);
	return true;
}

uint64_t batch_dispatch(struct server *s, uint64_t now)
{
	struct service *svc = s->svcs.cur;
	uint64_t wake = 0;

	queue_expire(s, now);
	while (svc && queue_ready(&s->queue, now, &wake)) {
		if (!dispatch_one(s, svc, now))
			break;
	}
	return queue_next_wake(s, wake);
}

void batch_complete(struct server *s, struct service *svc)
{
	struct backend *be = svc->be;
	struct qnnd_batch *done[8];
	int k;

	while ((k = be->ops->complete(be, done, 8)) > 0) {
		uint64_t now = now_us();

		for (int i = 0; i < k; i++) {
			struct qnnd_batch *b = done[i];
			struct batch_owner *o = b->owner;

			svc->inflight--;
			housekeeping_progress(&s->hk, now);
			QNND_PROBE(batch_done, b, b->status);
			if (b->status || b->nonfinite) {
				s->st.backend_failures++;
				log_failure("backend", "%s: batch of %u samples: %s", be->desc,
					    b->n, b->status ? b->err : "engine saw NaN/Inf inputs");
				fail_batch_reqs(s, o, QNN_E_BACKEND,
						"the accelerator failed the batch");
			} else {
				uint32_t first = 0;

				stats_batch_done(&s->st);
				for (unsigned j = 0; j < o->nreq; j++) {
					uint32_t n = o->reqs[j]->n;

					/* Answered and freed: its size is read first. */
					reply_classify(s, o->reqs[j], b, first, now);
					first += n;
				}
			}
			free(o);
			be->ops->put_batch(be, b);
		}
		if (k < 8)
			break;
	}
	service_retire_if_done(s, svc);
}
