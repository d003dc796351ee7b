// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * shm.c - the shared-memory data path of one connection (the layout and
 * the rules are in qnn_proto.h): setting the ring up (memfd sealed against
 * resizing, two eventfds, passed with SCM_RIGHTS), pulling submissions
 * into the batcher, posting replies, and the doorbells with event
 * suppression: the daemon asks for kicks only while a new request would
 * be run without delay (a free slot, no batch waiting to start); under
 * load the completion of a batch wakes it and it pulls every ring then. The client is not
 * trusted: requests are copied out of the region before they are checked,
 * and a ring that breaks the rules closes only its own connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "qnnd.h"

struct conn_shm {
	struct ev_src kick_src;
	struct qnn_wire_shm lay;
	uint8_t *base;
	struct qnn_shm_ctrl *ctl;
	uint32_t *sq, *cq;
	uint32_t sq_head, cq_tail; /* ours: never read back from the region */
	uint32_t n_in, n_out;	   /* the model the layout was made for */
	uint8_t *owned;		   /* per slot: between its sq entry and our cq entry */
	int kick_fd, notify_fd;
	bool armed;	     /* we last stored d_need_kick = 1 */
	bool deferred;	     /* the next entry waits for socket frames (sock_seq) */
	bool notify_pending; /* cq entries posted since the last notify */
};

static uint32_t rd32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static uint8_t *slot_ptr(struct conn_shm *m, uint32_t idx)
{
	return m->base + m->lay.slots_off + (size_t)idx * m->lay.slot_size;
}

/* The request header, read once (the client may rewrite it at any time). */
static void read_req(struct conn_shm *m, uint32_t idx, struct qnn_shm_req *h)
{
	const uint32_t *p = (const uint32_t *)slot_ptr(m, idx);

	h->id = rd32(p);
	h->n_samples = rd32(p + 1);
	h->timeout_ms = rd32(p + 2);
	h->flags = rd32(p + 3);
	h->sock_seq = rd32(p + 4);
}

static void close_fds(struct server *s, struct conn_shm *m)
{
	doorbells_ring(&s->bells); /* one of them may be ours */
	/* The client holds the same eventfd: closing ours would not leave the epoll set. */
	if (m->kick_fd >= 0) {
		epoll_ctl(s->epfd, EPOLL_CTL_DEL, m->kick_fd, NULL);
		close(m->kick_fd);
	}
	if (m->notify_fd >= 0)
		close(m->notify_fd);
	m->kick_fd = m->notify_fd = -1;
}

void shm_close(struct server *s, struct conn *c)
{
	if (c->shm)
		close_fds(s, c->shm);
}

void shm_free(struct conn *c)
{
	struct conn_shm *m = c->shm;

	if (!m)
		return;
	if (m->base) {
		munmap(m->base, m->lay.region_size);
		c->use->ring_bytes -= m->lay.region_size;
	}
	free(m->owned);
	free(m);
	c->shm = NULL;
}

static int make_region(struct conn_shm *m)
{
	int fd = memfd_create("qnnd-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, m->lay.region_size) ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)) {
		close(fd);
		return -1;
	}
	void *p = mmap(NULL, m->lay.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		close(fd);
		return -1;
	}
	m->base = p; /* charged to the uid until shm_free() */
	m->ctl = p;
	m->sq = (uint32_t *)(m->base + m->lay.sq_off);
	m->cq = (uint32_t *)(m->base + m->lay.cq_off);
	return fd;
}

