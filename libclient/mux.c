/* SPDX-License-Identifier: MIT */
/*
 * mux.c - many threads, one connection: the table of requests waiting for
 * a reply, sending frames, and the leader/follower reader that routes each
 * frame to its request (what a reply does to the request's op is op.c's).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "client_internal.h"

/* A reader wakes this often to notice state changed by other threads. */
#define READ_SLICE_MS 100

uint32_t qnn_mux_new_id(qnn_client *c)
{
	uint32_t id = c->next_id++;

	if (!c->next_id)
		c->next_id = 2; /* 0 is the daemon's "whole connection", 1 the handshake */
	return id;
}

void qnn_mux_add(qnn_client *c, struct wreq *w)
{
	unsigned b = w->id % QNN_BUCKETS;

	w->next = c->table[b];
	c->table[b] = w;
	c->inflight++;
	if (!w->on_shm)
		c->sock_inflight++;
}

static void unlink_counted(qnn_client *c, struct wreq **pp)
{
	struct wreq *w = *pp;

	*pp = w->next;
	c->inflight--;
	if (!w->on_shm)
		c->sock_inflight--;
}

void qnn_mux_remove(qnn_client *c, struct wreq *w)
{
	for (struct wreq **pp = &c->table[w->id % QNN_BUCKETS]; *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			unlink_counted(c, pp);
			return;
		}
	}
}

static struct wreq *take(qnn_client *c, uint32_t id)
{
	for (struct wreq **pp = &c->table[id % QNN_BUCKETS]; *pp; pp = &(*pp)->next) {
		struct wreq *w = *pp;

		if (w->id == id && !w->on_shm) {
			unlink_counted(c, pp);
			return w;
		}
	}
	return NULL;
}

void qnn_mux_drop_op(qnn_client *c, struct op *op)
{
	for (unsigned b = 0; b < QNN_BUCKETS; b++) {
		struct wreq **pp = &c->table[b];

		while (*pp) {
			struct wreq *w = *pp;

			if (w->op != op) {
				pp = &w->next;
				continue;
			}
			unlink_counted(c, pp);
			qnn_shm_forget(c, w);
			free(w);
		}
	}
	pthread_cond_broadcast(&c->cv);
}

static int send_iov(int fd, struct iovec *iov, int cnt, int64_t deadline)
{
	struct msghdr mh = {.msg_iov = iov, .msg_iovlen = (size_t)cnt};

	while (mh.msg_iovlen) {
		ssize_t w = sendmsg(fd, &mh, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				struct pollfd pfd = {.fd = fd, .events = POLLOUT};

				if (poll(&pfd, 1, qnn_remaining_ms(deadline)) == 0)
					return QNN_E_TIMEOUT;
				continue;
			}
			qnn_set_errno(errno);
			return QNN_E_DISCONNECTED;
		}
		while (w > 0 && mh.msg_iovlen) {
			size_t l = mh.msg_iov[0].iov_len;

			if ((size_t)w >= l) {
				w -= (ssize_t)l;
				mh.msg_iov++;
				mh.msg_iovlen--;
			} else {
				mh.msg_iov[0].iov_base = (uint8_t *)mh.msg_iov[0].iov_base + w;
				mh.msg_iov[0].iov_len -= (size_t)w;
				w = 0;
			}
		}
	}
	return 0;
}

int qnn_mux_send(qnn_client *c, uint64_t gen, const uint8_t *hdr, const void *p1, size_t l1,
		 const float *floats, size_t nfloats, int64_t deadline)
{
	struct iovec iov[3];
	uint8_t *tmp = NULL;
	int fd, r, cnt = 0;

	pthread_mutex_lock(&c->mu);
	if (gen != c->gen || c->broken || c->fd < 0) {
		pthread_mutex_unlock(&c->mu);
		return QNN_E_DISCONNECTED;
	}
	fd = c->fd;
	c->fd_users++;
	pthread_mutex_unlock(&c->mu);

	iov[cnt++] = (struct iovec){(void *)hdr, QNN_PROTO_HDR_SIZE};
	if (l1)
		iov[cnt++] = (struct iovec){(void *)p1, l1};
	if (nfloats) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		iov[cnt++] = (struct iovec){(void *)floats, nfloats * 4};
#else
		tmp = malloc(nfloats * 4);
		if (!tmp) {
			r = QNN_E_NOMEM;
			goto out;
		}
		qnn_proto_put_floats(tmp, floats, nfloats);
		iov[cnt++] = (struct iovec){tmp, nfloats * 4};
#endif
	}
	pthread_mutex_lock(&c->send_mu);
	r = send_iov(fd, iov, cnt, deadline);
	pthread_mutex_unlock(&c->send_mu);
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
out:
#endif
	free(tmp);
	pthread_mutex_lock(&c->mu);
	c->fd_users--;
	/* A half-sent frame desynchronises the stream: the connection is done. */
	if (r)
		qnn_conn_set_broken(c, gen);
	pthread_cond_broadcast(&c->cv);
	pthread_mutex_unlock(&c->mu);
	return r;
}

