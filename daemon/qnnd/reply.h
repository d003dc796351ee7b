/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * reply.h - answers out (reply.c): a request's CLASSIFY_REPLY or ERROR into
 * its connection's buffer (or its ring slot, shm.c), the connections that
 * got something this turn (the outbox), their flush, and the clients'
 * doorbells rung together at the end of the turn.
 */
#ifndef QNND_REPLY_H
#define QNND_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "doorbell.h"

struct server;
struct conn;
struct request;
struct qnnd_batch;

struct outbox {
	struct conn *dirty;	/* connections to flush/notify this turn */
	struct doorbells bells; /* client notifications of this turn */
};

/* Doorbells by io_uring if use_uring and the kernel allows; how, for the log. */
void reply_init(struct server *s, bool use_uring, char *how, size_t len);
void reply_exit(struct server *s);

/* Request r is over (answered, failed, or its client left): freed, its connection told. */
void reply_done(struct server *s, struct request *r);
/* Request r's outputs (samples first.. of batch b), then r is freed. */
void reply_classify(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
		    uint64_t now);
/* Request r fails with status (ERROR frame or ring status), then r is freed. */
void reply_fail(struct server *s, struct request *r, int status, const char *msg);

/* len bytes at the end of c's output (NULL: c is gone or out of memory, then closed). */
uint8_t *reply_reserve(struct server *s, struct conn *c, size_t len);
void reply_error(struct server *s, struct conn *c, uint32_t id, int status, const char *msg);
/*
 * A request seen (request_received fired) but refused before it was queued: its
 * ERROR, and request_answered, so a tracer sees each request answered once.
 */
void reply_refused(struct server *s, struct conn *c, uint32_t id, int status, const char *msg);
/* A protocol error: an ERROR saying why, then the connection closes (nothing more read). */
void reply_fatal(struct server *s, struct conn *c, uint32_t id, int status, const char *msg);
/* c half-closed: close it once every request it sent is answered and sent. */
void reply_close_when_done(struct server *s, struct conn *c);
/* c has something for the client (bytes, ring completions) or was closed: see it this turn. */
void reply_mark(struct server *s, struct conn *c);

/* The socket is writable again. */
void reply_writable(struct server *s, struct conn *c);
/* Read c while its unsent output is small (backpressure); write while some is left. */
void reply_update_events(struct server *s, struct conn *c);
/* Send what is buffered, ring the doorbells; dead connections freed only if may_free. */
void reply_flush_all(struct server *s, bool may_free);
/* Whether any client still has unsent output (draining waits for it). */
bool reply_pending(const struct server *s);

static inline void reply_doorbell(struct outbox *o, int fd)
{
	doorbells_add(&o->bells, fd);
}

static inline void reply_ring(struct outbox *o)
{
	doorbells_ring(&o->bells);
}

#endif
