// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * requests.c - what each frame asks for: INFO, STATS, CLASSIFY (checked
 * against the model and the limits, NaN/Inf refused, then queued in the
 * batcher, or refused at once with BUSY), and the replies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "qnnd.h"

void req_free(struct server *s, struct request *r)
{
	struct conn *c = r->conn;

	free(r);
	conn_put(s, c);
}

void req_fail(struct server *s, struct request *r, int status, const char *msg)
{
	if (status == QNN_E_TIMEOUT)
		s->st.timeouts++;
	else
		s->st.errors++;
	QNND_PROBE(request_answered, r->conn->id, r->id, status);
	if (r->on_shm)
		shm_fail(s, r->conn, r->slot, r->id, status);
	else
		conn_send_error(s, r->conn, r->id, status, msg);
	req_free(s, r);
}

void req_reply(struct server *s, struct request *r, const struct qnnd_batch *b, uint32_t first,
	       uint64_t now)
{
	struct conn *c = r->conn;
	uint32_t no = b->be->n_out, flags = 0;

	if (r->want & QNN_CF_WANT_PROBS)
		flags |= QNN_RF_PROBS;
	if ((r->want & QNN_CF_WANT_LOGITS) && b->logits)
		flags |= QNN_RF_LOGITS;
	stats_request_done(&s->st, r->n, now - r->recv_us);
	QNND_PROBE(request_answered, c->id, r->id, 0);
	if (r->on_shm) {
		shm_reply(s, r, b, first, now);
		return;
	}
	uint32_t len = qnn_proto_reply_len(r->n, no, flags);
	uint8_t *p = conn_reserve(s, c, QNN_PROTO_HDR_SIZE + len);

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

static void send_info(struct server *s, struct conn *c, uint32_t id)
{
	uint8_t *p = conn_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_INFO_SIZE);

	if (!p)
		return;
	qnn_proto_put_hdr(p, QNN_MSG_INFO_REPLY, id, QNN_WIRE_INFO_SIZE);
	qnn_proto_put_info(p + QNN_PROTO_HDR_SIZE, &s->svc->info);
	c->model_gen = s->svc->gen;
}

static void send_stats(struct server *s, struct conn *c, uint32_t id)
{
	struct qnn_daemon_stats st = {
	    .uptime_ms = (now_us() - s->st.start_us) / 1000,
	    .clients = s->st.clients,
	    .connections_total = s->st.connections_total,
	    .requests = s->st.requests,
	    .samples = s->st.samples,
	    .batches = s->st.batches,
	    .busy_rejects = s->st.busy,
	    .timeouts = s->st.timeouts,
	    .errors = s->st.errors,
	    .nonfinite_rejects = s->st.nonfinite,
	    .queue_depth = s->bq.queued_samples,
	    .inflight_batches = (s->svc ? s->svc->inflight : 0) + (s->old ? s->old->inflight : 0),
	    .samples_per_s_x1000 = (uint64_t)(s->last.samples_per_s * 1000),
	    .batch_avg_x1000 = (uint64_t)(s->last.batch_avg * 1000),
	    .latency_p50_us = s->last.p50_us,
	    .latency_p99_us = s->last.p99_us,
	    .reloads = s->st.reloads,
	    .backend_failures = s->st.backend_failures,
	};
	uint8_t *p = conn_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_STATS_SIZE);

	if (s->svc) {
		snprintf(st.backend, sizeof(st.backend), "%s", s->svc->info.backend);
		snprintf(st.model, sizeof(st.model), "%s", s->svc->info.name);
	}
	if (!p)
		return;
	qnn_proto_put_hdr(p, QNN_MSG_STATS_REPLY, id, QNN_WIRE_STATS_SIZE);
	qnn_proto_put_stats(p + QNN_PROTO_HDR_SIZE, &st);
}

int req_check(struct server *s, struct conn *c, char *msg, size_t len)
{
	if (s->draining) {
		snprintf(msg, len, "qnnd is stopping");
		return QNN_E_SHUTDOWN;
	}
	if (c->inflight >= s->cfg.max_inflight) {
		snprintf(msg, len, "more than %u requests in flight", s->cfg.max_inflight);
		return QNN_E_LIMIT;
	}
	return quota_request(s, c, msg, len);
}

