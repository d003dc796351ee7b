// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * http.c - the HTTP side (libmicrohttpd): routes, limits, request bodies,
 * and the hand-off of an inference to qnnd without holding a thread.
 *
 *   GET  /v2/health/live | /v2/health/ready | /v2
 *   GET  /v2/models/{m}[/versions/{v}] | .../ready
 *   POST /v2/models/{m}[/versions/{v}]/infer
 *   GET  /metrics
 *
 * An inference suspends its connection (MHD_suspend_connection), goes to
 * qnnd asynchronously, and the completion resumes it: a few event threads
 * serve any number of connections, and concurrent HTTP requests are
 * concurrent qnnd requests. Limits: body size (413, refused from
 * Content-Length before the body is read), request line + headers
 * (the connection's memory pool: libmicrohttpd answers 431/414 itself),
 * connections at once and per client address, an idle timeout that
 * closes slow or stalled senders, and a bound on the whole upload time.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oipd.h"

enum route {
	R_NONE,
	R_LIVE,
	R_READY,
	R_SERVER_META,
	R_MODEL_META,
	R_MODEL_READY,
	R_INFER,
	R_METRICS,
};

enum state { ST_RECEIVING, ST_WAITING, ST_DONE };

struct ctx {
	struct MHD_Connection *conn;
	enum route route;
	enum oip_endpoint ep;
	bool method_ok;
	char model[64], version[32]; /* from the path */
	bool has_version;
	uint64_t start_us, body_us;
	char *body;
	size_t len, cap;
	bool too_big;
	/* an inference in flight */
	struct oip_model m;
	struct oip_request req;
	struct oip_job job;
	int32_t *classes;
	float *probs, *logits;
	_Atomic enum state state;
};

static struct oip_http_cfg cfg;
static struct MHD_Daemon *mhd;

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* ---- responses ---- */

static enum MHD_Result send_body(struct ctx *x, unsigned code, struct oip_body *b,
				 const char *allow)
{
	struct MHD_Response *rsp;
	enum MHD_Result r;

	rsp = MHD_create_response_from_buffer_with_free_callback(b->len, b->data, free);
	if (!rsp) {
		free(b->data);
		return MHD_NO;
	}
	if (b->binary) {
		char n[24];

		snprintf(n, sizeof(n), "%zu", b->json_len);
		MHD_add_response_header(rsp, "Inference-Header-Content-Length", n);
		MHD_add_response_header(rsp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"application/octet-stream");
	} else {
		MHD_add_response_header(rsp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	}
	if (allow)
		MHD_add_response_header(rsp, MHD_HTTP_HEADER_ALLOW, allow);
	r = MHD_queue_response(x->conn, code, rsp);
	MHD_destroy_response(rsp);
	oip_metrics_http(x->ep, code);
	return r;
}

static enum MHD_Result send_error(struct ctx *x, unsigned code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result send_error(struct ctx *x, unsigned code, const char *fmt, ...)
{
	char msg[512];
	struct oip_body b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (oip_reply_error(msg, &b))
		return MHD_NO;
	if (x->route == R_INFER)
		oip_metrics_infer(code < 500	? OIP_INVALID
				  : code == 503 ? OIP_BUSY
				  : code == 504 ? OIP_TIMEOUT
						: OIP_FAILED,
				  x->req.n, now_us() - x->start_us, NULL);
	return send_body(x, code, &b,
			 x->method_ok	       ? NULL
			 : x->route == R_INFER ? "POST"
					       : "GET, HEAD");
}

static enum MHD_Result send_doc(struct ctx *x, unsigned code, int made, struct oip_body *b)
{
	if (made)
		return send_error(x, 500, "out of memory");
	return send_body(x, code, b, NULL);
}

/* ---- routing ---- */

/* Splits /v2/models/{m}[/versions/{v}][/ready|/infer] and the fixed paths. */
static void route(struct ctx *x, const char *url, const char *method)
{
	char path[256], *seg[8], *save = NULL;
	int n = 0;
	bool get = !strcmp(method, "GET") || !strcmp(method, "HEAD");

	x->route = R_NONE;
	x->ep = OIP_EP_OTHER;
	x->method_ok = true;
	if (strlen(url) >= sizeof(path))
		return;
	strcpy(path, url);
	for (char *s = strtok_r(path, "/", &save); s && n < 8; s = strtok_r(NULL, "/", &save))
		seg[n++] = s;
	if (n == 1 && !strcmp(seg[0], "metrics")) {
		x->route = R_METRICS;
		x->ep = OIP_EP_METRICS;
	} else if (n >= 1 && !strcmp(seg[0], "v2")) {
		if (n == 1) {
			x->route = R_SERVER_META;
			x->ep = OIP_EP_METADATA;
		} else if (n == 3 && !strcmp(seg[1], "health")) {
			x->ep = OIP_EP_HEALTH;
			x->route = !strcmp(seg[2], "live")    ? R_LIVE
				   : !strcmp(seg[2], "ready") ? R_READY
							      : R_NONE;
		} else if (n >= 3 && !strcmp(seg[1], "models")) {
			int k = 3;

			snprintf(x->model, sizeof(x->model), "%s", seg[2]);
			if (n >= 5 && !strcmp(seg[3], "versions")) {
				snprintf(x->version, sizeof(x->version), "%s", seg[4]);
				x->has_version = true;
				k = 5;
			}
			if (n == k) {
				x->route = R_MODEL_META;
				x->ep = OIP_EP_METADATA;
			} else if (n == k + 1 && !strcmp(seg[k], "ready")) {
				x->route = R_MODEL_READY;
				x->ep = OIP_EP_HEALTH;
			} else if (n == k + 1 && !strcmp(seg[k], "infer")) {
				x->route = R_INFER;
				x->ep = OIP_EP_INFER;
			}
		}
	}
	if (x->route == R_INFER)
		x->method_ok = !strcmp(method, "POST");
	else if (x->route != R_NONE)
		x->method_ok = get;
}

/* The model the path names, as qnnd serves it now: 0, or an HTTP status for send_error. */
static unsigned find_model(struct ctx *x, char *err, size_t errlen)
{
	struct qnn_model_info info;
	int r = oip_backend_info(&info);

	if (r) {
		snprintf(err, errlen, "qnnd is not reachable: %s", qnn_strerror(r));
		return 503;
	}
	oip_model_from_info(&x->m, &info, cfg.max_samples);
	if (strcmp(x->model, x->m.name)) {
		snprintf(err, errlen, "unknown model '%.64s' (this server has '%s')", x->model,
			 x->m.name);
		return 404;
	}
	if (x->has_version && strcmp(x->version, x->m.version)) {
		snprintf(err, errlen, "model %s has no version '%.32s' (it has '%s')", x->m.name,
			 x->version, x->m.version);
		return 404;
	}
	return 0;
}

/* ---- inference ---- */

static void job_done(struct oip_job *j)
{
	struct ctx *x = j->user;

	atomic_store(&x->state, ST_DONE);
	MHD_resume_connection(x->conn);
}

static unsigned status_code(int st, enum oip_outcome *o)
{
	switch (st) {
	case QNN_OK:
		*o = OIP_OK;
		return 200;
	case QNN_E_TIMEOUT:
		*o = OIP_TIMEOUT;
		return 504;
	case QNN_E_BUSY:
	case QNN_E_LIMIT:
	case QNN_E_CONNECT:
	case QNN_E_DISCONNECTED:
	case QNN_E_SHUTDOWN:
	case QNN_E_IO:
	case QNN_E_MODEL_CHANGED:
	case QNN_E_NOMODEL:
	case QNN_E_QUOTA: /* the front is one user of qnnd: its share is used up for now */
		*o = OIP_BUSY;
		return 503;
	case QNN_E_NONFINITE:
	case QNN_E_SHAPE:
	case QNN_E_TOO_BIG:
	case QNN_E_INVAL:
		*o = OIP_INVALID;
		return 400;
	default:
		*o = OIP_FAILED;
		return 500;
	}
}

static enum MHD_Result finish_infer(struct ctx *x)
{
	enum oip_outcome o;
	unsigned code = status_code(x->job.status, &o);
	uint64_t took = now_us() - x->body_us;

	if (code != 200) {
		char msg[160];
		struct oip_body b;

		snprintf(msg, sizeof(msg), "qnnd: %s", qnn_strerror(x->job.status));
		oip_metrics_infer(o, x->req.n, took, NULL);
		if (oip_reply_error(msg, &b))
			return MHD_NO;
		return send_body(x, code, &b, NULL);
	}
	struct oip_result res = {.classes = x->classes,
				 .probs = x->probs,
				 .logits = x->logits,
				 .has_logits = x->job.out.flags & QNN_OUT_HAS_LOGITS};
	struct oip_body b;

	oip_metrics_infer(OIP_OK, x->req.n, took, &x->job.timing);
	if (oip_reply_infer(&x->m, &x->req, &res, &b))
		return send_error(x, 500, "out of memory");
	return send_body(x, 200, &b, NULL);
}

static int header_json_len(struct ctx *x, size_t *json_len)
{
	const char *v = MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND,
						    "Inference-Header-Content-Length");
	char *end;

	*json_len = x->len;
	if (!v)
		return 0;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);

	if (errno || end == v || *end || v[0] == '-')
		return -1;
	*json_len = (size_t)n;
	return 0;
}

static enum MHD_Result start_infer(struct ctx *x)
{
	char err[512];
	unsigned code = find_model(x, err, sizeof(err));
	size_t json_len;

	if (code)
		return send_error(x, code, "%s", err);
	if (header_json_len(x, &json_len))
		return send_error(x, 400, "Inference-Header-Content-Length is not a byte count");
	code =
	    (unsigned)oip_parse_infer(x->body, x->len, json_len, &x->m, &x->req, err, sizeof(err));
	if (code)
		return send_error(x, code, "%s", err);
	size_t n = x->req.n, no = x->m.n_out;

	x->classes = malloc(n * sizeof(int32_t));
	x->probs = malloc(n * no * sizeof(float));
	x->logits = malloc(n * no * sizeof(float));
	if (!x->classes || !x->probs || !x->logits)
		return send_error(x, 500, "out of memory");
	x->job = (struct oip_job){
	    .in = x->req.in,
	    .n = x->req.n,
	    .out = {.classes = x->classes, .probs = x->probs, .logits = x->logits},
	    .done = job_done,
	    .user = x,
	};
	x->body_us = now_us();
	atomic_store(&x->state, ST_WAITING);
	/* Suspended before it can complete: the completion's resume must find it suspended. */
	MHD_suspend_connection(x->conn);
	int r = oip_backend_submit(&x->job);

	if (r) {
		x->job.status = r;
		job_done(&x->job);
	}
	return MHD_YES;
}

/* ---- the other endpoints ---- */

static enum MHD_Result serve_get(struct ctx *x)
{
	struct oip_body b;
	char err[512];
	unsigned code;

	switch (x->route) {
	case R_LIVE:
		return send_doc(x, 200, oip_reply_ready("live", NULL, true, &b), &b);
	case R_READY: {
		struct qnn_daemon_stats st;
		bool ready = oip_backend_stats(&st) == QNN_OK;

		/* The spec: 200 is true, a 4xx false. */
		return send_doc(x, ready ? 200 : 400, oip_reply_ready("ready", NULL, ready, &b),
				&b);
	}
	case R_SERVER_META:
		return send_doc(x, 200, oip_reply_server_meta(&b), &b);
	case R_MODEL_META:
		code = find_model(x, err, sizeof(err));
		if (code)
			return send_error(x, code, "%s", err);
		return send_doc(x, 200, oip_reply_model_meta(&x->m, &b), &b);
	case R_MODEL_READY: {
		struct qnn_daemon_stats st;

		code = find_model(x, err, sizeof(err));
		if (code == 404)
			return send_error(x, code, "%s", err);
		bool ready = !code && oip_backend_stats(&st) == QNN_OK;

		return send_doc(x, ready ? 200 : 400, oip_reply_ready("ready", x->model, ready, &b),
				&b);
	}
	case R_METRICS: {
		size_t len;
		char *text = oip_metrics_render(cfg.sysfs_root, &len);
		struct MHD_Response *rsp;
		enum MHD_Result r;

		if (!text)
			return send_error(x, 500, "out of memory");
		rsp = MHD_create_response_from_buffer_with_free_callback(len, text, free);
		if (!rsp) {
			free(text);
			return MHD_NO;
		}
		MHD_add_response_header(rsp, MHD_HTTP_HEADER_CONTENT_TYPE,
					"text/plain; version=0.0.4; charset=utf-8");
		r = MHD_queue_response(x->conn, 200, rsp);
		MHD_destroy_response(rsp);
		oip_metrics_http(x->ep, 200);
		return r;
	}
	default:
		return send_error(x, 404, "no such endpoint");
	}
}

/* ---- libmicrohttpd callbacks ---- */

static bool body_too_big(struct ctx *x)
{
	const char *cl =
	    MHD_lookup_connection_value(x->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

	return cl && strtoull(cl, NULL, 10) > cfg.max_body;
}

static int append_body(struct ctx *x, const char *data, size_t len)
{
	if (x->too_big || x->len + len > cfg.max_body) {
		x->too_big = true;
		return 0;
	}
	if (x->len + len + 1 > x->cap) {
		size_t cap = x->cap ? x->cap : 16384;

		while (cap < x->len + len + 1)
			cap *= 2;
		char *b = realloc(x->body, cap);

		if (!b)
			return -1;
		x->body = b;
		x->cap = cap;
	}
	memcpy(x->body + x->len, data, len);
	x->len += len;
	x->body[x->len] = 0;
	return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	struct ctx *x = *con_cls;

	(void)cls;
	(void)version;
	if (!x) {
		x = calloc(1, sizeof(*x));
		if (!x)
			return MHD_NO;
		x->conn = conn;
		x->start_us = now_us();
		*con_cls = x;
		route(x, url, method);
		if (x->route == R_NONE)
			return send_error(x, 404, "no such endpoint: %.128s", url);
		if (!x->method_ok)
			return send_error(x, 405, "%s is not allowed here", method);
		if (x->route == R_INFER && body_too_big(x))
			return send_error(x, 413, "request body over the limit of %zu bytes",
					  cfg.max_body);
		return MHD_YES;
	}
	if (*upload_size) {
		/* A slow sender may keep a connection only so long. */
		if (now_us() - x->start_us > (uint64_t)cfg.request_ms * 1000)
			return MHD_NO;
		if (x->route == R_INFER && append_body(x, upload, *upload_size))
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (atomic_load(&x->state) == ST_DONE)
		return finish_infer(x);
	if (atomic_load(&x->state) == ST_WAITING)
		return MHD_YES; /* resumed spuriously: the completion comes */
	if (x->route != R_INFER)
		return serve_get(x);
	if (x->too_big)
		return send_error(x, 413, "request body over the limit of %zu bytes", cfg.max_body);
	return start_infer(x);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct ctx *x = *con_cls;

	(void)cls;
	(void)conn;
	(void)toe;
	if (!x)
		return;
	oip_request_free(&x->req);
	free(x->body);
	free(x->classes);
	free(x->probs);
	free(x->logits);
	free(x);
	*con_cls = NULL;
}

int oip_http_start(const struct oip_http_cfg *c)
{
	cfg = *c;
	mhd = MHD_start_daemon(
	    MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL,
	    NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, cfg.listen_fd,
	    MHD_OPTION_THREAD_POOL_SIZE, cfg.threads, MHD_OPTION_CONNECTION_LIMIT, cfg.max_conns,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg.per_ip, MHD_OPTION_CONNECTION_TIMEOUT,
	    cfg.timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg.header_mem,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	return mhd ? 0 : -1;
}

void oip_http_quiesce(void)
{
	/* New connections are refused from now on; the listening socket stays ours. */
	if (mhd)
		MHD_quiesce_daemon(mhd);
}

void oip_http_stop(void)
{
	if (mhd)
		MHD_stop_daemon(mhd);
	mhd = NULL;
}
