/* SPDX-License-Identifier: MIT */
/*
 * classify.c - the calls applications make: classify (synchronous, split
 * into pipelined parts), submit/reap (asynchronous), model info, stats.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client_internal.h"

struct progress {
	struct op *op;
	uint32_t answered;
};

static bool made_progress(qnn_client *c, void *arg)
{
	struct progress *pg = arg;
	struct op *op = pg->op;

	if (op->status || op->answered != pg->answered || op->answered == op->parts)
		return true;
	return op->sent < op->parts && c->inflight < c->info.max_inflight;
}

/* One attempt on one connection generation; sends parts as slots free up. */
static int run_attempt(qnn_client *c, struct op *op, uint64_t gen, int64_t deadline)
{
	uint8_t hdr[QNN_PROTO_HDR_SIZE], body[QNN_WIRE_CLASSIFY_SIZE];
	int r = 0;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (!op->status && op->sent < op->parts && c->inflight < c->info.max_inflight) {
			struct wreq *w = qnn_op_new_part(c, op, gen, op->in, hdr, body);

			if (!w) {
				op->status = QNN_E_NOMEM;
				break;
			}
			if (w->on_shm)
				continue;
			const float *src = op->in + w->first * op->n_in;
			size_t nf = (size_t)w->n * op->n_in;

			pthread_mutex_unlock(&c->mu);
			/* A failed send fails this part through the broken connection. */
			qnn_mux_send(c, gen, hdr, body, sizeof(body), src, nf, deadline);
			pthread_mutex_lock(&c->mu);
		}
		if (op->status || op->answered == op->parts)
			break;
		struct progress pg = {op, op->answered};

		pthread_mutex_unlock(&c->mu);
		r = qnn_mux_wait(c, made_progress, &pg, deadline);
		pthread_mutex_lock(&c->mu);
		if (r && !op->status)
			op->status = r;
	}
	/* Later replies to parts still out must find nothing to write into. */
	qnn_mux_drop_op(c, op);
	r = op->status;
	pthread_mutex_unlock(&c->mu);
	return r;
}

/* The checks every classification starts with; *n_in: the model's input size seen. */
static int check_input(qnn_client *c, const float *in, size_t n, uint32_t *n_in)
{
	if (!c)
		return QNN_E_INVAL;
	pthread_mutex_lock(&c->mu);
	*n_in = c->info.n_in;
	pthread_mutex_unlock(&c->mu);
	if (!in || !n)
		return QNN_E_INVAL;
	if (n > SIZE_MAX / 4 / *n_in)
		return QNN_E_TOO_BIG;
	/* Refused here and again by the daemon: the accelerator's NaN behaviour is undefined. */
	if (qnn_first_nonfinite(in, n * *n_in) >= 0)
		return QNN_E_NONFINITE;
	return 0;
}

/* Where the op writes its results (NULL: the caller wants none). */
static void op_outputs(struct op *op, const struct qnn_outputs *out)
{
	if (out) {
		op->classes = out->classes;
		op->probs = out->probs;
		op->logits = out->logits;
	}
}

QNN_EXPORT int qnn_classify(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out,
			    int timeout_ms)
{
	int64_t deadline = qnn_deadline(timeout_ms);
	struct op op = {.kind = OP_CLASSIFY, .in = in, .n = n, .timeout_ms = timeout_ms};
	uint32_t n_in, n_out = 0;
	uint64_t gen;
	int r;

	r = check_input(c, in, n, &n_in);
	if (r)
		return r;
	op_outputs(&op, out);
	for (int attempt = 0; attempt < 2; attempt++) {
		r = qnn_conn_ensure(c, deadline, &gen);
		if (r)
			return r == QNN_E_TIMEOUT ? r : QNN_E_CONNECT;
		pthread_mutex_lock(&c->mu);
		if (c->info.n_in != n_in || (n_out && c->info.n_out != n_out)) {
			pthread_mutex_unlock(&c->mu);
			return QNN_E_MODEL_CHANGED;
		}
		n_out = c->info.n_out;
		qnn_op_setup(c, &op);
		pthread_mutex_unlock(&c->mu);
		r = run_attempt(c, &op, gen, deadline);
		/* Classification has no side effects: a request lost with a dead connection is
		 * re-sent once. */
		if (r != QNN_E_DISCONNECTED || qnn_remaining_ms(deadline) == 0)
			break;
	}
	if (out)
		out->flags = r ? 0 : op.flags;
	return r;
}

