/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * queue.h - requests waiting for a batch (queue.c): admitted against the
 * limits (draining, max_inflight, the uid's quota, NaN/Inf, max_queue), in
 * the batcher (batcher.h: the policy) until batch.c takes them or their
 * deadline passes.
 */
#ifndef QNND_QUEUE_H
#define QNND_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "batcher.h"

struct server;
struct conn;
struct request;

struct queue {
	struct batcher bq;
	uint64_t next_deadline_us; /* earliest deadline queued (may be stale: see queue.c) */
};

void queue_init(struct server *s, uint32_t max_batch);
/* Batch size, queue length and delay from the current service and settings. */
void queue_set_limits(struct server *s, uint32_t max_batch);
/* Whether c may queue one more request now: 0 or a status (msg says why). */
int queue_check(struct server *s, struct conn *c, char *msg, size_t len);
/*
 * Queue rq (inputs already in rq->in, a private copy): NaN/Inf refused (bad_at: the first
 * non-finite element's index, -1 none, -2 not checked yet). 0 or a status (msg says why).
 */
int queue_admit(struct server *s, struct conn *c, struct request *rq, uint32_t timeout_ms,
		long bad_at, char *msg, size_t len);
/* Fail the requests whose deadline passed. */
void queue_expire(struct server *s, uint64_t now);
/* When the loop must wake: the earlier of batch_due (0: none) and the next deadline. */
uint64_t queue_next_wake(const struct server *s, uint64_t batch_due);
/* c closed: its queued requests go. */
void queue_drop_conn(struct server *s, struct conn *c);
/* Fail the queued requests matching pred with status (a reload changed the model). */
void queue_fail_if(struct server *s, bool (*pred)(struct bq_req *, void *), void *arg, int status,
		   const char *msg);

static inline bool queue_ready(const struct queue *q, uint64_t now, uint64_t *wake_us)
{
	return batcher_ready(&q->bq, now, wake_us);
}

/* The next batch's requests (batcher_take). */
static inline unsigned queue_take(struct queue *q, struct request **out, unsigned max_out,
				  uint32_t *samples)
{
	return batcher_take(&q->bq, (struct bq_req **)out, max_out, samples);
}

static inline bool queue_empty(const struct queue *q)
{
	return !q->bq.queued_reqs;
}

#endif