/* Under mu: route one complete frame to its request. < 0 when the connection is unusable. */
static int dispatch(qnn_client *c, const struct qnn_frame_hdr *h, const uint8_t *p)
{
	int st = 0, r = 0;

	if (h->type == QNN_MSG_ERROR && h->id == 0) {
		/* The daemon is closing the connection on us (it says why). */
		if (qnn_proto_get_error(p, h->len, &st, NULL, 0))
			st = QNN_E_PROTO;
		return st;
	}
	struct wreq *w = take(c, h->id);

	if (!w)
		return 0; /* a reply to a request whose caller gave up */
	switch (h->type) {
	case QNN_MSG_CLASSIFY_REPLY:
		r = st = qnn_op_take_reply(w, p, h->len);
		break;
	case QNN_MSG_STATS_REPLY:
		r = st = qnn_op_take_stats(w, p, h->len);
		break;
	case QNN_MSG_ERROR:
		if (qnn_proto_get_error(p, h->len, &st, NULL, 0))
			r = st = QNN_E_PROTO;
		break;
	default:
		r = st = QNN_E_PROTO;
	}
	qnn_op_part_done(c, w->op, st);
	free(w);
	return r;
}

/* Sleep until the socket or the ring's notify fd is readable (or the slice ends). */
static int wait_readable(int fd, struct qnn_shm *m, int left)
{
	struct pollfd pfd[2] = {{.fd = fd, .events = POLLIN},
				{.fd = m ? m->notify_fd : -1, .events = POLLIN}};

	return poll(pfd, m ? 2 : 1, left);
}

/* Frames in rbuf handed to their requests (under mu). */
static int parse_frames(qnn_client *c)
{
	size_t off = 0;
	int ret = 1, r;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		struct qnn_frame_hdr h;

		r = qnn_proto_parse_hdr(c->rbuf + off, c->rlen - off,
					(uint32_t)(c->rcap - QNN_PROTO_HDR_SIZE), &h);
		if (r == QNN_PROTO_NEED_MORE)
			break;
		if (r < 0) {
			ret = QNN_E_PROTO;
			break;
		}
		if (c->rlen - off < QNN_PROTO_HDR_SIZE + h.len)
			break;
		r = dispatch(c, &h, c->rbuf + off + QNN_PROTO_HDR_SIZE);
		off += QNN_PROTO_HDR_SIZE + h.len;
		if (r < 0) {
			ret = r;
			break;
		}
	}
	pthread_mutex_unlock(&c->mu);
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	return ret;
}

/* As the reader, without mu. 1: something handled, 0: nothing yet, < 0: connection dead. */
static int read_some(qnn_client *c, int fd, struct qnn_shm *m, int64_t deadline)
{
	int left = qnn_remaining_ms(deadline);
	int ring = 0;

	if (left < 0 || left > READ_SLICE_MS)
		left = READ_SLICE_MS;
	for (int pass = 0; pass < 2; pass++) {
		if (m) {
			ring = qnn_shm_poll(c, m);
			if (ring < 0)
				return ring;
			/* The socket only matters for replies sent on it, or when the ring is quiet
			 * (a daemon that hangs up says so on the socket). */
			if (ring && !__atomic_load_n(&c->sock_inflight, __ATOMIC_RELAXED))
				return 1;
		}
		/* The socket is non-blocking: try first, poll only when nothing is there yet. */
		ssize_t got = recv(fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);

		if (got < 0 && errno == EAGAIN) {
			if (ring)
				return 1;
			if (pass || wait_readable(fd, m, left) <= 0)
				return 0;
			continue;
		}
		if (got == 0)
			return QNN_E_DISCONNECTED;
		if (got < 0) {
			if (errno == EINTR)
				return ring ? 1 : 0;
			qnn_set_errno(errno);
			return QNN_E_DISCONNECTED;
		}
		c->rlen += (size_t)got;
		return parse_frames(c);
	}
	return ring ? 1 : 0;
}

int qnn_mux_wait(qnn_client *c, bool (*pred)(qnn_client *, void *), void *arg, int64_t deadline)
{
	struct timespec ts;
	int ret = 0;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		if (pred(c, arg))
			break;
		bool usable = c->fd >= 0 && !c->broken && !c->connecting;

		if (usable && !c->reader_active) {
			int fd = c->fd;
			uint64_t gen = c->gen;
			struct qnn_shm *m = c->shm; /* replaced only once no reader is active */

			c->reader_active = true;
			pthread_mutex_unlock(&c->mu);
			int r = read_some(c, fd, m, deadline);

			pthread_mutex_lock(&c->mu);
			c->reader_active = false;
			if (r < 0)
				qnn_conn_set_broken(c, gen);
			pthread_cond_broadcast(&c->cv);
			if (r == 0 && deadline >= 0 && qnn_now_ms() >= deadline && !pred(c, arg)) {
				ret = QNN_E_TIMEOUT;
				break;
			}
			continue;
		}
		if (!usable && !c->connecting && !c->reader_active) {
			ret = QNN_E_DISCONNECTED;
			break;
		}
		int64_t now = qnn_now_ms();

		if (deadline >= 0 && now >= deadline) {
			ret = QNN_E_TIMEOUT;
			break;
		}
		int64_t until = now + READ_SLICE_MS;

		if (deadline >= 0 && deadline < until)
			until = deadline;
		ts.tv_sec = until / 1000;
		ts.tv_nsec = (long)(until % 1000) * 1000000;
		pthread_cond_timedwait(&c->cv, &c->mu, &ts);
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}