/* SHM_REPLY with the three fds, sent directly: they must ride on the frame's first byte. */
static int send_reply(struct conn *c, uint32_t id, int memfd, struct conn_shm *m)
{
	uint8_t frame[QNN_PROTO_HDR_SIZE + QNN_WIRE_SHM_SIZE];
	int fds[3] = {memfd, m->kick_fd, m->notify_fd};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(fds))];
	} u;
	struct iovec iov = {frame, sizeof(frame)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	qnn_proto_put_hdr(frame, QNN_MSG_SHM_REPLY, id, QNN_WIRE_SHM_SIZE);
	qnn_proto_put_shm(frame + QNN_PROTO_HDR_SIZE, &m->lay);
	memset(u.buf, 0, sizeof(u.buf));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(cm), fds, sizeof(fds));
	/* The client waits for this reply and sends nothing meanwhile: the socket has room. */
	ssize_t w = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);

	return w == (ssize_t)sizeof(frame) ? 0 : -1;
}

static const char *setup(struct server *s, struct conn *c, uint32_t id, int *st, char *msg,
			 size_t msglen)
{
	struct service *svc = s->svc;
	struct conn_shm *m;
	uint32_t slots =
	    s->cfg.shm_slots < s->cfg.max_inflight ? s->cfg.shm_slots : s->cfg.max_inflight;

	if (!slots || !svc)
		return "this daemon does not offer shared memory";
	if (c->shm)
		return "shared memory already set up";
	if (c->wlen > c->woff)
		return "replies still queued on the socket";
	m = calloc(1, sizeof(*m));
	if (!m)
		return "out of memory";
	m->kick_fd = m->notify_fd = -1;
	m->lay.slots = slots;
	m->n_in = svc->info.n_in;
	m->n_out = svc->info.n_out;
	c->shm = m;
	if (qnn_shm_layout(&m->lay, m->n_in, m->n_out, svc->info.max_samples))
		return "model too large for a ring";
	*st = quota_ring(s, c, m->lay.region_size, msg, msglen);
	if (*st)
		return msg;
	m->owned = calloc(slots, 1);
	int memfd = make_region(m);

	if (m->base)
		c->use->ring_bytes += m->lay.region_size;
	m->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	m->kick_src = (struct ev_src){SRC_KICK, c};
	/* Edge-triggered: every kick wakes us, and the counter never needs a read(). */
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.ptr = &m->kick_src};

	if (!m->owned || memfd < 0 || m->kick_fd < 0 || m->notify_fd < 0 ||
	    epoll_ctl(s->epfd, EPOLL_CTL_ADD, m->kick_fd, &ev)) {
		if (memfd >= 0)
			close(memfd);
		return "cannot create the ring";
	}
	int r = send_reply(c, id, memfd, m);

	close(memfd); /* the mapping stays */
	if (r) {
		/* Part of a frame may be out: the stream cannot be trusted any more. */
		conn_close(s, c, "gone (shared-memory setup)");
		return NULL;
	}
	log_debug("connection %llu: shared-memory ring, %u slots of %u samples",
		  (unsigned long long)c->id, slots, m->lay.slot_samples);
	return NULL;
}

void shm_setup(struct server *s, struct conn *c, uint32_t id)
{
	char msg[160];
	int st = QNN_E_INVAL;
	const char *why = setup(s, c, id, &st, msg, sizeof(msg));

	if (!why)
		return;
	if (c->shm) {
		close_fds(s, c->shm);
		shm_free(c);
	}
	/* Not fatal: the client stays on the socket. */
	conn_send_error(s, c, id, st, why);
}

static void post(struct server *s, struct conn *c, uint32_t idx)
{
	struct conn_shm *m = c->shm;

	__atomic_store_n(&m->cq[m->cq_tail % m->lay.slots], idx, __ATOMIC_RELAXED);
	m->cq_tail++;
	__atomic_store_n(&m->ctl->cq_tail, m->cq_tail, __ATOMIC_RELEASE);
	m->owned[idx] = 0;
	if (!m->notify_pending) {
		m->notify_pending = true;
		conn_mark_dirty(s, c);
	}
}

static void put_status(struct conn_shm *m, uint32_t idx, uint32_t id, int status)
{
	struct qnn_shm_rep rep = {.id = id, .status = status};

	memcpy(slot_ptr(m, idx) + m->lay.reply_off, &rep, sizeof(rep));
}

