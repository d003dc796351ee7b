// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * dispatch.c - turning queued requests into backend batches (when the
 * batcher's policy says so and the backend has a free slot) and batches
 * back into replies.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>

#include "log.h"
#include "qnnd.h"

bool dispatch_idle(const struct server *s)
{
	return !s->bq.queued_reqs && (!s->svc || !s->svc->inflight) && !s->old;
}

void dispatch_expire(struct server *s, uint64_t now)
{
	struct bq_req *out[64];
	unsigned k;

	if (!s->next_deadline_us || now < s->next_deadline_us)
		return;
	do {
		k = batcher_expire(&s->bq, now, out, 64);
		for (unsigned i = 0; i < k; i++)
			req_fail(s, (struct request *)out[i], QNN_E_TIMEOUT,
				 "deadline passed before the request reached the accelerator");
	} while (k == 64);
	s->next_deadline_us = batcher_next_deadline(&s->bq);
}

/* Arm the wake timer (absolute, microseconds; 0: disarm). */
static void arm_wake(struct server *s, uint64_t at_us)
{
	if (at_us == s->wake_armed_us)
		return;
	struct itimerspec its = {0};

	if (at_us) {
		its.it_value.tv_sec = (time_t)(at_us / 1000000);
		its.it_value.tv_nsec = (long)(at_us % 1000000) * 1000;
	}
	timerfd_settime(s->wakefd, TFD_TIMER_ABSTIME, &its, NULL);
	s->wake_armed_us = at_us;
}

static void fail_batch_reqs(struct server *s, struct batch_owner *o, int status, const char *msg)
{
	for (unsigned i = 0; i < o->nreq; i++)
		req_fail(s, o->reqs[i], status, msg);
}

static bool dispatch_one(struct server *s, struct service *svc, uint64_t now)
{
	struct backend *be = svc->be;
	struct qnnd_batch *b = be->ops->get_batch(be);

	if (!b)
		return false;
	struct batch_owner *o = malloc(sizeof(*o) + s->bq.max_batch * sizeof(struct request *));
	uint32_t samples, off = 0;

	if (!o) {
		be->ops->put_batch(be, b);
		return false;
	}
	o->svc = svc;
	o->dispatch_us = now;
	unsigned nreq = batcher_take(&s->bq, (struct bq_req **)o->reqs, s->bq.max_batch, &samples);

	o->nreq = 0;
	for (unsigned i = 0; i < nreq; i++) {
		struct request *r = o->reqs[i];
		float *dst = b->in + (size_t)off * svc->info.n_in;
		size_t cnt = (size_t)r->n * svc->info.n_in;

		if (r->on_shm) {
			/* The one read of a ring request's inputs, then the check on our copy. */
			shm_copy_in(r, dst, cnt);
			if (qnn_first_nonfinite(dst, cnt) >= 0) {
				s->st.nonfinite++;
				shm_fail(s, r->conn, r->slot, r->id, QNN_E_NONFINITE);
				req_free(s, r);
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
		dispatch_complete(s, svc);
	return true;
}

/*
 * The loop must wake for the earlier of the batcher's delay and the next deadline of
 * a queued request: the 100 ms tick alone would answer a 20 ms deadline up to 100 ms
 * late. The deadline may be stale (its request was dispatched since): it then costs
 * one wake-up, after which dispatch_expire() has the real one. Kept stale rather than
 * cleared, so that under load the timer is set once per deadline, not twice a turn.
 */
static uint64_t next_wake(const struct server *s, uint64_t batch_due)
{
	uint64_t dl = s->next_deadline_us;

	if (!dl || (batch_due && batch_due < dl))
		return batch_due;
	return dl;
}

void dispatch_batches(struct server *s, uint64_t now)
{
	struct service *svc = s->svc;
	uint64_t wake = 0;

	dispatch_expire(s, now);
	while (svc && batcher_ready(&s->bq, now, &wake)) {
		if (!dispatch_one(s, svc, now))
			break;
	}
	arm_wake(s, next_wake(s, wake));
}

void dispatch_turn(struct server *s, bool may_free)
{
	/* Before the clock: a request is never dispatched before its receipt. */
	shm_pull_all(s);
	dispatch_batches(s, now_us());
	conn_flush_all(s, may_free);
}

static void retire_if_done(struct server *s, struct service *svc)
{
	if (svc->retiring && !svc->inflight) {
		if (s->old == svc)
			s->old = NULL;
		service_close(s, svc);
	}
}

void dispatch_complete(struct server *s, struct service *svc)
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
			s->last_progress_us = now;
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
					struct request *r = o->reqs[j];

					req_reply(s, r, b, first, now);
					first += r->n;
					req_free(s, r);
				}
			}
			free(o);
			be->ops->put_batch(be, b);
		}
		if (k < 8)
			break;
	}
	retire_if_done(s, svc);
}
