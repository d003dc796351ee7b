// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * shm.c - the shared-memory data path of one connection (the layout and
 * the rules are in qnn_proto.h): setting the ring up (memfd sealed against
 * resizing, two eventfds, passed with SCM_RIGHTS), tearing it down, and the
 * kicks with event suppression: the daemon asks for kicks only while a new
 * request would be run without delay (a free slot, no batch waiting to
 * start); under load the completion of a batch wakes it and it pulls every
 * ring then. Submissions come in through shm_receive.c, replies go out
 * through shm_reply.c. The client is not trusted: requests are copied out
 * of the region before they are checked, and a ring that breaks the rules
 * closes only its own connection.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "qnnd.h"
#include "shm_ring.h"

static void close_fds(struct server *s, struct conn_shm *m)
{
	reply_ring(&s->out); /* one of them may be ours */
	/* The client holds the same eventfd: closing ours would not leave the epoll set. */
	if (m->kick_fd >= 0) {
		loop_unwatch(s, m->kick_fd);
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
	struct service *svc = s->svcs.cur;
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
	if (!m->owned || memfd < 0 || m->kick_fd < 0 || m->notify_fd < 0 ||
	    loop_watch(s, m->kick_fd, EPOLLIN | EPOLLET, &m->kick_src)) {
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
	reply_error(s, c, id, st, why);
}

void shm_kicked(struct conn *c)
{
	if (c->shm)
		c->shm->armed = false; /* the client took the flag when it kicked */
}

bool shm_arm_all(struct server *s)
{
	struct service *svc = s->svcs.cur;
	/* Kicks only while a new request would be run without delay (no batch waiting to start);
	 * else the next completion wakes us and we pull every ring then. */
	bool want = s->loop.draining || !svc ||
		    (svc->inflight < svc->be->max_inflight &&
		     (!svc->be->ops->wants_work || svc->be->ops->wants_work(svc->be)));
	bool any = false, pending = false;

	for (struct conn *c = s->conns.head; c; c = c->next) {
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
	for (struct conn *c = s->conns.head; c && !pending; c = c->next) {
		struct conn_shm *m = c->shm;

		if (m && !c->dead && !c->closing && m->base && !m->deferred &&
		    __atomic_load_n(&m->ctl->sq_tail, __ATOMIC_RELAXED) != m->sq_head)
			pending = true;
	}
	return pending;
}