QNN_EXPORT int qnn_classify_one(qnn_client *c, const float *in, float *probs, int timeout_ms)
{
	int32_t cls = -1;
	struct qnn_outputs out = {.classes = &cls, .probs = probs};
	int r = qnn_classify(c, in, 1, &out, timeout_ms);

	return r ? r : cls;
}

QNN_EXPORT int qnn_submit(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out,
			  int timeout_ms, void *user, uint64_t *ticket)
{
	return qnn_submit_timed(c, in, n, out, NULL, timeout_ms, user, ticket);
}

/* Under mu: register every part of a new asynchronous op, building each socket frame once. */
static int submit_parts(qnn_client *c, struct op *op, uint64_t gen, const float *in,
			struct wreq **w, uint8_t (*hdr)[QNN_PROTO_HDR_SIZE],
			uint8_t (*body)[QNN_WIRE_CLASSIFY_SIZE])
{
	for (uint32_t k = 0; k < op->parts; k++) {
		w[k] = qnn_op_new_part(c, op, gen, in, hdr[k], body[k]);
		if (w[k])
			continue;
		if (k == 0)
			return QNN_E_NOMEM;
		/* Parts already registered still complete the op (with this error). */
		op->status = QNN_E_NOMEM;
		op->parts = k;
		break;
	}
	return 0;
}

QNN_EXPORT int qnn_submit_timed(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out,
				struct qnn_timing *timing, int timeout_ms, void *user,
				uint64_t *ticket)
{
	int64_t deadline = qnn_deadline(timeout_ms);
	uint32_t n_in;
	uint64_t gen;
	int r;

	r = check_input(c, in, n, &n_in);
	if (r)
		return r;
	r = qnn_conn_ensure(c, deadline, &gen);
	if (r)
		return r == QNN_E_TIMEOUT ? r : QNN_E_CONNECT;
	struct op *op = calloc(1, sizeof(*op));

	if (!op)
		return QNN_E_NOMEM;
	op->kind = OP_CLASSIFY;
	op->async = true;
	op->n = n;
	op->timeout_ms = timeout_ms;
	op->user = user;
	op->timing = timing;
	if (timing)
		*timing = (struct qnn_timing){0};
	op_outputs(op, out);
	pthread_mutex_lock(&c->mu);
	if (c->info.n_in != n_in) {
		pthread_mutex_unlock(&c->mu);
		free(op);
		return QNN_E_MODEL_CHANGED;
	}
	qnn_op_setup(c, op);
	if (c->inflight + op->parts > c->info.max_inflight) {
		pthread_mutex_unlock(&c->mu);
		free(op);
		return QNN_E_LIMIT;
	}
	/* Every part is registered before any is sent: the op completes only when all are
	 * answered. Frames are kept per part, with what sending needs of the part. */
	uint32_t parts = op->parts;
	struct wreq *w[parts];
	uint8_t hdr[parts][QNN_PROTO_HDR_SIZE], body[parts][QNN_WIRE_CLASSIFY_SIZE];
	size_t first[parts];
	uint32_t cnt[parts];
	bool posted[parts];

	op->ticket = ++c->next_ticket;
	if (ticket)
		*ticket = op->ticket;
	if (submit_parts(c, op, gen, in, w, hdr, body)) {
		pthread_mutex_unlock(&c->mu);
		free(op);
		return QNN_E_NOMEM;
	}
	parts = op->parts;
	for (uint32_t k = 0; k < parts; k++) {
		first[k] = w[k]->first;
		cnt[k] = w[k]->n;
		posted[k] = w[k]->on_shm;
	}
	pthread_mutex_unlock(&c->mu);
	for (uint32_t k = 0; k < parts; k++) {
		if (posted[k])
			continue; /* already in the ring */
		/* After this point op may already be completed (and reaped): use only copies. */
		if (qnn_mux_send(c, gen, hdr[k], body[k], sizeof(body[k]), in + first[k] * n_in,
				 (size_t)cnt[k] * n_in, deadline))
			break;
	}
	return QNN_OK;
}

