/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * requests.h - what a frame asks for (requests.c), and struct request: one
 * CLASSIFY from a frame or a ring slot, from its receipt to its reply
 * (reply.c frees it).
 */
#ifndef QNND_REQUESTS_H
#define QNND_REQUESTS_H

#include <stdbool.h>
#include <stdint.h>

#include "batcher.h"
#include "qnn_proto.h"

struct server;
struct conn;

struct request {
	struct bq_req q; /* first: the batcher's node */
	struct conn *conn;
	uint32_t id, n, want;
	bool on_shm;	      /* arrived through the connection's ring: answered there */
	uint32_t slot;	      /* its ring slot */
	const float *ring_in; /* a ring request's inputs: in its slot, read once at dispatch */
	uint64_t recv_us, dispatch_us;
	float in[]; /* n * n_in floats: allocated with the request (one malloc); none for a
		     * ring request: its inputs are copied from the slot at dispatch */
};

/* One complete frame of c (h->len payload bytes at p). */
void requests_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h,
		    const uint8_t *p);
/* A reload swapped in a model of the same shape: clients told about the old one may go on. */
void requests_model_swapped(struct server *s, uint64_t gen);

#endif
