/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * batch.h - queued requests into backend batches and finished batches into
 * replies (batch.c).
 */
#ifndef QNND_BATCH_H
#define QNND_BATCH_H

#include <stdbool.h>
#include <stdint.h>

struct server;
struct service;

/*
 * Form and submit batches while the batcher's policy says so and the backend has a slot.
 * Returns when the loop must wake for the queue (the batcher's delay, the next deadline;
 * 0: only when something arrives).
 */
uint64_t batch_dispatch(struct server *s, uint64_t now);
/* svc's backend has finished batches (its event fd, or inline): reply to their requests. */
void batch_complete(struct server *s, struct service *svc);
/* Nothing queued, nothing in a batch, no service retiring. */
bool batch_idle(const struct server *s);

#endif
