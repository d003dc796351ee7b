/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnnd.h - the daemon's state, shared by its parts:
 *   main.c         flags, signals, the epoll loop
 *   accept.c       accepting: credentials, allow_group, per-uid connection limit,
 *                  descriptor exhaustion (pause the listener, refuse with a reason)
 *   conn.c         framing, buffered replies, closing
 *   quota.c        what each peer uid holds (connections, requests, ring memory)
 *   requests.c     what each frame asks for and the replies
 *   dispatch.c     batches: forming (batcher.c's policy), submitting, completing
 *   service.c      model + backend: loading, self-test, swapping in a new one
 *   reload.c       reload requests (SIGHUP, RELOAD frames): coalesced, never dropped
 *   housekeeping.c deadlines, stalled frames, STATUS=, journal, watchdog
 *   shm.c          the shared-memory data path of a connection (rings, doorbells)
 *   assist.c       a sw worker doing the loop's turn itself, while the loop sleeps
 * Everything runs under the server lock (struct server.lock): on the event-loop
 * thread, which holds it except inside epoll_wait(), or on a backend worker that
 * took it to do a turn (assist.c). Only backends have threads of their own.
 */
#ifndef QNND_H
#define QNND_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend/backend.h"
#include "batcher.h"
#include "clock.h"
#include "config.h"
#include "doorbell.h"
#include "probes.h"
#include "qnn_proto.h"
#include "stats.h"

enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_TICK, SRC_WAKE, SRC_BACKEND, SRC_CONN, SRC_KICK };

/* What an epoll event points at. */
struct ev_src {
	enum src_kind kind;
	void *obj;
};

struct conn;
struct conn_shm;

/* What one peer uid holds (quota.c): checked against the uid_max_* settings. */
struct uid_use {
	uid_t uid;
	uint32_t refs; /* connection structs pointing here (live or not yet freed) */
	uint32_t conns, inflight;
	uint64_t ring_bytes;
	struct uid_use *next;
};

struct request {
	struct bq_req q; /* first: the batcher's node */
	struct conn *conn;
	uint32_t id, n, want;
	bool on_shm;   /* arrived through the connection's ring: answered there */
	uint32_t slot; /* its ring slot */
	uint64_t recv_us, dispatch_us;
	float in[]; /* n * n_in floats: allocated with the request (one malloc); none for a
		     * ring request: its inputs are copied from the slot at dispatch */
};

struct conn {
	struct ev_src src;
	int fd;
	uint64_t id;
	struct bq_conn q;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	uint8_t *rbuf;
	size_t rlen, rcap;
	uint8_t *wbuf;
	size_t wlen, woff, wcap;
	uint32_t inflight; /* requests queued or in a batch */
	uint64_t partial_since_us;
	uint64_t model_gen;	/* the model generation INFO told it about */
	uint32_t events;	/* registered epoll events */
	uint32_t sock_classify; /* CLASSIFY frames read on the socket (ring ordering) */
	struct conn_shm *shm;	/* the shared-memory ring, or NULL */
	struct uid_use *use;	/* its uid's share (never NULL once accepted) */
	uint64_t reload_wait;	/* a RELOAD frame waits for this request's reload; 0 none */
	uint32_t reload_id;	/* that frame's id */
	bool dead;		/* closed; freed when inflight reaches 0 */
	bool closing;		/* protocol error: flush the ERROR, then close */
	bool eof;		/* half-closed by the client: answer, flush, then close */
	bool dirty;
	struct conn *next, *prev, *dirty_next;
};

/* A loaded model and the backend running it. */
struct service {
	struct ev_src src;
	void *model_buf;
	size_t model_len;
	struct qnn_model model;
	uint32_t model_crc;
	struct backend *be;
	uint32_t inflight; /* batches */
	uint64_t gen;
	bool retiring; /* replaced by a reload: freed when inflight reaches 0 */
	struct qnn_model_info info;
	struct server *srv; /* for assist(), called on the backend's threads */
};

struct batch_owner {
	struct service *svc;
	uint64_t dispatch_us;
	unsigned nreq;
	struct request *reqs[];
};

struct server {
	struct qnnd_config cfg;
	const struct config_source *config_src; /* file + flags, read again by every reload */

	int epfd, lfd, sigfd, tickfd, wakefd;
	bool lfd_owned;
	struct ev_src lsrc, sigsrc, ticksrc, wakesrc;
	uint64_t wake_armed_us;

	struct service *svc; /* current */
	struct service *old; /* retiring after a reload, or NULL */
	uint64_t next_gen;
	struct batcher bq;
	uint64_t next_deadline_us;

	struct conn *conns, *dirty;
	uint64_t next_conn_id;
	struct uid_use *uids;

	/* Descriptor exhaustion (accept.c): a spare fd to refuse with, the paused listener. */
	int spare_fd;
	bool accept_paused;
	uint32_t accept_backoff_ms;
	uint64_t accept_resume_us;
	uint64_t accept_refused; /* clients told "out of descriptors" */
	gid_t allow_gid;
	bool allow_gid_set;

	struct stats st;
	struct stats_snapshot last; /* last journal window, for STATS replies */
	uint64_t last_status_us, last_journal_us, last_wd_us, last_progress_us;
	uint64_t wd_usec;

