// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * queue.c - admitting requests into the batcher and taking them out again
 * when they cannot run: deadline passed, client gone, model changed. A
 * refusal is immediate (BUSY when max_queue samples wait), so a client never
 * waits for an answer the daemon already knows.
 */
#include <stdio.h>

#include "log.h"
#include "qnnd.h"

void queue_init(struct server *s, uint32_t max_batch)
{
	batcher_init(&s->queue.bq, max_batch, s->cfg.max_queue, s->cfg.max_queue_delay_us);
}

void queue_set_limits(struct server *s, uint32_t max_batch)
{
	struct batcher *bq = &s->queue.bq;

	bq->max_batch = max_batch;
	bq->max_queue = s->cfg.max_queue;
	bq->max_delay_us = s->cfg.max_queue_delay_us;
}

int queue_check(struct server *s, struct conn *c, char *msg, size_t len)
{
	if (s->loop.draining) {
		snprintf(msg, len, "qnnd is stopping");
		return QNN_E_SHUTDOWN;
	}
	if (c->inflight >= s->cfg.max_inflight) {
		snprintf(msg, len, "more than %u requests in flight", s->cfg.max_inflight);
		return QNN_E_LIMIT;
	}
	return quota_request(s, c, msg, len);
}

int queue_admit(struct server *s, struct conn *c, struct request *rq, uint32_t timeout_ms,
		long bad_at, char *msg, size_t len)
{
	struct queue *q = &s->queue;
	uint32_t n_in = s->svcs.cur->info.n_in;
	long bad = bad_at != -2 ? bad_at : qnn_first_nonfinite(rq->in, (size_t)rq->n * n_in);

	if (bad >= 0) {
		s->st.nonfinite++;
		snprintf(msg, len, "sample %ld, element %ld is NaN or infinite", bad / (long)n_in,
			 bad % (long)n_in);
		return QNN_E_NONFINITE;
	}
	uint64_t now = now_us();
	uint32_t timeout = timeout_ms ? timeout_ms : s->cfg.default_timeout_ms;

	rq->recv_us = now;
	rq->q.n = rq->n;
	rq->q.deadline_us = timeout ? now + (uint64_t)timeout * 1000 : 0;
	if (batcher_push(&q->bq, &c->q, &rq->q, now)) {
		s->st.busy++;
		snprintf(msg, len, "queue full (%u samples waiting)", q->bq.queued_samples);
		return QNN_E_BUSY;
	}
	c->inflight++;
	c->use->inflight++;
	QNND_PROBE(request_queued, c->id, rq->id, rq->n);
	if (rq->q.deadline_us && (!q->next_deadline_us || rq->q.deadline_us < q->next_deadline_us))
		q->next_deadline_us = rq->q.deadline_us;
	return 0;
}

void queue_expire(struct server *s, uint64_t now)
{
	struct queue *q = &s->queue;
	struct bq_req *out[64];
	unsigned k;

	if (!q->next_deadline_us || now < q->next_deadline_us)
		return;
	do {
		k = batcher_expire(&q->bq, now, out, 64);
		for (unsigned i = 0; i < k; i++)
			reply_fail(s, (struct request *)out[i], QNN_E_TIMEOUT,
				   "deadline passed before the request reached the accelerator");
	} while (k == 64);
	q->next_deadline_us = batcher_next_deadline(&q->bq);
}

/*
 * The loop must wake for the earlier of the batcher's delay and the next deadline of
 * a queued request: the 100 ms tick alone would answer a 20 ms deadline up to 100 ms
 * late. The deadline may be stale (its request was dispatched since): it then costs
 * one wake-up, after which queue_expire() has the real one. Kept stale rather than
 * cleared, so that under load the timer is set once per deadline, not twice a turn.
 */
uint64_t queue_next_wake(const struct server *s, uint64_t batch_due)
{
	uint64_t dl = s->queue.next_deadline_us;

	if (!dl || (batch_due && batch_due < dl))
		return batch_due;
	return dl;
}

void queue_drop_conn(struct server *s, struct conn *c)
{
	/* Its queued requests go; those inside a batch finish and are dropped. */
	struct bq_req *q = batcher_remove_conn(&s->queue.bq, &c->q);

	while (q) {
		struct request *r = (struct request *)q;

		q = q->next;
		reply_done(s, r);
	}
}

void queue_fail_if(struct server *s, bool (*pred)(struct bq_req *, void *), void *arg, int status,
		   const char *msg)
{
	struct bq_req *q = batcher_remove_if(&s->queue.bq, pred, arg);

	while (q) {
		struct request *r = (struct request *)q;

		q = q->next;
		reply_fail(s, r, status, msg);
	}
}
