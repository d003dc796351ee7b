// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Criterion units for the batching policy (daemon/qnnd/batcher.c) with a fake clock. */
#include <criterion/criterion.h>
#include <string.h>

#include "batcher.h"

#define NREQ 256

static struct batcher b;
static struct bq_conn conns[8];
static struct bq_req reqs[NREQ];
static int used;

static void setup(void)
{
	memset(conns, 0, sizeof(conns));
	memset(reqs, 0, sizeof(reqs));
	used = 0;
}

/* Queue a request of n samples from connection c at time now. Returns it, or NULL on BUSY. */
static struct bq_req *push(int c, uint32_t n, uint64_t now, uint64_t deadline)
{
	struct bq_req *r = &reqs[used++];

	r->n = n;
	r->deadline_us = deadline;
	return batcher_push(&b, &conns[c], r, now) ? NULL : r;
}

static int conn_of(const struct bq_req *r)
{
	return (int)(r->conn - conns);
}

TestSuite(batcher, .init = setup);

Test(batcher, no_delay_dispatches_what_is_there)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 8, 100, 0);
	cr_assert_not(batcher_ready(&b, 0, NULL), "empty queue is never ready");
	push(0, 1, 10, 0);
	cr_assert(batcher_ready(&b, 10, NULL));
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 1);
	cr_assert_eq(samples, 1);
	cr_assert_eq(b.queued_reqs, 0);
	cr_assert_eq(b.queued_samples, 0);
	cr_assert_not(batcher_ready(&b, 10, NULL));
}

Test(batcher, round_robin_and_per_connection_order)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 5, 100, 0);
	struct bq_req *a1 = push(0, 1, 0, 0), *a2 = push(0, 1, 1, 0), *a3 = push(0, 1, 2, 0);
	struct bq_req *b1 = push(1, 1, 3, 0), *b2 = push(1, 1, 4, 0);
	struct bq_req *c1 = push(2, 1, 5, 0);

	cr_assert_eq(batcher_take(&b, out, 16, &samples), 5);
	cr_assert_eq(samples, 5);
	/* one per connection per turn, each connection in its own order */
	struct bq_req *want[5] = {a1, b1, c1, a2, b2};

	for (int i = 0; i < 5; i++)
		cr_assert_eq(out[i], want[i], "position %d: got conn %d", i, conn_of(out[i]));
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 1);
	cr_assert_eq(out[0], a3);
}

Test(batcher, fairness_against_a_flooding_client)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 4, 1000, 0);
	for (int i = 0; i < 100; i++)
		push(0, 1, (uint64_t)i, 0);
	struct bq_req *late = push(1, 1, 200, 0);

	cr_assert_eq(batcher_take(&b, out, 16, &samples), 4);
	int found = 0;

	for (int i = 0; i < 4; i++)
		found |= out[i] == late;
	cr_assert(found, "a client with one request is served in the next batch");
}

Test(batcher, max_batch_and_whole_requests)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 8, 100, 0);
	push(0, 5, 0, 0);
	struct bq_req *big = push(1, 4, 1, 0);

	push(2, 2, 2, 0);
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 1, "5 + 4 > 8: the batch ends");
	cr_assert_eq(samples, 5);
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 2);
	cr_assert_eq(out[0], big, "the request that did not fit goes first next time");
	cr_assert_eq(samples, 6);
}

Test(batcher, queue_delay_waits_for_more)
{
	uint64_t wake;

	batcher_init(&b, 4, 100, 500);
	push(0, 1, 1000, 0);
	cr_assert_not(batcher_ready(&b, 1000, &wake));
	cr_assert_eq(wake, 1500);
	cr_assert_not(batcher_ready(&b, 1499, &wake));
	cr_assert(batcher_ready(&b, 1500, &wake), "the oldest waited max_queue_delay_us");
	push(1, 1, 1100, 0);
	push(2, 1, 1200, 0);
	cr_assert(batcher_ready(&b, 1300, NULL) == false);
	push(3, 1, 1300, 0);
	cr_assert(batcher_ready(&b, 1300, NULL), "a full batch goes at once");
}

