// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reply.c - the last stage: answers into each connection's output buffer
 * (ring requests are answered in their slot, shm.c), and at the end of the
 * turn every connection that got something is flushed and its doorbell
 * rung, all of them together (doorbell.c). A client that does not read its
 * replies is not read any more until it catches up (backpressure), so our
 * buffers stay bounded. A connection that is closing ends here once its
 * last bytes are out.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "log.h"
#include "qnnd.h"

void reply_done(struct server *s, struct request *r)
{
	struct conn *c = r->conn;

	free(r);
	conn_put(s, c);
}

void reply_init(struct server *s, bool use_uring, char *how, size_t len)
{
	doorbells_init(&s->out.bells, use_uring, how, len);
}

void reply_exit(struct server *s)
{
	doorbells_exit(&s->out.bells);
}

void reply_mark(struct server *s, struct conn *c)
{
	if (!c->dirty) {
		c->dirty = true;
		c->dirty_next = s->out.dirty;
		s->out.dirty = c;
	}
}

uint8_t *reply_reserve(struct server *s, struct conn *c, size_t len)
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
	reply_mark(s, c);
	return p;
}

void reply_error(struct server *s, struct conn *c, uint32_t id, int status, const char *msg)
{
	uint8_t *p =
	    reply_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG);

	if (!p)
		return;
	uint32_t len = qnn_proto_put_error(p + QNN_PROTO_HDR_SIZE, status, msg);

	qnn_proto_put_hdr(p, QNN_MSG_ERROR, id, len);
	/* Give back the unused part of the reservation. */
	c->wlen -= QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG - len;
}

void reply_refused(struct server *s, struct conn *c, uint32_t id, int status, const char *msg)
{
	QNND_PROBE(request_answered, c->id, id, status);
	reply_error(s, c, id, status, msg);
}

void reply_fatal(struct server *s, struct conn *c, uint32_t id, int status, const char *msg)
{
	reply_error(s, c, id, status, msg);
	c->closing = true;
}

void reply_close_when_done(struct server *s, struct conn *c)
{
	c->closing = true;
	reply_mark(s, c);
}

/* The CLASSIFY_REPLY frame of r on the socket. */
static void put_classify(struct server *s, struct request *r, const struct qnnd_batch *b,
			 uint32_t first, uint64_t now, uint32_t flags)
{
	uint32_t no = b->be->n_out;
	uint32_t len = qnn_proto_reply_len(r->n, no, flags);
	uint8_t *p = reply_reserve(s, r->conn, QNN_PROTO_HDR_SIZE + len);

	if (!p)
		return; /* the client left: its answer is dropped */
	struct qnn_wire_reply wr = {
	    .n_samples = r->n,
	    .n_out = no,
	    .flags = flags,
	    .queue_us = (uint32_t)(r->dispatch_us - r->recv_us),
	    .run_us = (uint32_t)(now - r->dispatch_us),
	};

	qnn_proto_put_hdr(p, QNN_MSG_CLASSIFY_REPLY, r->id, len);
	p += QNN_PROTO_HDR_SIZE;
	qnn_proto_put_reply_hdr(p, &wr);
	p += QNN_WIRE_REPLY_SIZE;
	for (uint32_t i = 0; i < r->n; i++) {
		const uint32_t *v = b->values + (size_t)(first + i) * no;
		uint32_t k = b->classes ? b->classes[first + i] : backend_argmax_values(v, no);

		qnn_put_u32(p + 4 * i, k);
	}
	p += 4 * (size_t)r->n;
	size_t count = (size_t)r->n * no;

	if (flags & QNN_RF_PROBS) {
		const uint32_t *v = b->values + (size_t)first * no;

		for (size_t i = 0; i < count; i++)
			qnn_put_u32(p + 4 * i, v[i]);
		p += 4 * count;
	}
	if (flags & QNN_RF_LOGITS) {
		const int32_t *l = b->logits + (size_t)first * no;

		for (size_t i = 0; i < count; i++)
			qnn_put_u32(p + 4 * i, (uint32_t)l[i]);
	}
}

void reply_classify(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
		    uint64_t now)
{
	uint32_t flags = 0;

	if (r->want & QNN_CF_WANT_PROBS)
		flags |= QNN_RF_PROBS;
	if ((r->want & QNN_CF_WANT_LOGITS) && b->logits)
		flags |= QNN_RF_LOGITS;
	stats_request_done(&s->st, r->n, now - r->recv_us);
	QNND_PROBE(request_answered, r->conn->id, r->id, 0);
	if (r->on_shm)
		shm_reply(s, r, b, first, now, flags);
	else
		put_classify(s, r, b, first, now, flags);
	reply_done(s, r);
}

void reply_fail(struct server *s, struct request *r, int status, const char *msg)
{
	if (status == QNN_E_TIMEOUT)
		s->st.timeouts++;
	else if (status != QNN_E_NONFINITE) /* counted as nonfinite where it was found */
		s->st.errors++;
	QNND_PROBE(request_answered, r->conn->id, r->id, status);
	if (r->on_shm)
		shm_fail(s, r->conn, r->slot, r->id, status);
	else
		reply_error(s, r->conn, r->id, status, msg);
	reply_done(s, r);
}

/* Output beyond this stops reading the client until it catches up. */
static size_t wlimit(const struct server *s)
{
	uint32_t n_out = s->svcs.cur ? s->svcs.cur->info.n_out : 1;

	return 65536 + 2 * (size_t)qnn_proto_reply_len(s->cfg.max_samples, n_out,
						       QNN_RF_PROBS | QNN_RF_LOGITS);
}

void reply_update_events(struct server *s, struct conn *c)
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
	loop_rewatch(s, c->fd, ev, &c->src);
	c->events = ev;
}

static int flush(struct conn *c)
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

/* What is buffered for c, as much as the socket takes; then closed, or watched as it needs. */
static void send_out(struct server *s, struct conn *c)
{
	if (flush(c) < 0) {
		conn_close(s, c, "gone");
		return;
	}
	if (close_if_done(s, c))
		return;
	reply_update_events(s, c);
}

void reply_flush_all(struct server *s, bool may_free)
{
	struct outbox *o = &s->out;
	struct conn *kept = NULL;

	while (o->dirty) {
		struct conn *c = o->dirty;

		o->dirty = c->dirty_next;
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
		send_out(s, c);
	}
	doorbells_ring(&o->bells);
	o->dirty = kept;
}

void reply_writable(struct server *s, struct conn *c)
{
	send_out(s, c);
}

bool reply_pending(const struct server *s)
{
	for (struct conn *c = s->conns.head; c; c = c->next)
		if (c->wlen > c->woff)
			return true;
	return false;
}
