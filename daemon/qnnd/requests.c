// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * requests.c - what each frame asks for: INFO and STATS (answered at once),
 * CLASSIFY (checked against the model, a request made and handed to the
 * queue), SHM (a ring, shm.c) and RELOAD (reload.c). Anything else is a
 * protocol error that ends the connection.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "qnnd.h"

void requests_model_swapped(struct server *s, uint64_t gen)
{
	for (struct conn *c = s->conns.head; c; c = c->next)
		if (c->model_gen)
			c->model_gen = gen;
}

static void send_info(struct server *s, struct conn *c, uint32_t id)
{
	uint8_t *p = reply_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_INFO_SIZE);

	if (!p)
		return;
	qnn_proto_put_hdr(p, QNN_MSG_INFO_REPLY, id, QNN_WIRE_INFO_SIZE);
	qnn_proto_put_info(p + QNN_PROTO_HDR_SIZE, &s->svcs.cur->info);
	c->model_gen = s->svcs.cur->gen;
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
	    .queue_depth = s->queue.bq.queued_samples,
	    .inflight_batches = (s->svcs.cur ? s->svcs.cur->inflight : 0) +
				(s->svcs.old ? s->svcs.old->inflight : 0),
	    .samples_per_s_x1000 = (uint64_t)(s->hk.last.samples_per_s * 1000),
	    .batch_avg_x1000 = (uint64_t)(s->hk.last.batch_avg * 1000),
	    .latency_p50_us = s->hk.last.p50_us,
	    .latency_p99_us = s->hk.last.p99_us,
	    .reloads = s->st.reloads,
	    .backend_failures = s->st.backend_failures,
	};
	uint8_t *p = reply_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_STATS_SIZE);

	if (s->svcs.cur) {
		snprintf(st.backend, sizeof(st.backend), "%s", s->svcs.cur->info.backend);
		snprintf(st.model, sizeof(st.model), "%s", s->svcs.cur->info.name);
	}
	if (!p)
		return;
	qnn_proto_put_hdr(p, QNN_MSG_STATS_REPLY, id, QNN_WIRE_STATS_SIZE);
	qnn_proto_put_stats(p + QNN_PROTO_HDR_SIZE, &st);
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
	struct service *svc = s->svcs.cur;
	struct qnn_wire_classify wc;
	const uint8_t *floats;
	char msg[128];
	int r;

	if (s->loop.draining) {
		reply_error(s, c, h->id, QNN_E_SHUTDOWN, "qnnd is stopping");
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
		reply_error(s, c, h->id, r, msg);
		return;
	}
	QNND_PROBE(request_received, c->id, h->id, wc.n_samples);
	r = queue_check(s, c, msg, sizeof(msg));
	if (r) {
		s->st.errors++;
		reply_refused(s, c, h->id, r, msg);
		return;
	}
	size_t count = (size_t)wc.n_samples * svc->info.n_in;
	struct request *rq = malloc(sizeof(*rq) + count * sizeof(float));

	if (!rq) {
		s->st.errors++;
		reply_refused(s, c, h->id, QNN_E_NOMEM, "daemon out of memory");
		return;
	}
	memset(rq, 0, sizeof(*rq)); /* the header; the inputs are written next */
	long bad = qnn_proto_get_floats(rq->in, floats, count);

	rq->conn = c;
	rq->id = h->id;
	rq->n = wc.n_samples;
	rq->want = wc.flags;
	r = queue_admit(s, c, rq, wc.timeout_ms, bad, msg, sizeof(msg));
	if (r) {
		free(rq);
		reply_refused(s, c, h->id, r, msg);
	}
}

/* The requests that are a bare frame (no payload), and what answers each. */
static void (*const bare_frames[QNN_MSG_TYPE_MAX])(struct server *s, struct conn *c,
						   uint32_t id) = {
    [QNN_MSG_INFO] = send_info,
    [QNN_MSG_STATS] = send_stats,
    [QNN_MSG_SHM] = shm_setup,
    [QNN_MSG_RELOAD] = reload_frame,
};

void requests_frame(struct server *s, struct conn *c, const struct qnn_frame_hdr *h,
		    const uint8_t *p)
{
	if (h->type == QNN_MSG_CLASSIFY) {
		classify(s, c, h, p);
		return;
	}
	/* Anything else is a bare request; replies are not requests. */
	if (h->type < QNN_MSG_TYPE_MAX && bare_frames[h->type] && !h->len) {
		bare_frames[h->type](s, c, h->id);
		return;
	}
	log_failure("protocol", "connection %llu (pid %d): unexpected frame type %u, length %u",
		    (unsigned long long)c->id, c->pid, h->type, h->len);
	reply_fatal(s, c, 0, QNN_E_PROTO, "unexpected frame");
}