Test(batcher, bounded_queue_refuses)
{
	batcher_init(&b, 4, 10, 0);
	cr_assert_not_null(push(0, 4, 0, 0));
	cr_assert_not_null(push(1, 4, 0, 0));
	cr_assert_null(push(2, 4, 0, 0), "10 samples at most");
	cr_assert_not_null(push(2, 2, 0, 0));
	cr_assert_eq(b.queued_samples, 10);
	cr_assert_eq(b.queued_reqs, 3);
}

Test(batcher, deadlines_expire)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 8, 100, 0);
	struct bq_req *keep = push(0, 1, 0, 0);
	struct bq_req *soon = push(0, 1, 0, 100);

	push(1, 1, 0, 300);
	cr_assert_eq(batcher_next_deadline(&b), 100);
	cr_assert_eq(batcher_expire(&b, 99, out, 16), 0);
	cr_assert_eq(batcher_expire(&b, 100, out, 16), 1);
	cr_assert_eq(out[0], soon);
	cr_assert_eq(batcher_next_deadline(&b), 300);
	cr_assert_eq(batcher_expire(&b, 1000, out, 16), 1);
	cr_assert_eq(batcher_next_deadline(&b), 0);
	cr_assert_eq(b.queued_reqs, 1);
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 1);
	cr_assert_eq(out[0], keep);
	cr_assert_eq(b.cursor, NULL);
}

Test(batcher, vanished_client)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 8, 100, 0);
	push(0, 1, 0, 0);
	push(1, 2, 0, 0);
	push(1, 3, 0, 0);
	push(2, 1, 0, 0);
	struct bq_req *gone = batcher_remove_conn(&b, &conns[1]);
	int n = 0;

	for (; gone; gone = gone->next)
		n++;
	cr_assert_eq(n, 2);
	cr_assert_eq(b.queued_samples, 2);
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 2);
	cr_assert_eq(conn_of(out[0]), 0);
	cr_assert_eq(conn_of(out[1]), 2);
	cr_assert_null(batcher_remove_conn(&b, &conns[1]), "nothing left to remove");
}

static bool bigger_than_two(struct bq_req *r, void *arg)
{
	(void)arg;
	return r->n > 2;
}

Test(batcher, remove_if_keeps_order)
{
	struct bq_req *out[16];
	uint32_t samples;

	batcher_init(&b, 16, 100, 0);
	struct bq_req *x = push(0, 1, 0, 0);

	push(0, 3, 0, 0);
	struct bq_req *y = push(0, 2, 0, 0);

	push(1, 4, 0, 0);
	struct bq_req *list = batcher_remove_if(&b, bigger_than_two, NULL);
	int n = 0;

	for (; list; list = list->next)
		n++;
	cr_assert_eq(n, 2);
	cr_assert_eq(batcher_take(&b, out, 16, &samples), 2);
	cr_assert_eq(out[0], x);
	cr_assert_eq(out[1], y);
	cr_assert_eq(samples, 3);
}

Test(batcher, randomized_invariants)
{
	struct bq_req *out[64];
	uint32_t samples, x = 12345;
	uint64_t now = 0;
	uint64_t last_enq[8] = {0};

	batcher_init(&b, 16, 64, 0);
	for (int step = 0; step < 5000; step++) {
		x = x * 1103515245 + 12345;
		if ((x >> 16) % 3 && used < NREQ) {
			int c = (int)((x >> 8) % 8);

			push(c, 1 + (x >> 20) % 4, ++now, 0);
		} else if (b.queued_reqs) {
			unsigned k = batcher_take(&b, out, 64, &samples);
			uint32_t sum = 0;

			cr_assert_gt(k, 0);
			cr_assert_leq(samples, 16);
			for (unsigned i = 0; i < k; i++) {
				int c = conn_of(out[i]);

				cr_assert_geq(out[i]->enq_us, last_enq[c], "per-connection order");
				last_enq[c] = out[i]->enq_us;
				sum += out[i]->n;
			}
			cr_assert_eq(sum, samples);
		}
		if (used == NREQ && !b.queued_reqs)
			break;
		cr_assert_leq(b.queued_samples, 64);
	}
}
