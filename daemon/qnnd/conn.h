/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * conn.h - one client connection and the table of them (conn.c): created by
 * accept.c, closed for any reason by anyone, freed once nothing points at it
 * (its last request answered, the turn's events past). Its fields are
 * grouped by the stage that owns them.
 */
#ifndef QNND_CONN_H
#define QNND_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "batcher.h"
#include "loop.h"

struct server;
struct conn_shm;
struct uid_use;

struct conn {
	/* conn.c */
	struct ev_src src;
	int fd;
	uint64_t id;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	struct uid_use *use; /* its uid's share (quota.c; never NULL once accepted) */
	uint32_t inflight;   /* requests queued or in a batch */
	bool dead;	     /* closed; freed when inflight reaches 0 */
	struct conn *next, *prev;
	/* receive.c: the byte stream in */
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint64_t partial_since_us;
	bool eof; /* half-closed by the client: answer, flush, then close */
	/* requests.c */
	uint64_t model_gen;	/* the model generation INFO told it about */
	uint32_t sock_classify; /* CLASSIFY frames read on the socket (ring ordering) */
	/* queue.c */
	struct bq_conn q;
	/* reload.c */
	uint64_t reload_wait; /* a RELOAD frame waits for this request's reload; 0 none */
	uint32_t reload_id;   /* that frame's id */
	/* shm.c */
	struct conn_shm *shm; /* the shared-memory ring, or NULL */
	/* reply.c: the byte stream out */
	uint8_t *wbuf;
	size_t wlen, woff, wcap;
	uint32_t events; /* registered epoll events */
	bool closing;	 /* flush what is queued (an ERROR saying why), then close */
	bool dirty;	 /* on the outbox's list: flush/notify it this turn */
	struct conn *dirty_next;
};

struct conn_table {
	struct conn *head;
	uint64_t next_id;
};

/* A connection for fd with its peer's credentials, watched, not yet counted (NULL: none). */
struct conn *conn_new(struct server *s, int fd, const struct ucred *cr);
/* Counted and in the table (after quota_conn() looked at the uid's count without it). */
void conn_add(struct server *s, struct conn *c);
/* Close (logged with why): its queued requests go; those in a batch finish, dropped. */
void conn_close(struct server *s, struct conn *c, const char *why);
/* One of c's requests finished. */
void conn_put(struct server *s, struct conn *c);
/* A dead connection nothing points at any more. */
void conn_free(struct server *s, struct conn *c);

#endif
