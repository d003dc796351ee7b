// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * batcher.c - the batching policy of batcher.h. Pure bookkeeping on
 * intrusive lists; O(connections) per decision at most.
 */
#include <stddef.h>

#include "batcher.h"

void batcher_init(struct batcher *b, uint32_t max_batch, uint32_t max_queue, uint64_t max_delay_us)
{
	b->max_batch = max_batch ? max_batch : 1;
	b->max_queue = max_queue;
	b->max_delay_us = max_delay_us;
	b->queued_samples = 0;
	b->queued_reqs = 0;
	b->cursor = NULL;
}

static void ring_insert(struct batcher *b, struct bq_conn *c)
{
	if (!b->cursor) {
		c->ring_next = c->ring_prev = c;
		b->cursor = c;
		return;
	}
	/* Newcomers join just before the cursor: served last in this round. */
	c->ring_next = b->cursor;
	c->ring_prev = b->cursor->ring_prev;
	c->ring_prev->ring_next = c;
	b->cursor->ring_prev = c;
}

static void ring_remove(struct batcher *b, struct bq_conn *c)
{
	if (c->ring_next == c) {
		b->cursor = NULL;
	} else {
		c->ring_prev->ring_next = c->ring_next;
		c->ring_next->ring_prev = c->ring_prev;
		if (b->cursor == c)
			b->cursor = c->ring_next;
	}
	c->ring_next = c->ring_prev = NULL;
}

int batcher_push(struct batcher *b, struct bq_conn *c, struct bq_req *r, uint64_t now)
{
	if ((uint64_t)b->queued_samples + r->n > b->max_queue)
		return -1;
	r->conn = c;
	r->enq_us = now;
	r->next = NULL;
	if (c->tail)
		c->tail->next = r;
	else
		c->head = r;
	c->tail = r;
	if (c->queued++ == 0)
		ring_insert(b, c);
	b->queued_samples += r->n;
	b->queued_reqs++;
	return 0;
}

static uint64_t oldest_enq(const struct batcher *b)
{
	const struct bq_conn *c = b->cursor;
	uint64_t oldest = UINT64_MAX;

	if (!c)
		return 0;
	do {
		if (c->head->enq_us < oldest)
			oldest = c->head->enq_us;
		c = c->ring_next;
	} while (c != b->cursor);
	return oldest;
}

bool batcher_ready(const struct batcher *b, uint64_t now, uint64_t *wake_us)
{
	if (wake_us)
		*wake_us = 0;
	if (!b->queued_reqs)
		return false;
	if (!b->max_delay_us || b->queued_samples >= b->max_batch)
		return true;
	uint64_t due = oldest_enq(b) + b->max_delay_us;

	if (due <= now)
		return true;
	if (wake_us)
		*wake_us = due;
	return false;
}

/* Unlink c's head request. */
static struct bq_req *pop_head(struct batcher *b, struct bq_conn *c)
{
	struct bq_req *r = c->head;

	c->head = r->next;
	if (!c->head)
		c->tail = NULL;
	r->next = NULL;
	b->queued_samples -= r->n;
	b->queued_reqs--;
	if (--c->queued == 0)
		ring_remove(b, c);
	return r;
}

unsigned batcher_take(struct batcher *b, struct bq_req **out, unsigned max_out, uint32_t *samples)
{
	unsigned k = 0;
	uint32_t total = 0;

	while (b->cursor && k < max_out) {
		struct bq_conn *c = b->cursor;

		if (total + c->head->n > b->max_batch)
			break; /* c stays at the cursor: first in the next batch */
		struct bq_conn *next = c->ring_next;
		bool last = next == c;

		total += c->head->n;
		out[k++] = pop_head(b, c);
		/* pop_head may have removed c from the ring (and moved the cursor). */
		if (!last && c->queued)
			b->cursor = next;
	}
	*samples = total;
	return k;
}

/* Remove requests of c matching pred into *list (appended in order). */
static unsigned remove_matching(struct batcher *b, struct bq_conn *c,
				bool (*pred)(struct bq_req *, void *), void *arg,
				struct bq_req ***list_tail, unsigned max)
{
	struct bq_req **pp = &c->head, *prev = NULL;
	unsigned k = 0;

	while (*pp && k < max) {
		struct bq_req *r = *pp;

		if (!pred(r, arg)) {
			prev = r;
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		if (c->tail == r)
			c->tail = prev;
		r->next = NULL;
		**list_tail = r;
		*list_tail = &r->next;
		b->queued_samples -= r->n;
		b->queued_reqs--;
		c->queued--;
		k++;
	}
	return k;
}

static unsigned remove_all_matching(struct batcher *b, bool (*pred)(struct bq_req *, void *),
				    void *arg, struct bq_req **list, unsigned max)
{
	struct bq_req **tail = list;
	struct bq_conn *c = b->cursor;
	unsigned k = 0;

	*list = NULL;
	if (!c)
		return 0;
	/* Walk the ring once; connections emptied on the way leave it. */
	struct bq_conn *stop = c->ring_prev;

	for (;;) {
		struct bq_conn *next = c->ring_next;
		bool at_end = c == stop;

		k += remove_matching(b, c, pred, arg, &tail, max - k);
		if (!c->queued)
			ring_remove(b, c);
		if (at_end || k >= max || !b->cursor)
			break;
		c = next;
	}
	return k;
}

static bool expired(struct bq_req *r, void *arg)
{
	uint64_t now = *(uint64_t *)arg;

	return r->deadline_us && r->deadline_us <= now;
}

unsigned batcher_expire(struct batcher *b, uint64_t now, struct bq_req **out, unsigned max_out)
{
	struct bq_req *list;
	unsigned k = remove_all_matching(b, expired, &now, &list, max_out);

	for (unsigned i = 0; i < k; i++, list = list->next)
		out[i] = list;
	return k;
}

uint64_t batcher_next_deadline(const struct batcher *b)
{
	const struct bq_conn *c = b->cursor;
	uint64_t best = 0;

	if (!c)
		return 0;
	do {
		for (const struct bq_req *r = c->head; r; r = r->next)
			if (r->deadline_us && (!best || r->deadline_us < best))
				best = r->deadline_us;
		c = c->ring_next;
	} while (c != b->cursor);
	return best;
}

struct bq_req *batcher_remove_conn(struct batcher *b, struct bq_conn *c)
{
	struct bq_req *list = c->head;

	if (!c->queued)
		return NULL;
	for (struct bq_req *r = list; r; r = r->next) {
		b->queued_samples -= r->n;
		b->queued_reqs--;
	}
	c->head = c->tail = NULL;
	c->queued = 0;
	ring_remove(b, c);
	return list;
}

struct bq_req *batcher_remove_if(struct batcher *b, bool (*pred)(struct bq_req *, void *),
				 void *arg)
{
	struct bq_req *list;

	remove_all_matching(b, pred, arg, &list, UINT32_MAX);
	return list;
}
