// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * receive.c - a client's byte stream in: frames cut out of it and handed to
 * requests.c, one at a time, in order.
 * Limits per client: a frame may not exceed what the model and max_samples
 * allow (receive_max_frame); a frame left incomplete for frame_timeout_ms
 * closes the connection; a client that does not read its replies stops
 * being read (backpressure, reply.c) instead of growing our buffers.
 * A client that half-closes (shutdown(SHUT_WR) after its last request, as
 * socat or nc -N do) is read no more but still answered (got_eof).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "log.h"
#include "qnnd.h"

#define RBUF_INITIAL 65536u

size_t receive_max_frame(const struct server *s)
{
	uint32_t n_in = s->svcs.cur ? s->svcs.cur->info.n_in : 1;
	uint32_t len = qnn_proto_classify_len(s->cfg.max_samples, n_in);

	return QNN_PROTO_HDR_SIZE + (len ? len : QNN_PROTO_MAX_LEN);
}

/* Parse the complete frames in rbuf. Returns false when the connection ends. */
static bool parse_frames(struct server *s, struct conn *c, uint64_t now)
{
	size_t off = 0, limit = receive_max_frame(s);

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
			reply_fatal(s, c, 0, r,
				    r == QNN_E_TOO_BIG ? "frame larger than this daemon's limit"
						       : "malformed frame header");
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
		requests_frame(s, c, &h, c->rbuf + off + QNN_PROTO_HDR_SIZE);
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
 * sent is answered, then the connection closes (reply.c). Until then nothing more is
 * read, from the socket or from its ring (closing), and its requests keep their
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
	reply_close_when_done(s, c); /* closed this turn when nothing is pending */
}

void receive_readable(struct server *s, struct conn *c)
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
	reply_update_events(s, c);
}

void receive_stalled(struct server *s, uint64_t now)
{
	uint64_t limit = (uint64_t)s->cfg.frame_timeout_ms * 1000;
	struct conn *c = s->conns.head, *next;

	if (!limit)
		return;
	for (; c; c = next) {
		next = c->next;
		if (c->partial_since_us && now - c->partial_since_us > limit) {
			log_failure("protocol",
				    "connection %llu (pid %d): incomplete frame for %u ms",
				    (unsigned long long)c->id, c->pid, s->cfg.frame_timeout_ms);
			conn_close(s, c, "stalled mid-frame");
		}
	}
}