QNN_EXPORT int qnn_completion_fd(qnn_client *c)
{
	return c ? c->epfd : QNN_E_INVAL;
}

static bool have_done(qnn_client *c, void *arg)
{
	(void)arg;
	return c->done_head != NULL;
}

QNN_EXPORT int qnn_reap(qnn_client *c, struct qnn_completion *done, int max, int timeout_ms)
{
	int n = 0, r;

	if (!c || !done || max <= 0)
		return QNN_E_INVAL;
	pthread_mutex_lock(&c->mu);
	c->reapers++;
	pthread_mutex_unlock(&c->mu);
	r = qnn_mux_wait(c, have_done, NULL, qnn_deadline(timeout_ms));
	pthread_mutex_lock(&c->mu);
	c->reapers--;
	if (r && r != QNN_E_TIMEOUT && r != QNN_E_DISCONNECTED) {
		qnn_sync_efd(c); /* completions this call did not take stay signalled */
		pthread_mutex_unlock(&c->mu);
		return r;
	}
	while (n < max && c->done_head) {
		struct op *op = qnn_op_take_done(c);

		done[n++] = (struct qnn_completion){
		    .ticket = op->ticket,
		    .user = op->user,
		    .status = op->status,
		    .flags = op->status ? 0 : op->flags,
		};
		free(op);
	}
	qnn_sync_efd(c);
	pthread_mutex_unlock(&c->mu);
	return n;
}

QNN_EXPORT int qnn_get_model_info(qnn_client *c, struct qnn_model_info *info)
{
	if (!c || !info)
		return QNN_E_INVAL;
	pthread_mutex_lock(&c->mu);
	*info = c->info;
	pthread_mutex_unlock(&c->mu);
	return QNN_OK;
}

static bool op_answered(qnn_client *c, void *arg)
{
	struct op *op = arg;

	(void)c;
	return op->answered == op->sent;
}

QNN_EXPORT int qnn_get_stats(qnn_client *c, struct qnn_daemon_stats *st, int timeout_ms)
{
	int64_t deadline = qnn_deadline(timeout_ms);
	uint8_t hdr[QNN_PROTO_HDR_SIZE];
	struct op op = {.kind = OP_STATS, .stats = st, .parts = 1};
	uint64_t gen;
	int r;

	if (!c || !st)
		return QNN_E_INVAL;
	for (int attempt = 0; attempt < 2; attempt++) {
		r = qnn_conn_ensure(c, deadline, &gen);
		if (r)
			return r == QNN_E_TIMEOUT ? r : QNN_E_CONNECT;
		struct wreq *w = calloc(1, sizeof(*w));

		if (!w)
			return QNN_E_NOMEM;
		pthread_mutex_lock(&c->mu);
		op.status = 0;
		op.sent = 1;
		op.answered = 0;
		w->id = qnn_mux_new_id(c);
		w->gen = gen;
		w->op = &op;
		qnn_mux_add(c, w);
		qnn_proto_put_hdr(hdr, QNN_MSG_STATS, w->id, 0);
		pthread_mutex_unlock(&c->mu);
		qnn_mux_send(c, gen, hdr, NULL, 0, NULL, 0, deadline);
		r = qnn_mux_wait(c, op_answered, &op, deadline);
		pthread_mutex_lock(&c->mu);
		qnn_mux_drop_op(c, &op);
		if (!r)
			r = op.status;
		pthread_mutex_unlock(&c->mu);
		if (r != QNN_E_DISCONNECTED)
			break;
	}
	return r;
}
