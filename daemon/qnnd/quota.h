/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * quota.h - what each peer uid holds (quota.c), checked against the
 * uid_max_* settings. A refusal is 0 or QNN_E_QUOTA with msg saying which
 * limit (and a journal record naming the uid).
 */
#ifndef QNND_QUOTA_H
#define QNND_QUOTA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct server;
struct conn;

/* One uid's share; the counts are kept by the stages that take and give back. */
struct uid_use {
	uid_t uid;
	uint32_t refs;	     /* connection structs pointing here (live or not yet freed) */
	uint32_t conns;	     /* conn.c */
	uint32_t inflight;   /* queue.c takes, conn_put() gives back */
	uint64_t ring_bytes; /* shm.c */
	struct uid_use *next;
};

struct quota {
	struct uid_use *uids; /* as many as uids connected: a short list */
};

/* uid's entry, made on first use (NULL: no memory); quota_drop() when the struct is freed. */
struct uid_use *quota_get(struct server *s, uid_t uid);
void quota_drop(struct server *s, struct uid_use *u);
int quota_conn(struct server *s, const struct conn *c, char *msg, size_t len);
int quota_request(struct server *s, const struct conn *c, char *msg, size_t len);
int quota_ring(struct server *s, const struct conn *c, uint64_t bytes, char *msg, size_t len);

#endif