int req_admit(struct server *s, struct conn *c, struct request *rq, uint32_t timeout_ms,
	      long bad_at, char *msg, size_t len)
{
	uint32_t n_in = s->svc->info.n_in;
	long bad = bad_at != -2 ? bad_at : qnn_first_nonfinite(rq->in, (size_t)rq->n * n_in);

	if (bad >= 0) {
		s->st.nonfinite++;
		snprintf(msg, len, "sample %ld, element %ld is NaN or infinite", bad / (long)n_in,
			 bad % (long)n_in);
		return QNN_E_NONFINITE;
	}
	uint64_t now = now_us();
	uint32_t timeout = timeout_ms ? timeout_ms : s->cfg.default_timeout_ms;

	rq->recv_us = now;
	rq->q.n = rq->n;
	rq->q.deadline_us = timeout ? now + (uint64_t)timeout * 1000 : 0;
	if (batcher_push(&s->bq, &c->q, &rq->q, now)) {
		s->st.busy++;
		snprintf(msg, len, "queue full (%u samples waiting)", s->bq.queued_samples);
		return QNN_E_BUSY;
	}
	c->inflight++;
	c->use->inflight++;
	QNND_PROBE(request_queued, c->id, rq->id, rq->n);
	if (rq->q.deadline_us && (!s->next_deadline_us || rq->q.deadline_us < s->next_deadline_us))
		s->next_deadline_us = rq->q.deadline_us;
	return 0;
}

static void classify_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h,
			   const uint8_t *p);

static void classify(struct server *s, struct conn *c, const struct qnn_frame_hdr *h,
		     const uint8_t *p)
{
	/* Per-connection order over both paths: ring requests made before this frame was sent
	 * go first; those made after it (sock_seq) are released once it is queued (below). */
	if (c->shm)
		shm_pull(s, c);
	c->sock_classify++;
	classify_frame(s, c, h, p);
	if (c->shm)
		shm_pull(s, c);
}

static void classify_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h,
			   const uint8_t *p)
{
	struct service *svc = s->svc;
	struct qnn_wire_classify wc;
	const uint8_t *floats;
	char msg[128];
	int r;

	if (s->draining) {
		conn_send_error(s, c, h->id, QNN_E_SHUTDOWN, "qnnd is stopping");
		return;
	}
	r = qnn_proto_get_classify(p, h->len, svc->info.n_in, svc->info.max_samples, &wc, &floats);
	if (r == QNN_E_SHAPE && c->model_gen && c->model_gen != svc->gen)
		r = QNN_E_MODEL_CHANGED; /* it sized the request for the previous model */
	if (r) {
		s->st.errors++;
		snprintf(msg, sizeof(msg),
			 "classify request refused (model: %u inputs, max %u samples)",
			 svc->info.n_in, svc->info.max_samples);
		conn_send_error(s, c, h->id, r, msg);
		return;
	}
	QNND_PROBE(request_received, c->id, h->id, wc.n_samples);
	r = req_check(s, c, msg, sizeof(msg));
	if (r) {
		s->st.errors++;
		conn_send_error(s, c, h->id, r, msg);
		return;
	}
	size_t count = (size_t)wc.n_samples * svc->info.n_in;
	struct request *rq = malloc(sizeof(*rq) + count * sizeof(float));

	if (!rq) {
		s->st.errors++;
		conn_send_error(s, c, h->id, QNN_E_NOMEM, "daemon out of memory");
		return;
	}
	memset(rq, 0, sizeof(*rq)); /* the header; the inputs are written next */
	long bad = qnn_proto_get_floats(rq->in, floats, count);

	rq->conn = c;
	rq->id = h->id;
	rq->n = wc.n_samples;
	rq->want = wc.flags;
	r = req_admit(s, c, rq, wc.timeout_ms, bad, msg, sizeof(msg));
	if (r) {
		free(rq);
		conn_send_error(s, c, h->id, r, msg);
	}
}

void req_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h, const uint8_t *p)
{
	bool empty = h->len == 0;

	switch (h->type) {
	case QNN_MSG_INFO:
		if (!empty)
			break;
		send_info(s, c, h->id);
		return;
	case QNN_MSG_STATS:
		if (!empty)
			break;
		send_stats(s, c, h->id);
		return;
	case QNN_MSG_CLASSIFY:
		classify(s, c, h, p);
		return;
	case QNN_MSG_SHM:
		if (!empty)
			break;
		shm_setup(s, c, h->id);
		return;
	case QNN_MSG_RELOAD:
		if (!empty)
			break;
		reload_frame(s, c, h->id);
		return;
	default:
		break; /* replies are not requests */
	}
	log_failure("protocol", "connection %llu (pid %d): unexpected frame type %u, length %u",
		    (unsigned long long)c->id, c->pid, h->type, h->len);
	conn_send_error(s, c, 0, QNN_E_PROTO, "unexpected frame");
	c->closing = true;
}
