/* SPDX-License-Identifier: MIT */
/*
 * client_internal.h - libqnn's private state. One connection per client,
 * shared by every thread: requests are multiplexed by id. Whoever waits
 * becomes the "reader" (leader/follower): it reads frames for everybody
 * and hands each reply to its request; other waiters sleep on a condition
 * variable. No background thread.
 *
 * When the daemon offers it, small requests travel through a shared-memory
 * ring instead of the socket (shm.c; the rules are in qnn_proto.h): the
 * reader then also drains the ring's completions, and sleeps on the
 * socket and the ring's notify eventfd together.
 */
#ifndef QNN_CLIENT_INTERNAL_H
#define QNN_CLIENT_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "qnn_proto.h"

#define QNN_EXPORT  __attribute__((visibility("default")))
#define QNN_BUCKETS 256u

enum op_kind { OP_CLASSIFY, OP_STATS };

/* One user call: a classification (split into parts) or a stats query. */
struct op {
	enum op_kind kind;
	bool async;
	int status;	   /* first error of any part */
	uint32_t parts;	   /* wire requests */
	uint32_t sent;	   /* parts sent so far */
	uint32_t answered; /* parts with a reply or an error */
	uint32_t n_in, n_out, max_samples;
	uint32_t want;	/* QNN_CF_* */
	uint32_t flags; /* QNN_OUT_* result */
	int32_t frac_bits;
	size_t n;	 /* samples */
	const float *in; /* sync only: the caller's input (for re-sending) */
	int32_t *classes;
	float *probs, *logits;
	struct qnn_daemon_stats *stats;
	struct qnn_timing *timing; /* or NULL: the slowest part's queue_us/run_us */
	int timeout_ms;		   /* sent as the deadline */
	void *user;
	uint64_t ticket;
	struct op *next_done;
};

/* One frame on the wire, waiting for its reply. */
struct wreq {
	uint32_t id;
	uint64_t gen; /* connection generation it went out on */
	struct op *op;
	size_t first; /* first sample of the op in this part */
	uint32_t n;
	bool on_shm;   /* posted in the ring (else sent on the socket) */
	uint32_t slot; /* its ring slot */
	struct wreq *next;
};

/* The connection's shared-memory ring (client side). */
struct qnn_shm {
	uint8_t *base;
	struct qnn_wire_shm lay;
	uint32_t n_in, n_out;
	struct qnn_shm_ctrl *ctl;
	uint32_t *sq, *cq;
	uint32_t sq_tail, cq_head; /* ours */
	int kick_fd, notify_fd;
	uint32_t *free_slots, nfree;
	uint8_t *in_use;     /* slot given to the daemon, not yet back in cq */
	struct wreq **owner; /* the request waiting on a slot (NULL: its caller gave up) */
};

struct qnn_client {
	char path[108];
	pthread_mutex_t mu;
	pthread_cond_t cv;

	/* connection (under mu) */
	int fd;
	uint64_t gen;
	bool broken; /* fd is dead: reconnect before the next send */
	bool connecting;
	unsigned fd_users; /* senders using fd outside mu */
	bool reader_active;
	struct qnn_model_info info;
	struct qnn_shm *shm;	/* the ring of this connection, or NULL (socket only) */
	uint32_t sock_classify; /* CLASSIFY frames sent on this connection's socket */

	/* requests (under mu) */
	uint32_t next_id;
	unsigned inflight;
	unsigned sock_inflight; /* of which on the socket */
	struct wreq *table[QNN_BUCKETS];

	/* asynchronous completions (under mu) */
	struct op *done_head, *done_tail;
	uint64_t next_ticket;
	int efd;	  /* eventfd: readable while the done queue is non-empty */
	bool efd_set;	  /* efd holds a count (kept == done_head != NULL) */
	unsigned reapers; /* threads inside qnn_reap(): they empty the queue themselves */
	int epfd;	  /* the completion fd: efd + the socket */

	/* sending (send_mu); reading (only the active reader) */
	pthread_mutex_t send_mu;
	uint8_t *rbuf;
	size_t rlen, rcap;
};

/* shm.c */
/* After INFO on a fresh socket: ask for a ring. 0 (*out NULL: the daemon declined) or < 0. */
int qnn_shm_open(int fd, const struct qnn_model_info *info, int64_t deadline, struct qnn_shm **out);
void qnn_shm_free(struct qnn_shm *m);
/* Under mu: whether part w (n samples) can go through the ring now. */
bool qnn_shm_can_post(qnn_client *c, uint32_t n);
/* Under mu: copy the part's inputs into a slot and post it (kicks the daemon if it asked). */
void qnn_shm_post(qnn_client *c, struct wreq *w, const float *in, uint32_t timeout_ms,
		  uint32_t want);
