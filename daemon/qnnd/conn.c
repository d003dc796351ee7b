// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * conn.c - client connections (accept.c lets them in): framing of the byte
 * stream, buffered replies, closing.
 * Limits per client: a frame may not exceed what the model and max_samples
 * allow (conn_max_frame); a client that does not read its replies stops
 * being read (backpressure) instead of growing our buffers.
 * A client that half-closes (shutdown(SHUT_WR) after its last request, as
 * socat or nc -N do) is read no more but still answered (got_eof).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "qnnd.h"

#define RBUF_INITIAL 65536u

size_t conn_max_frame(const struct server *s)
{
	uint32_t n_in = s->svc ? s->svc->info.n_in : 1;
	uint32_t len = qnn_proto_classify_len(s->cfg.max_samples, n_in);

	return QNN_PROTO_HDR_SIZE + (len ? len : QNN_PROTO_MAX_LEN);
}

/* Output beyond this stops reading the client until it catches up. */
static size_t wlimit(const struct server *s)
{
	uint32_t n_out = s->svc ? s->svc->info.n_out : 1;

	return 65536 + 2 * (size_t)qnn_proto_reply_len(s->cfg.max_samples, n_out,
						       QNN_RF_PROBS | QNN_RF_LOGITS);
}

void conn_update_events(struct server *s, struct conn *c)
{
	uint32_t ev = 0;

	if (c->dead)
		return;
	if (!c->closing && c->wlen - c->woff <= wlimit(s))
		ev |= EPOLLIN;
	if (c->wlen > c->woff)
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	struct epoll_event e = {.events = ev, .data.ptr = &c->src};

	epoll_ctl(s->epfd, EPOLL_CTL_MOD, c->fd, &e);
	c->events = ev;
}

static void conn_free(struct server *s, struct conn *c)
{
	shm_free(c);
	quota_drop(s, c->use);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

void conn_close(struct server *s, struct conn *c, const char *why)
{
	if (c->dead)
		return;
	log_peer(why, c->pid, c->uid, c->gid, c->id);
	c->dead = true;
	shm_close(s, c);
	/* Freed later by conn_flush_all() or conn_put(): callers may still hold c. */
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_next = s->dirty;
		s->dirty = c;
	}
	epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	s->st.clients--;
	c->use->conns--;
	accept_released(s); /* a descriptor is free: a paused listener may accept again */
	/* Its queued requests go; those inside a batch finish and are dropped. */
	struct bq_req *q = batcher_remove_conn(&s->bq, &c->q);

	while (q) {
		struct request *r = (struct request *)q;

		q = q->next;
		req_free(s, r);
	}
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
}

void conn_put(struct server *s, struct conn *c)
{
	c->inflight--;
	c->use->inflight--;
	if (c->dead && !c->inflight && !c->dirty)
		conn_free(s, c);
	else if (!c->dead && c->eof && !c->inflight)
		conn_mark_dirty(s, c); /* its last answer: conn_flush_all() closes it */
}

uint8_t *conn_reserve(struct server *s, struct conn *c, size_t len)
{
	if (c->dead)
		return NULL;
	if (c->woff && c->woff == c->wlen)
		c->woff = c->wlen = 0;
	if (c->wlen + len > c->wcap) {
		size_t cap = c->wcap ? c->wcap : 4096;

		while (cap < c->wlen + len)
			cap *= 2;
		uint8_t *nb = realloc(c->wbuf, cap);

		if (!nb) {
			log_failure("memory", "reply buffer for connection %llu",
				    (unsigned long long)c->id);
			conn_close(s, c, "dropped");
			return NULL;
		}
		c->wbuf = nb;
		c->wcap = cap;
	}
	uint8_t *p = c->wbuf + c->wlen;

	c->wlen += len;
	conn_mark_dirty(s, c);
	return p;
}

void conn_mark_dirty(struct server *s, struct conn *c)
{
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_next = s->dirty;
		s->dirty = c;
	}
}

void conn_send_error(struct server *s, struct conn *c, uint32_t id, int status, const char *msg)
{
	uint8_t *p =
	    conn_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG);

	if (!p)
		return;
	uint32_t len = qnn_proto_put_error(p + QNN_PROTO_HDR_SIZE, status, msg);

	qnn_proto_put_hdr(p, QNN_MSG_ERROR, id, len);
	/* Give back the unused part of the reservation. */
	c->wlen -= QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG - len;
}

static int flush(struct server *s, struct conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t w = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			return -1; /* EPIPE, ECONNRESET: the client is gone */
		}
		c->woff += (size_t)w;
	}
	if (c->woff == c->wlen)
		c->woff = c->wlen = 0;
	return 0;
}

/*
 * A closing connection ends once its last bytes are out: at once after a protocol
 * error (what it still had pending is dropped), only once every request it sent is
 * answered after its EOF. True when c was closed.
 */
static bool close_if_done(struct server *s, struct conn *c)
{
	if (!c->closing || c->wlen || (c->eof && c->inflight))
		return false;
	conn_close(s, c,
		   c->eof ? "disconnect (half-closed, every request answered)"
			  : "closed after protocol error");
	return true;
}

