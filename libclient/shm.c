/* SPDX-License-Identifier: MIT */
/*
 * shm.c - the client end of the shared-memory data path (layout and rules
 * in qnn_proto.h): asking the daemon for a ring after the handshake,
 * posting small requests into it, and draining its completions. A 1-sample
 * request then costs a copy into the ring and, only when the daemon asked
 * for one, a kick; its answer costs one eventfd read, instead of a socket
 * round trip on each side.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_internal.h"

static int wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd pfd = {.fd = fd, .events = events};
	int r = poll(&pfd, 1, qnn_remaining_ms(deadline));

	return r > 0 ? 0 : r == 0 ? QNN_E_TIMEOUT : QNN_E_IO;
}

/* Reads len bytes; the first recvmsg collects the SCM_RIGHTS fds (up to 3). */
static int recv_with_fds(int fd, uint8_t *p, size_t len, int fds[3], int *nfds, int64_t deadline)
{
	while (len) {
		union {
			struct cmsghdr h;
			char buf[CMSG_SPACE(3 * sizeof(int))];
		} u;
		struct iovec iov = {p, len};
		struct msghdr mh = {.msg_iov = &iov,
				    .msg_iovlen = 1,
				    .msg_control = u.buf,
				    .msg_controllen = sizeof(u.buf)};
		ssize_t r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN) {
			int w = wait_fd(fd, POLLIN, deadline);

			if (w)
				return w;
			continue;
		}
		if (r <= 0)
			return QNN_E_DISCONNECTED;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (size_t i = 0; i < n; i++) {
				int f;

				memcpy(&f, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
				if (*nfds < 3)
					fds[(*nfds)++] = f;
				else
					close(f);
			}
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static int map_ring(struct qnn_shm *m, int memfd, const struct qnn_model_info *info)
{
	void *p = mmap(NULL, m->lay.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	uint32_t slots = m->lay.slots;

	if (p == MAP_FAILED)
		return QNN_E_IO;
	m->base = p;
	m->ctl = p;
	m->sq = (uint32_t *)(m->base + m->lay.sq_off);
	m->cq = (uint32_t *)(m->base + m->lay.cq_off);
	m->n_in = info->n_in;
	m->n_out = info->n_out;
	m->free_slots = malloc(slots * sizeof(uint32_t));
	m->in_use = calloc(slots, 1);
	m->owner = calloc(slots, sizeof(*m->owner));
	if (!m->free_slots || !m->in_use || !m->owner)
		return QNN_E_NOMEM;
	for (uint32_t i = 0; i < slots; i++)
		m->free_slots[i] = slots - 1 - i;
	m->nfree = slots;
	/* We want to hear of every completion until we say otherwise. */
	__atomic_store_n(&m->ctl->c_need_notify, 1u, __ATOMIC_SEQ_CST);
	return 0;
}

int qnn_shm_open(int fd, const struct qnn_model_info *info, int64_t deadline, struct qnn_shm **out)
{
	uint8_t hdr[QNN_PROTO_HDR_SIZE], buf[QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	struct qnn_frame_hdr h;
	int fds[3] = {-1, -1, -1}, nfds = 0, r;
	struct qnn_shm *m = NULL;

	*out = NULL;
	qnn_proto_put_hdr(hdr, QNN_MSG_SHM, 1, 0);
	while (send(fd, hdr, sizeof(hdr), MSG_NOSIGNAL) != (ssize_t)sizeof(hdr)) {
		if (errno != EAGAIN && errno != EINTR)
			return QNN_E_DISCONNECTED;
		r = wait_fd(fd, POLLOUT, deadline);
		if (r)
			return r;
	}
	r = recv_with_fds(fd, hdr, sizeof(hdr), fds, &nfds, deadline);
	if (!r && qnn_proto_parse_hdr(hdr, sizeof(hdr), sizeof(buf), &h) != QNN_PROTO_HDR_OK)
		r = QNN_E_PROTO;
	if (!r)
		r = recv_with_fds(fd, buf, h.len, fds, &nfds, deadline);
	if (r)
		goto out;
	if (h.type == QNN_MSG_ERROR && h.id == 1) {
		r = 0; /* declined: the socket carries everything */
		goto out;
	}
	m = calloc(1, sizeof(*m));
	if (!m) {
		r = QNN_E_NOMEM;
		goto out;
	}
	m->kick_fd = m->notify_fd = -1;
	if (h.type != QNN_MSG_SHM_REPLY || h.id != 1 || nfds != 3 ||
	    qnn_proto_get_shm(buf, h.len, info->n_in, info->n_out, info->max_samples, &m->lay) ||
	    m->lay.slots > info->max_inflight) {
		r = QNN_E_PROTO;
		goto out;
	}
	r = map_ring(m, fds[0], info);
	m->kick_fd = fds[1];
	m->notify_fd = fds[2];
	fds[1] = fds[2] = -1;
	if (!r) {
		*out = m;
		m = NULL;
	}
out:
	for (int i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	qnn_shm_free(m);
	return r;
}

void qnn_shm_free(struct qnn_shm *m)
{
	if (!m)
		return;
	if (m->base)
		munmap(m->base, m->lay.region_size);
	if (m->kick_fd >= 0)
		close(m->kick_fd);
	if (m->notify_fd >= 0)
		close(m->notify_fd);
	free(m->free_slots);
	free(m->in_use);
	free(m->owner);
	free(m);
}

bool qnn_shm_can_post(qnn_client *c, uint32_t n)
{
	struct qnn_shm *m = c->shm;

	return m && !c->broken && m->nfree && n <= m->lay.slot_samples;
}

static uint8_t *slot_ptr(struct qnn_shm *m, uint32_t idx)
{
	return m->base + m->lay.slots_off + (size_t)idx * m->lay.slot_size;
}

void qnn_shm_post(qnn_client *c, struct wreq *w, const float *in, uint32_t timeout_ms,
		  uint32_t want)
{
	struct qnn_shm *m = c->shm;
	uint32_t idx = m->free_slots[--m->nfree];
	uint8_t *slot = slot_ptr(m, idx);
	struct qnn_shm_req h = {
	    .id = w->id,
	    .n_samples = w->n,
	    .timeout_ms = timeout_ms,
	    .flags = want,
	    .sock_seq = c->sock_classify,
	};
	uint64_t one = 1;

	m->in_use[idx] = 1;
	m->owner[idx] = w;
	w->on_shm = true;
	w->slot = idx;
	memcpy(slot, &h, sizeof(h));
	memcpy(slot + sizeof(h), in, (size_t)w->n * m->n_in * sizeof(float));
	__atomic_store_n(&m->sq[m->sq_tail % m->lay.slots], idx, __ATOMIC_RELAXED);
	m->sq_tail++;
	__atomic_store_n(&m->ctl->sq_tail, m->sq_tail, __ATOMIC_RELEASE);
	/* Dekker with the daemon's arm-then-check: one of us sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->ctl->d_need_kick, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&m->ctl->d_need_kick, 0u, __ATOMIC_ACQ_REL)) {
		if (write(m->kick_fd, &one, sizeof(one)) < 0) {
			/* a saturated counter is already readable */
		}
	}
}

void qnn_shm_forget(qnn_client *c, struct wreq *w)
{
	if (c->shm && w->on_shm && c->shm->owner[w->slot] == w)
		c->shm->owner[w->slot] = NULL;
}

/* Under mu: one reply from its slot into w's op. */
static int take_reply(struct qnn_shm *m, struct wreq *w, uint32_t idx)
{
	const uint8_t *p = slot_ptr(m, idx) + m->lay.reply_off;
	struct qnn_shm_rep rep;
	uint32_t ss = m->lay.slot_samples, no = m->n_out;

	memcpy(&rep, p, sizeof(rep));
	if (rep.id != w->id)
		return QNN_E_PROTO;
	if (rep.status)
		return rep.status < 0 && rep.status >= QNN_STATUS_MIN ? rep.status : QNN_E_PROTO;
	/* The slot's arrays are laid out for the ring's model (slot_samples, its n_out). */
	if (rep.n_out != no || w->op->n_out != no)
		return QNN_E_PROTO;
	struct part_reply r = {
	    .hdr = {.n_samples = rep.n_samples,
		    .n_out = rep.n_out,
		    .flags = rep.flags,
		    .queue_us = rep.queue_us,
		    .run_us = rep.run_us},
	    .classes = p + sizeof(rep),
	    .host_order = true,
	};

	r.probs = r.classes + 4 * (size_t)ss;
	r.logits = r.probs + 4 * (size_t)ss * no;
	return qnn_op_store_reply(w, &r);
}

/* Under mu: every completion posted so far. Count of requests answered, or QNN_E_PROTO. */
static int drain(qnn_client *c, struct qnn_shm *m)
{
	uint32_t slots = m->lay.slots;
	uint32_t tail = __atomic_load_n(&m->ctl->cq_tail, __ATOMIC_ACQUIRE);
	int n = 0;

	if (tail - m->cq_head > slots)
		return QNN_E_PROTO;
	while (m->cq_head != tail) {
		uint32_t idx = __atomic_load_n(&m->cq[m->cq_head % slots], __ATOMIC_RELAXED);

		m->cq_head++;
		if (idx >= slots || !m->in_use[idx])
			return QNN_E_PROTO;
		struct wreq *w = m->owner[idx];
		int st = w ? take_reply(m, w, idx) : 0;

		m->in_use[idx] = 0;
		m->owner[idx] = NULL;
		m->free_slots[m->nfree++] = idx;
		if (!w)
			continue; /* its caller gave up */
		qnn_mux_remove(c, w);
		qnn_op_part_done(c, w->op, st);
		free(w);
		n++;
		if (st == QNN_E_PROTO)
			return st;
	}
	return n;
}

int qnn_shm_poll(qnn_client *c, struct qnn_shm *m)
{
	uint64_t v;
	int n;

	/* Reset first, then ask again, then look: a completion posted after the look
	 * finds the flag set and writes the fd, so nothing is missed. */
	if (read(m->notify_fd, &v, sizeof(v)) < 0) {
		/* nothing signalled */
	}
	__atomic_store_n(&m->ctl->c_need_notify, 1u, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	pthread_mutex_lock(&c->mu);
	n = drain(c, m);
	if (n)
		pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return n;
}