/* Reader, without mu: reset the notify fd, drain completions. Count handed over, or < 0. */
int qnn_shm_poll(qnn_client *c, struct qnn_shm *m);
/* Under mu: the caller of w's op gave up; the slot comes back through cq. */
void qnn_shm_forget(qnn_client *c, struct wreq *w);

/* op.c: a user call's life, all under mu */
void qnn_op_setup(qnn_client *c, struct op *op); /* sizes and wants from the model */
/*
 * The next part of op, registered in the request table. A small part goes into the ring at
 * once when there is one (w->on_shm); else its CLASSIFY frame is built into hdr/body for the
 * caller to send (the one place that builds it).
 */
struct wreq *qnn_op_new_part(qnn_client *c, struct op *op, uint64_t gen, const float *in,
			     uint8_t hdr[QNN_PROTO_HDR_SIZE], uint8_t body[QNN_WIRE_CLASSIFY_SIZE]);
/* A part's daemon-side times into op->timing (the slowest part wins). */
void qnn_op_timing(struct op *op, uint32_t queue_us, uint32_t run_us);
/*
 * One part's answer as it arrived: a CLASSIFY_REPLY on the socket (little-endian) or a
 * reply in a ring slot (host order: both ends are on one host). The arrays are u32s:
 * classes[n_samples], probs and logits[n_samples * n_out] (float bits, i32 codes).
 */
struct part_reply {
	struct qnn_wire_reply hdr;
	const uint8_t *classes, *probs, *logits;
	bool host_order;
};

/* A part's answer, checked against the part, into the caller's arrays. 0 or QNN_E_PROTO. */
int qnn_op_store_reply(struct wreq *w, const struct part_reply *r);
/* A CLASSIFY_REPLY / STATS_REPLY payload into w's op. 0 or QNN_E_PROTO. */
int qnn_op_take_reply(struct wreq *w, const uint8_t *p, uint32_t len);
int qnn_op_take_stats(struct wreq *w, const uint8_t *p, uint32_t len);
/* One part answered (status 0 or its error); the last one completes the op. */
void qnn_op_part_done(qnn_client *c, struct op *op, int status);
/* The oldest completed asynchronous op, or NULL. */
struct op *qnn_op_take_done(qnn_client *c);
/* Make efd readable iff the done queue is non-empty (no syscall when it already is). */
void qnn_sync_efd(qnn_client *c);

/* connect.c */
int qnn_conn_ensure(qnn_client *c, int64_t deadline, uint64_t *gen);
void qnn_conn_set_broken(qnn_client *c, uint64_t gen); /* under mu */

/* mux.c: the request table, sending, and routing frames to their requests */
uint32_t qnn_mux_new_id(qnn_client *c);		    /* under mu */
void qnn_mux_add(qnn_client *c, struct wreq *w);    /* under mu */
void qnn_mux_drop_op(qnn_client *c, struct op *op); /* under mu */
void qnn_mux_remove(qnn_client *c, struct wreq *w); /* under mu: w answered (not freed) */
int qnn_mux_send(qnn_client *c, uint64_t gen, const uint8_t *hdr, const void *p1, size_t l1,
		 const float *floats, size_t nfloats, int64_t deadline);
/* Wait until pred(c, arg) under mu, reading as the leader when nobody is. */
int qnn_mux_wait(qnn_client *c, bool (*pred)(qnn_client *, void *), void *arg, int64_t deadline);

/* time: monotonic milliseconds; a deadline is an absolute time, -1 = never */
static inline int64_t qnn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline int64_t qnn_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : qnn_now_ms() + timeout_ms;
}

/* What is left of deadline for poll(): -1 = infinite, >= 0 otherwise. */
static inline int qnn_remaining_ms(int64_t deadline)
{
	if (deadline < 0)
		return -1;
	int64_t left = deadline - qnn_now_ms();

	if (left <= 0)
		return 0;
	return left > 1000000000 ? 1000000000 : (int)left;
}

/* errno of the last failed system call of this thread, for qnn_last_errno() (connect.c) */
extern __thread int qnn_errno_last;

static inline void qnn_set_errno(int e)
{
	qnn_errno_last = e;
}

#endif
