/* SPDX-License-Identifier: MIT */
/*
 * op.c - the life of one user call (struct op): set up from the model,
 * split into parts (one CLASSIFY frame or ring slot each), each part's
 * answer stored into the caller's arrays, and, once every part is
 * answered, completion: the synchronous caller wakes, an asynchronous op
 * joins the done queue that qnn_reap() empties (signalled through efd).
 *
 * All under c->mu. mux.c routes frames to their part; shm.c does the same
 * for ring completions; both store a part's answer through one function
 * (qnn_op_store_reply); classify.c drives ops for the public calls.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_internal.h"

void qnn_op_setup(qnn_client *c, struct op *op)
{
	op->n_in = c->info.n_in;
	op->n_out = c->info.n_out;
	op->max_samples = c->info.max_samples;
	op->frac_bits = c->info.logits_frac_bits;
	op->parts = (uint32_t)((op->n + op->max_samples - 1) / op->max_samples);
	op->sent = op->answered = 0;
	op->status = 0;
	op->flags = (c->info.flags & QNN_INFO_HAS_LOGITS) ? QNN_OUT_HAS_LOGITS : 0;
	op->want = QNN_CF_WANT_PROBS |
		   ((op->logits && (c->info.flags & QNN_INFO_HAS_LOGITS)) ? QNN_CF_WANT_LOGITS : 0);
}

struct wreq *qnn_op_new_part(qnn_client *c, struct op *op, uint64_t gen, const float *in,
			     uint8_t hdr[QNN_PROTO_HDR_SIZE], uint8_t body[QNN_WIRE_CLASSIFY_SIZE])
{
	struct wreq *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->id = qnn_mux_new_id(c);
	w->gen = gen;
	w->op = op;
	w->first = (size_t)op->sent * op->max_samples;
	w->n = (uint32_t)(op->n - w->first < op->max_samples ? op->n - w->first : op->max_samples);
	struct qnn_wire_classify wc = {
	    .n_samples = w->n,
	    .timeout_ms = op->timeout_ms > 0 ? (uint32_t)op->timeout_ms : 0,
	    .flags = op->want,
	};

	if (gen == c->gen && qnn_shm_can_post(c, w->n)) {
		qnn_shm_post(c, w, in + w->first * op->n_in, wc.timeout_ms, wc.flags);
	} else {
		qnn_proto_put_classify(body, &wc);
		qnn_proto_put_hdr(hdr, QNN_MSG_CLASSIFY, w->id,
				  qnn_proto_classify_len(w->n, op->n_in));
		c->sock_classify++; /* ring entries made after this wait for it (sock_seq) */
	}
	qnn_mux_add(c, w);
	op->sent++;
	return w;
}

void qnn_op_timing(struct op *op, uint32_t queue_us, uint32_t run_us)
{
	if (!op->timing)
		return;
	if (queue_us > op->timing->queue_us)
		op->timing->queue_us = queue_us;
	if (run_us > op->timing->run_us)
		op->timing->run_us = run_us;
}

/* Element i of a u32 array of the reply, in the order its path wrote it. */
static uint32_t reply_u32(const struct part_reply *r, const uint8_t *p, size_t i)
{
	uint32_t v;

	if (!r->host_order)
		return qnn_get_u32(p + 4 * i);
	memcpy(&v, p + 4 * i, 4);
	return v;
}

int qnn_op_store_reply(struct wreq *w, const struct part_reply *r)
{
	struct op *op = w->op;
	size_t no = op->n_out;
	uint32_t flags = r->hdr.flags;

	if (op->kind != OP_CLASSIFY || r->hdr.n_samples != w->n || r->hdr.n_out != no ||
	    (flags & ~(QNN_RF_PROBS | QNN_RF_LOGITS)) ||
	    ((op->want & QNN_CF_WANT_PROBS) && !(flags & QNN_RF_PROBS)))
		return QNN_E_PROTO;
	qnn_op_timing(op, r->hdr.queue_us, r->hdr.run_us);
	for (size_t i = 0; i < w->n; i++) {
		uint32_t k = reply_u32(r, r->classes, i);

		if (k >= no)
			return QNN_E_PROTO;
		if (op->classes)
			op->classes[w->first + i] = (int32_t)k;
	}
	if ((flags & QNN_RF_PROBS) && op->probs) {
		float *dst = op->probs + w->first * no;

		if (r->host_order)
			memcpy(dst, r->probs, w->n * no * sizeof(float));
		else
			qnn_proto_get_floats(dst, r->probs, w->n * no);
	}
	if ((flags & QNN_RF_LOGITS) && op->logits) {
		float *dst = op->logits + w->first * no;

		for (size_t i = 0; i < w->n * no; i++)
			dst[i] = (float)ldexp((double)(int32_t)reply_u32(r, r->logits, i),
					      -op->frac_bits);
		op->flags |= QNN_OUT_HAS_LOGITS;
	} else {
		op->flags &= ~QNN_OUT_HAS_LOGITS;
	}
	return 0;
}

int qnn_op_take_reply(struct wreq *w, const uint8_t *p, uint32_t len)
{
	struct part_reply r = {.host_order = false};

	if (qnn_proto_get_reply_hdr(p, len, &r.hdr))
		return QNN_E_PROTO;
	/* The arrays follow the header: classes, then probs and logits if flagged. */
	r.classes = p + QNN_WIRE_REPLY_SIZE;
	r.probs = r.classes + 4 * (size_t)r.hdr.n_samples;
	r.logits = r.probs +
		   ((r.hdr.flags & QNN_RF_PROBS) ? 4 * (size_t)r.hdr.n_samples * r.hdr.n_out : 0);
	return qnn_op_store_reply(w, &r);
}

int qnn_op_take_stats(struct wreq *w, const uint8_t *p, uint32_t len)
{
	if (w->op->kind != OP_STATS || qnn_proto_get_stats(p, len, w->op->stats))
		return QNN_E_PROTO;
	return 0;
}

void qnn_op_part_done(qnn_client *c, struct op *op, int status)
{
	op->answered++;
	if (status && !op->status)
		op->status = status;
	if (op->async && op->answered == op->sent) {
		op->next_done = NULL;
		if (c->done_tail)
			c->done_tail->next_done = op;
		else
			c->done_head = op;
		c->done_tail = op;
		/*
		 * A thread inside qnn_reap() takes it (the broadcast below wakes it) and
		 * signals efd itself for whatever it leaves: the common "reader reaps its own
		 * completions" case then costs no eventfd write + read per request.
		 */
		if (!c->reapers)
			qnn_sync_efd(c);
	}
	pthread_cond_broadcast(&c->cv);
}

struct op *qnn_op_take_done(qnn_client *c)
{
	struct op *op = c->done_head;

	if (op) {
		c->done_head = op->next_done;
		if (!c->done_head)
			c->done_tail = NULL;
	}
	return op;
}

void qnn_sync_efd(qnn_client *c)
{
	uint64_t v = 1;

	if (c->done_head && !c->efd_set) {
		if (write(c->efd, &v, sizeof(v)) == sizeof(v))
			c->efd_set = true;
	} else if (!c->done_head && c->efd_set) {
		if (read(c->efd, &v, sizeof(v)) < 0) {
			/* already zero */
		}
		c->efd_set = false;
	}
}
