/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * shm.h - a connection's shared-memory ring: set up and armed (shm.c), the
 * second way in (shm_receive.c: submissions pulled into the queue) and out
 * (shm_reply.c: replies posted in the slot, the client's doorbell rung by
 * the outbox). The layout and the rules are in qnn_proto.h.
 */
#ifndef QNND_SHM_H
#define QNND_SHM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct server;
struct conn;
struct request;
struct qnnd_batch;

/* A SHM frame: set the ring up and send SHM_REPLY with its fds, or an ERROR (not fatal). */
void shm_setup(struct server *s, struct conn *c, uint32_t id);
/* Take c's new submissions (in order with its socket frames) into the queue. */
void shm_pull(struct server *s, struct conn *c);
void shm_pull_all(struct server *s);
/* r's outputs into its slot (reply flags as reply.c worked them out), posted. */
void shm_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now, uint32_t flags);
/* A status for slot idx, posted. */
void shm_fail(struct server *s, struct conn *c, uint32_t idx, uint32_t id, int status);
/* The same for a slot seen (request_received fired) but refused before it was queued. */
void shm_refused(struct server *s, struct conn *c, uint32_t idx, uint32_t id, int status);
/* From the outbox's flush: ring c's doorbell if it posted and the client asked. */
void shm_notify(struct server *s, struct conn *c);
/* The client kicked (its kick eventfd): nothing to read, the loop pulls after its events. */
void shm_kicked(struct conn *c);
/* Ask for kicks (or stop) before sleeping; true when a ring already holds work. */
bool shm_arm_all(struct server *s);
/* The connection is closing: its eventfds go (the mapping stays until shm_free). */
void shm_close(struct server *s, struct conn *c);
void shm_free(struct conn *c);

#endif