void shm_fail(struct server *s, struct conn *c, uint32_t idx, uint32_t id, int status)
{
	if (c->dead || !c->shm)
		return;
	put_status(c->shm, idx, id, status);
	post(s, c, idx);
}

void shm_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now)
{
	struct conn *c = r->conn;
	struct conn_shm *m = c->shm;
	uint32_t no = b->be->n_out, ss, flags = 0;

	if (c->dead || !m)
		return;
	ss = m->lay.slot_samples;
	if (no != m->n_out || r->n > ss) {
		shm_fail(s, c, r->slot, r->id, QNN_E_MODEL_CHANGED);
		return;
	}
	if (r->want & QNN_CF_WANT_PROBS)
		flags |= QNN_RF_PROBS;
	if ((r->want & QNN_CF_WANT_LOGITS) && b->logits)
		flags |= QNN_RF_LOGITS;
	uint8_t *p = slot_ptr(m, r->slot) + m->lay.reply_off;
	struct qnn_shm_rep rep = {
	    .id = r->id,
	    .n_samples = r->n,
	    .n_out = no,
	    .flags = flags,
	    .queue_us = (uint32_t)(r->dispatch_us - r->recv_us),
	    .run_us = (uint32_t)(now - r->dispatch_us),
	};
	uint32_t *cls = (uint32_t *)(p + sizeof(rep));
	uint32_t *probs = cls + ss;
	int32_t *logits = (int32_t *)(probs + (size_t)ss * no);
	size_t count = (size_t)r->n * no;

	memcpy(p, &rep, sizeof(rep));
	for (uint32_t i = 0; i < r->n; i++) {
		const uint32_t *v = b->values + (size_t)(first + i) * no;

		cls[i] = b->classes ? b->classes[first + i] : backend_argmax_values(v, no);
	}
	if (flags & QNN_RF_PROBS)
		memcpy(probs, b->values + (size_t)first * no, count * 4);
	if (flags & QNN_RF_LOGITS)
		memcpy(logits, b->logits + (size_t)first * no, count * 4);
	post(s, c, r->slot);
}

void shm_copy_in(const struct request *r, float *dst, size_t cnt)
{
	struct conn_shm *m = r->conn->shm;

	/* The mapping lives until the connection is freed, after its last request. */
	memcpy(dst, slot_ptr(m, r->slot) + sizeof(struct qnn_shm_req), cnt * sizeof(float));
}

static void violation(struct server *s, struct conn *c, const char *what)
{
	log_failure("protocol", "connection %llu (pid %d): shared-memory ring: %s",
		    (unsigned long long)c->id, c->pid, what);
	conn_send_error(s, c, 0, QNN_E_PROTO, "shared-memory ring corrupted");
	c->closing = true;
}

/* One submission: copied out, checked, queued (or answered with an error at once). */
static void take(struct server *s, struct conn *c, uint32_t idx, const struct qnn_shm_req *h)
{
	struct conn_shm *m = c->shm;
	struct service *svc = s->svc;
	char msg[128];
	int st = req_check(s, c, msg, sizeof(msg));

	if (!st && (m->n_in != svc->info.n_in || m->n_out != svc->info.n_out))
		st = QNN_E_MODEL_CHANGED;
	else if (!st && (!h->n_samples || (h->flags & ~QNN_CF_KNOWN)))
		st = QNN_E_PROTO;
	else if (!st && h->n_samples > m->lay.slot_samples)
		st = QNN_E_TOO_BIG;
	if (!st && h->n_samples > svc->info.max_samples) {
		/* A reload lowered the limits below what the ring was made for: like an
		 * oversized frame, hang up; the client reconnects and learns the new ones. */
		conn_send_error(s, c, 0, QNN_E_TOO_BIG, "request larger than the daemon's limits");
		c->closing = true;
		m->owned[idx] = 0;
		return;
	}
	if (st) {
		if (st != QNN_E_SHUTDOWN)
			s->st.errors++;
		shm_fail(s, c, idx, h->id, st);
		return;
	}
	/* The header was read once into h; the inputs stay in the slot (ours until we post it)
	 * and are copied once, into the batch, where they are checked (dispatch.c). */
	QNND_PROBE(request_received, c->id, h->id, h->n_samples);
	struct request *rq = calloc(1, sizeof(*rq));

	if (!rq) {
		s->st.errors++;
		shm_fail(s, c, idx, h->id, QNN_E_NOMEM);
		return;
	}
	rq->conn = c;
	rq->id = h->id;
	rq->n = h->n_samples;
	rq->want = h->flags;
	rq->on_shm = true;
	rq->slot = idx;
	st = req_admit(s, c, rq, h->timeout_ms, -1, msg, sizeof(msg));
	if (st) {
		free(rq);
		shm_fail(s, c, idx, h->id, st);
	}
}