	bool draining;
	uint64_t drain_start_us;
	bool quit;
	/*
	 * Reloads run after the turn's events, not among them (reload_run): a reload may free
	 * the old service at once, and a later event of the same epoll_wait() may be its
	 * backend's (readable although its last batch was already completed, e.g. by a
	 * worker's turn).
	 */
	uint64_t reload_requested; /* reload requests so far (SIGHUPs, RELOAD frames) */
	uint64_t reload_answered;  /* requests the reloads that ran so far answered */
	uint64_t config_gen;	   /* configuration generation: 1 at start, +1 per applied reload */
	bool reload_deferred;	   /* a request waits for the retiring service (logged once) */
	struct doorbells bells;	   /* client notifications of this turn */
	pthread_mutex_t lock;	   /* the loop's, except inside epoll_wait() */
	bool assist_on;		   /* workers may do turns (only inside run()) */
};

/* accept.c */
void accept_init(struct server *s);
void conn_accept(struct server *s);
void accept_released(struct server *s); /* a descriptor was closed */
void accept_tick(struct server *s, uint64_t now);

/* quota.c: 0, or QNN_E_QUOTA with msg saying which limit (and a journal record). */
struct uid_use *quota_get(struct server *s, uid_t uid);
void quota_drop(struct server *s, struct uid_use *u); /* a connection struct is freed */
int quota_conn(struct server *s, const struct conn *c, char *msg, size_t len);
int quota_request(struct server *s, const struct conn *c, char *msg, size_t len);
int quota_ring(struct server *s, const struct conn *c, uint64_t bytes, char *msg, size_t len);

/* conn.c */
void conn_readable(struct server *s, struct conn *c);
void conn_writable(struct server *s, struct conn *c);
void conn_close(struct server *s, struct conn *c, const char *why);
void conn_put(struct server *s, struct conn *c); /* a request of c finished */
uint8_t *conn_reserve(struct server *s, struct conn *c, size_t len);
void conn_send_error(struct server *s, struct conn *c, uint32_t id, int status, const char *msg);
/* Send what is buffered, ring doorbells; dead connections are freed only if may_free
 * (never on a worker: the loop's last epoll events may point at them). */
void conn_flush_all(struct server *s, bool may_free);
void conn_update_events(struct server *s, struct conn *c);
void conn_mark_dirty(struct server *s, struct conn *c); /* flush/notify it this turn */
size_t conn_max_frame(const struct server *s);

/* requests.c */
void req_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h, const uint8_t *p);
void req_fail(struct server *s, struct request *r, int status, const char *msg);
void req_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now);
void req_free(struct server *s, struct request *r);
/* Whether c may queue one more request now: 0 or a status (msg says why). */
int req_check(struct server *s, struct conn *c, char *msg, size_t len);
/*
 * Queue rq (inputs already in rq->in, a private copy): NaN/Inf refused (bad_at: the first
 * non-finite element's index, -1 none, -2 not checked yet). 0 or a status.
 */
int req_admit(struct server *s, struct conn *c, struct request *rq, uint32_t timeout_ms,
	      long bad_at, char *msg, size_t len);

/* dispatch.c */
void dispatch_batches(struct server *s, uint64_t now);
void dispatch_complete(struct server *s, struct service *svc);
void dispatch_expire(struct server *s, uint64_t now);
bool dispatch_idle(const struct server *s);
/* The turn after the events: pull the rings, dispatch, flush (see conn_flush_all). */
void dispatch_turn(struct server *s, bool may_free);
/* assist.c: backend_conf.assist; ctx is the service. */
bool assist_turn(void *ctx);

/* service.c */
struct service *service_open(struct server *s, const struct qnnd_config *cfg, char *err,
			     size_t errlen);
void service_close(struct server *s, struct service *svc);
/* Swap in the service of a new configuration: 0, or -1 with err (the old one stays). */
int service_swap(struct server *s, char *err, size_t errlen);

/* reload.c */
void reload_request(struct server *s);				  /* a SIGHUP */
void reload_frame(struct server *s, struct conn *c, uint32_t id); /* a RELOAD frame */
void reload_run(struct server *s); /* after the turn's events: run what is pending */
void service_apply_limits(struct server *s);

/* shm.c */
void shm_setup(struct server *s, struct conn *c, uint32_t id);
void shm_pull(struct server *s, struct conn *c);
void shm_pull_all(struct server *s);
void shm_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now);
void shm_fail(struct server *s, struct conn *c, uint32_t slot, uint32_t id, int status);
/* Copy a ring request's cnt input floats out of its slot (at dispatch: one copy, no malloc). */
void shm_copy_in(const struct request *r, float *dst, size_t cnt);
void shm_notify(struct server *s, struct conn *c);
void shm_kicked(struct conn *c);
/* Ask for kicks (or stop) before sleeping; true when a ring already holds work. */
bool shm_arm_all(struct server *s);
void shm_close(struct server *s, struct conn *c); /* the connection is closing */
void shm_free(struct conn *c);

/* housekeeping.c */
void housekeeping_tick(struct server *s, uint64_t now);
void housekeeping_status(struct server *s, char *buf, size_t len);

#endif
