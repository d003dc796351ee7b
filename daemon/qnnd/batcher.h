/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * batcher.h - the dynamic batching policy, and nothing else: no I/O, no
 * clock of its own (every call takes `now` in microseconds), so the unit
 * tests drive it with a fake clock.
 *
 * Policy (what inference servers do, docs/users.md):
 *   - requests wait in one FIFO per connection (per-connection order);
 *   - a batch is formed when the backend can take one and either
 *     max_queue_delay_us is 0, or max_batch samples are waiting, or the
 *     oldest request has waited max_queue_delay_us;
 *   - a batch takes whole requests round-robin over the connections, one
 *     request per connection per turn (fairness), up to max_batch samples;
 *     a request that does not fit ends the batch and goes first next time;
 *   - at most max_queue samples wait: push() refuses more (-> BUSY at once);
 *   - a request whose deadline passed before dispatch is expired.
 */
#ifndef QNND_BATCHER_H
#define QNND_BATCHER_H

#include <stdbool.h>
#include <stdint.h>

struct bq_conn;

struct bq_req {
	struct bq_req *next; /* in its connection's FIFO */
	struct bq_conn *conn;
	uint64_t enq_us;
	uint64_t deadline_us; /* 0: none */
	uint32_t n;	      /* samples, 1..max_batch */
};

/* Embedded in each connection. Zero-initialise. */
struct bq_conn {
	struct bq_req *head, *tail;
	struct bq_conn *ring_next, *ring_prev; /* ring of connections with queued requests */
	uint32_t queued;		       /* requests */
};

struct batcher {
	uint32_t max_batch;    /* samples per batch */
	uint32_t max_queue;    /* samples waiting */
	uint64_t max_delay_us; /* 0: dispatch whatever waits as soon as the backend is free */
	uint32_t queued_samples;
	uint32_t queued_reqs;
	struct bq_conn *cursor; /* next connection to serve; NULL: queue empty */
};

void batcher_init(struct batcher *b, uint32_t max_batch, uint32_t max_queue, uint64_t max_delay_us);

/* Queue r (r->n, r->deadline_us set by the caller). 0, or -1 when it would exceed max_queue. */
int batcher_push(struct batcher *b, struct bq_conn *c, struct bq_req *r, uint64_t now);

/*
 * Whether a batch should be formed now (given a backend slot is free).
 * When not, *wake_us (if not NULL) gets the time it will be (0: only when more arrive).
 */
bool batcher_ready(const struct batcher *b, uint64_t now, uint64_t *wake_us);

/*
 * Take the next batch: up to max_out requests, at most max_batch samples.
 * Returns the number of requests written to out; *samples their total.
 */
unsigned batcher_take(struct batcher *b, struct bq_req **out, unsigned max_out, uint32_t *samples);

/* Remove up to max_out requests whose deadline is <= now; returns the count. */
unsigned batcher_expire(struct batcher *b, uint64_t now, struct bq_req **out, unsigned max_out);

/* Earliest deadline among queued requests, 0 if none. */
uint64_t batcher_next_deadline(const struct batcher *b);

/* Remove every request of c (a vanished client); returns them as a list via ->next. */
struct bq_req *batcher_remove_conn(struct batcher *b, struct bq_conn *c);

/* Remove the requests matching pred (e.g. the wrong shape after a reload); list via ->next. */
struct bq_req *batcher_remove_if(struct batcher *b, bool (*pred)(struct bq_req *, void *),
				 void *arg);

#endif