void conn_flush_all(struct server *s, bool may_free)
{
	struct conn *kept = NULL;

	while (s->dirty) {
		struct conn *c = s->dirty;

		s->dirty = c->dirty_next;
		if (c->dead && !may_free) {
			c->dirty_next = kept; /* still dirty: conn_put() will not free it either */
			kept = c;
			continue;
		}
		c->dirty = false;
		if (c->dead) {
			if (!c->inflight)
				conn_free(s, c);
			continue;
		}
		shm_notify(s, c);
		if (flush(s, c) < 0) {
			conn_close(s, c, "gone");
			continue;
		}
		if (close_if_done(s, c))
			continue;
		conn_update_events(s, c);
	}
	doorbells_ring(&s->bells);
	s->dirty = kept;
}

void conn_writable(struct server *s, struct conn *c)
{
	if (flush(s, c) < 0) {
		conn_close(s, c, "gone");
		return;
	}
	if (close_if_done(s, c))
		return;
	conn_update_events(s, c);
}

/* Parse the complete frames in rbuf. Returns false when the connection ends. */
static bool parse_frames(struct server *s, struct conn *c, uint64_t now)
{
	size_t off = 0, limit = conn_max_frame(s);

	while (!c->closing && !c->dead) {
		struct qnn_frame_hdr h;
		int r = qnn_proto_parse_hdr(c->rbuf + off, c->rlen - off,
					    (uint32_t)(limit - QNN_PROTO_HDR_SIZE), &h);

		if (r == QNN_PROTO_NEED_MORE)
			break;
		if (r < 0) {
			/* Cannot resynchronise a byte stream: say why, then hang up. */
			log_failure("protocol", "connection %llu (pid %d): %s",
				    (unsigned long long)c->id, c->pid, qnn_strerror(r));
			conn_send_error(s, c, 0, r,
					r == QNN_E_TOO_BIG ? "frame larger than this daemon's limit"
							   : "malformed frame header");
			c->closing = true;
			break;
		}
		size_t need = QNN_PROTO_HDR_SIZE + h.len;

		if (c->rlen - off < need) {
			if (need > c->rcap) {
				uint8_t *nb = realloc(c->rbuf, need);

				if (!nb) {
					conn_close(s, c, "dropped (no memory)");
					return false;
				}
				memmove(nb, nb + off, c->rlen - off);
				c->rbuf = nb;
				c->rcap = need;
				c->rlen -= off;
				off = 0;
			}
			break;
		}
		req_frame(s, c, &h, c->rbuf + off + QNN_PROTO_HDR_SIZE);
		off += need;
	}
	if (c->dead)
		return false;
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
	if (!c->rlen)
		c->partial_since_us = 0;
	else if (!c->partial_since_us || off)
		c->partial_since_us = now;
	return true;
}

/* Both directions down (POLLHUP): the client closed its socket or can read nothing more. */
static bool peer_gone(int fd)
{
	struct pollfd p = {.fd = fd};

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR));
}

/*
 * EOF. A client that closed its socket (or exited) reads no answers: close at once, its
 * queued requests dropped. One that only shut down its sending side still reads: what it
 * sent is answered, then the connection closes (close_if_done). Until then nothing more
 * is read, from the socket or from its ring (closing), and its requests keep their
 * deadlines, so it pins nothing longer than a client still writing would.
 */
static void got_eof(struct server *s, struct conn *c)
{
	if (c->eof || c->closing || peer_gone(c->fd)) {
		conn_close(s, c, "disconnect");
		return;
	}
	if (c->rlen) {
		log_failure("protocol", "connection %llu (pid %d): EOF inside a frame (%zu bytes)",
			    (unsigned long long)c->id, c->pid, c->rlen);
		c->rlen = 0;
		c->partial_since_us = 0; /* not a stalled frame: a truncated one, dropped */
	}
	/* Ring entries it published before its shutdown() are requests it sent, too. */
	if (c->shm)
		shm_pull(s, c);
	if (c->dead || c->closing)
		return; /* the ring broke the rules: a protocol error after all */
	c->eof = true;
	c->closing = true;
	conn_mark_dirty(s, c); /* closed this turn when nothing is pending */
}

void conn_readable(struct server *s, struct conn *c)
{
	if (!c->rbuf) {
		c->rcap = RBUF_INITIAL;
		c->rbuf = malloc(c->rcap);
		if (!c->rbuf) {
			conn_close(s, c, "dropped (no memory)");
			return;
		}
	}
	if (c->rlen == c->rcap) /* parse_frames grows rbuf for a frame it accepted */
		return;
	ssize_t got = recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen, 0);

	if (got == 0) {
		got_eof(s, c);
		return;
	}
	if (got < 0) {
		if (errno != EAGAIN && errno != EINTR)
			conn_close(s, c, "gone");
		return;
	}
	c->rlen += (size_t)got;
	if (!parse_frames(s, c, now_us()))
		return;
	conn_update_events(s, c);
}
