// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * shm_reply.c - a ring's replies out: outputs or a status written into the
 * request's slot, the slot index posted in the completion queue, and the
 * client's doorbell rung (by the outbox, with everyone else's) only when the
 * client asked for one (c_need_notify).
 */
#include <string.h>

#include "qnnd.h"
#include "shm_ring.h"

static void post(struct server *s, struct conn *c, uint32_t idx)
{
	struct conn_shm *m = c->shm;

	__atomic_store_n(&m->cq[m->cq_tail % m->lay.slots], idx, __ATOMIC_RELAXED);
	m->cq_tail++;
	__atomic_store_n(&m->ctl->cq_tail, m->cq_tail, __ATOMIC_RELEASE);
	m->owned[idx] = 0;
	if (!m->notify_pending) {
		m->notify_pending = true;
		reply_mark(s, c);
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

void shm_refused(struct server *s, struct conn *c, uint32_t idx, uint32_t id, int status)
{
	QNND_PROBE(request_answered, c->id, id, status);
	shm_fail(s, c, idx, id, status);
}

void shm_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now, uint32_t flags)
{
	struct conn *c = r->conn;
	struct conn_shm *m = c->shm;
	uint32_t no = b->be->n_out, ss;

	if (c->dead || !m)
		return;
	ss = m->lay.slot_samples;
	if (no != m->n_out || r->n > ss) {
		shm_fail(s, c, r->slot, r->id, QNN_E_MODEL_CHANGED);
		return;
	}
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

void shm_notify(struct server *s, struct conn *c)
{
	struct conn_shm *m = c->shm;

	if (!m || !m->notify_pending || m->notify_fd < 0)
		return;
	m->notify_pending = false;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&m->ctl->c_need_notify, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&m->ctl->c_need_notify, 0, __ATOMIC_ACQ_REL))
		reply_doorbell(&s->out, m->notify_fd);
}