void shm_pull(struct server *s, struct conn *c)
{
	struct conn_shm *m = c->shm;

	if (!m || c->dead || c->closing || !m->base)
		return;
	uint32_t slots = m->lay.slots;
	uint32_t tail = __atomic_load_n(&m->ctl->sq_tail, __ATOMIC_ACQUIRE);

	if (tail - m->sq_head > slots) {
		violation(s, c, "more submissions than slots");
		return;
	}
	m->deferred = false;
	while (m->sq_head != tail && !c->closing && !c->dead) {
		uint32_t idx = rd32(&m->sq[m->sq_head % slots]);
		struct qnn_shm_req h;

		if (idx >= slots || m->owned[idx]) {
			violation(s, c,
				  idx >= slots ? "slot index out of range"
					       : "slot submitted twice");
			return;
		}
		read_req(m, idx, &h);
		/* Requests it sent on the socket before this one come first. */
		if ((int32_t)(h.sock_seq - c->sock_classify) > 0) {
			m->deferred = true;
			return;
		}
		m->sq_head++;
		m->owned[idx] = 1;
		take(s, c, idx, &h);
	}
}

void shm_kicked(struct conn *c)
{
	if (c->shm)
		c->shm->armed = false; /* the client took the flag when it kicked */
}

void shm_notify(struct server *s, struct conn *c)
{
	struct conn_shm *m = c->shm;

	if (!m || !m->notify_pending || m->notify_fd < 0)
		return;
	m->notify_pending = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->ctl->c_need_notify, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&m->ctl->c_need_notify, 0, __ATOMIC_ACQ_REL))
		doorbells_add(&s->bells, m->notify_fd);
}

bool shm_arm_all(struct server *s)
{
	struct service *svc = s->svc;
	/* Kicks only while a new request would be run without delay (no batch waiting to start);
	 * else the next completion wakes us and we pull every ring then. */
	bool want = s->draining || !svc ||
		    (svc->inflight < svc->be->max_inflight &&
		     (!svc->be->ops->wants_work || svc->be->ops->wants_work(svc->be)));
	bool any = false, pending = false;

	for (struct conn *c = s->conns; c; c = c->next) {
		struct conn_shm *m = c->shm;

		if (!m || c->dead || c->closing || !m->base || m->armed == want)
			continue;
		__atomic_store_n(&m->ctl->d_need_kick, want ? 1u : 0u, __ATOMIC_RELAXED);
		m->armed = want;
		any = true;
	}
	if (!want || !any)
		return false;
	/* Dekker with the client's post-then-check: one of us sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (struct conn *c = s->conns; c && !pending; c = c->next) {
		struct conn_shm *m = c->shm;

		if (m && !c->dead && !c->closing && m->base && !m->deferred &&
		    __atomic_load_n(&m->ctl->sq_tail, __ATOMIC_RELAXED) != m->sq_head)
			pending = true;
	}
	return pending;
}

void shm_pull_all(struct server *s)
{
	for (struct conn *c = s->conns; c; c = c->next)
		if (c->shm)
			shm_pull(s, c);
}
