// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * shm_receive.c - a ring's submissions in: each slot index the client
 * published is checked (in range, not ours already), its header read once
 * (the client may rewrite it at any time), kept in order with the frames it
 * sent on the socket (sock_seq), and the request queued; its inputs stay in
 * the slot until batch.c copies them into the batch, where they are checked.
 * A ring that breaks the rules closes only its own connection.
 */
#include <stdlib.h>

#include "log.h"
#include "qnnd.h"
#include "shm_ring.h"

static void read_req(struct conn_shm *m, uint32_t idx, struct qnn_shm_req *h)
{
	const uint32_t *p = (const uint32_t *)slot_ptr(m, idx);

	h->id = rd32(p);
	h->n_samples = rd32(p + 1);
	h->timeout_ms = rd32(p + 2);
	h->flags = rd32(p + 3);
	h->sock_seq = rd32(p + 4);
}

static void violation(struct server *s, struct conn *c, const char *what)
{
	log_failure("protocol", "connection %llu (pid %d): shared-memory ring: %s",
		    (unsigned long long)c->id, c->pid, what);
	reply_fatal(s, c, 0, QNN_E_PROTO, "shared-memory ring corrupted");
}

/* One submission: copied out, checked, queued (or answered with an error at once). */
static void take(struct server *s, struct conn *c, uint32_t idx, const struct qnn_shm_req *h)
{
	struct conn_shm *m = c->shm;
	struct service *svc = s->svcs.cur;
	char msg[128];
	int st = queue_check(s, c, msg, sizeof(msg));

	if (!st && (m->n_in != svc->info.n_in || m->n_out != svc->info.n_out))
		st = QNN_E_MODEL_CHANGED;
	else if (!st && (!h->n_samples || (h->flags & ~QNN_CF_KNOWN)))
		st = QNN_E_PROTO;
	else if (!st && h->n_samples > m->lay.slot_samples)
		st = QNN_E_TOO_BIG;
	if (!st && h->n_samples > svc->info.max_samples) {
		/* A reload lowered the limits below what the ring was made for: like an
		 * oversized frame, hang up; the client reconnects and learns the new ones. */
		reply_fatal(s, c, 0, QNN_E_TOO_BIG, "request larger than the daemon's limits");
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
	 * and are copied once, into the batch, where they are checked (batch.c). */
	QNND_PROBE(request_received, c->id, h->id, h->n_samples);
	struct request *rq = calloc(1, sizeof(*rq));

	if (!rq) {
		s->st.errors++;
		shm_refused(s, c, idx, h->id, QNN_E_NOMEM);
		return;
	}
	rq->conn = c;
	rq->id = h->id;
	rq->n = h->n_samples;
	rq->want = h->flags;
	rq->on_shm = true;
	rq->slot = idx;
	/* The mapping lives until the connection is freed, after its last request. */
	rq->ring_in = (const float *)(slot_ptr(m, idx) + sizeof(struct qnn_shm_req));
	st = queue_admit(s, c, rq, h->timeout_ms, -1, msg, sizeof(msg));
	if (st) {
		free(rq);
		shm_refused(s, c, idx, h->id, st);
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

void shm_pull_all(struct server *s)
{
	for (struct conn *c = s->conns.head; c; c = c->next)
		if (c->shm)
			shm_pull(s, c);
}
