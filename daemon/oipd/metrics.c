// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * metrics.c - what GET /metrics shows, in the Prometheus text exposition
 * format (version 0.0.4): # HELP and # TYPE lines, counters named *_total,
 * times in seconds (*_seconds histograms with cumulative le buckets).
 *
 *   qnn_oip_*   the front's own: HTTP requests by endpoint and code,
 *               inference requests and samples by outcome, request
 *               duration, qnnd's queue and compute time of each request
 *               (from its replies), in flight and waiting.
 *   qnnd_*      qnnd's counters (the protocol's STATS request), one metric
 *               per line of `qnnctl status` (same source, same values).
 *   qnn_device_* each /sys/class/qnn/<dev>'s counters (devices.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

/* Bucket bounds in microseconds: 50 us .. 10 s. */
static const uint64_t bounds_us[] = {50,     100,     250,     500,	1000,	 2500,
				     5000,   10000,   25000,   50000,	100000,	 250000,
				     500000, 1000000, 2500000, 5000000, 10000000};
#define N_BOUNDS (sizeof(bounds_us) / sizeof(bounds_us[0]))

struct histogram {
	atomic_uint_fast64_t bucket[N_BOUNDS + 1]; /* the last: +Inf */
	atomic_uint_fast64_t sum_us, count;
};

static const char *const outcome_names[OIP_N_OUTCOMES] = {"ok", "invalid", "busy", "timeout",
							  "failed"};
static const char *const endpoint_names[OIP_N_ENDPOINTS] = {"health", "metadata", "infer",
							    "metrics", "other"};
/* Status codes the front answers with (others are counted as "other"). */
static const unsigned codes[] = {200, 400, 404, 405, 413, 500, 503, 504};
#define N_CODES (sizeof(codes) / sizeof(codes[0]))

static struct {
	atomic_uint_fast64_t http[OIP_N_ENDPOINTS][N_CODES + 1];
	atomic_uint_fast64_t requests[OIP_N_OUTCOMES], samples[OIP_N_OUTCOMES];
	struct histogram duration, queue, compute;
} mx;

static void observe(struct histogram *h, uint64_t us)
{
	size_t i = 0;

	while (i < N_BOUNDS && us > bounds_us[i])
		i++;
	atomic_fetch_add(&h->bucket[i], 1);
	atomic_fetch_add(&h->sum_us, us);
	atomic_fetch_add(&h->count, 1);
}

void oip_metrics_http(enum oip_endpoint ep, unsigned code)
{
	size_t i = 0;

	while (i < N_CODES && codes[i] != code)
		i++;
	atomic_fetch_add(&mx.http[ep][i], 1);
}

void oip_metrics_infer(enum oip_outcome o, uint32_t samples, uint64_t duration_us,
		       const struct qnn_timing *t)
{
	atomic_fetch_add(&mx.requests[o], 1);
	atomic_fetch_add(&mx.samples[o], samples);
	observe(&mx.duration, duration_us);
	if (t) {
		observe(&mx.queue, t->queue_us);
		observe(&mx.compute, t->run_us);
	}
}

void oip_text_printf(struct oip_text *t, const char *fmt, ...)
{
	va_list ap;

	for (int pass = 0; pass < 2 && !t->oom; pass++) {
		va_start(ap, fmt);
		int n = vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);

		va_end(ap);
		if (n < 0) {
			t->oom = true;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = (t->cap + (size_t)n + 1) * 2;
		char *b = realloc(t->buf, cap);

		if (!b) {
			t->oom = true;
			return;
		}
		t->buf = b;
		t->cap = cap;
	}
}

static void head(struct oip_text *t, const char *name, const char *type, const char *help)
{
	oip_text_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void render_histogram(struct oip_text *t, const char *name, const char *help,
			     struct histogram *h)
{
	uint64_t cum = 0;

	head(t, name, "histogram", help);
	for (size_t i = 0; i < N_BOUNDS; i++) {
		cum += atomic_load(&h->bucket[i]);
		oip_text_printf(t, "%s_bucket{le=\"%g\"} %llu\n", name, bounds_us[i] / 1e6,
				(unsigned long long)cum);
	}
	cum += atomic_load(&h->bucket[N_BOUNDS]);
	oip_text_printf(t, "%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
	oip_text_printf(t, "%s_sum %.6f\n", name, atomic_load(&h->sum_us) / 1e6);
	/* _count equals the +Inf bucket by construction of what was read above. */
	oip_text_printf(t, "%s_count %llu\n", name, (unsigned long long)cum);
}

static void render_front(struct oip_text *t)
{
	uint64_t inflight, waiting;

	head(t, "qnn_oip_http_requests_total", "counter",
	     "HTTP requests answered, by endpoint and status code.");
	for (int e = 0; e < OIP_N_ENDPOINTS; e++)
		for (size_t c = 0; c <= N_CODES; c++) {
			uint64_t v = atomic_load(&mx.http[e][c]);
			char code[16];

			if (!v && c == N_CODES)
				continue;
			snprintf(code, sizeof(code), c < N_CODES ? "%u" : "other",
				 c < N_CODES ? codes[c] : 0);
			oip_text_printf(t,
					"qnn_oip_http_requests_total{endpoint=\"%s\",code=\"%s\"} "
					"%llu\n",
					endpoint_names[e], code, (unsigned long long)v);
		}
	head(t, "qnn_oip_infer_requests_total", "counter", "Inference requests, by outcome.");
	for (int o = 0; o < OIP_N_OUTCOMES; o++)
		oip_text_printf(t, "qnn_oip_infer_requests_total{outcome=\"%s\"} %llu\n",
				outcome_names[o], (unsigned long long)atomic_load(&mx.requests[o]));
	head(t, "qnn_oip_infer_samples_total", "counter",
	     "Samples in inference requests, by outcome.");
	for (int o = 0; o < OIP_N_OUTCOMES; o++)
		oip_text_printf(t, "qnn_oip_infer_samples_total{outcome=\"%s\"} %llu\n",
				outcome_names[o], (unsigned long long)atomic_load(&mx.samples[o]));
	render_histogram(t, "qnn_oip_request_duration_seconds",
			 "Inference requests: body received to response ready.", &mx.duration);
	render_histogram(t, "qnn_oip_queue_seconds",
			 "Inference requests: time in qnnd's queue (received to dispatched).",
			 &mx.queue);
	render_histogram(t, "qnn_oip_compute_seconds",
			 "Inference requests: time on the backend (dispatched to completed).",
			 &mx.compute);
	oip_backend_depth(&inflight, &waiting);
	head(t, "qnn_oip_inflight_requests", "gauge", "Requests sent to qnnd, not yet answered.");
	oip_text_printf(t, "qnn_oip_inflight_requests %llu\n", (unsigned long long)inflight);
	head(t, "qnn_oip_waiting_requests", "gauge",
	     "Requests held by the front for a free in-flight slot on its qnnd connection.");
	oip_text_printf(t, "qnn_oip_waiting_requests %llu\n", (unsigned long long)waiting);
}

/* A label value: backslash, double quote and new line escaped as the format says. */
static void label_value(char *out, size_t cap, const char *in)
{
	size_t k = 0;

	for (; *in && k + 3 < cap; in++) {
		if (*in == '\\' || *in == '"')
			out[k++] = '\\';
		if (*in == '\n') {
			out[k++] = '\\';
			out[k++] = 'n';
			continue;
		}
		out[k++] = *in;
	}
	out[k] = 0;
}

/* qnnd's counters: the names of `qnnctl status`, with units where they have one. */
static void render_qnnd(struct oip_text *t)
{
	struct qnn_daemon_stats st;
	int r = oip_backend_stats(&st);

	head(t, "qnnd_up", "gauge", "1 if qnnd answered the statistics request of this scrape.");
	oip_text_printf(t, "qnnd_up %d\n", r == QNN_OK);
	if (r != QNN_OK)
		return;
	struct {
		const char *name, *type, *help;
		double v;
	} m[] = {
	    {"qnnd_uptime_seconds", "gauge", "uptime_ms / 1000", st.uptime_ms / 1e3},
	    {"qnnd_clients", "gauge", "clients: connected now", (double)st.clients},
	    {"qnnd_connections_total", "counter", "connections_total",
	     (double)st.connections_total},
	    {"qnnd_requests_total", "counter", "requests: answered classify requests",
	     (double)st.requests},
	    {"qnnd_samples_total", "counter", "samples: in answered requests", (double)st.samples},
	    {"qnnd_batches_total", "counter", "batches run on the backend", (double)st.batches},
	    {"qnnd_busy_rejects_total", "counter", "busy_rejects: refused, queue full",
	     (double)st.busy_rejects},
	    {"qnnd_timeouts_total", "counter", "timeouts: deadline passed before dispatch",
	     (double)st.timeouts},
	    {"qnnd_errors_total", "counter", "errors: failed requests other than busy/timeout",
	     (double)st.errors},
	    {"qnnd_nonfinite_rejects_total", "counter", "nonfinite_rejects: NaN/Inf inputs",
	     (double)st.nonfinite_rejects},
	    {"qnnd_queue_depth_samples", "gauge", "queue_depth: samples waiting now",
	     (double)st.queue_depth},
	    {"qnnd_inflight_batches", "gauge", "inflight_batches: on the backend now",
	     (double)st.inflight_batches},
	    {"qnnd_samples_per_second", "gauge", "samples_per_s over the last interval",
	     st.samples_per_s_x1000 / 1e3},
	    {"qnnd_batch_size_average", "gauge", "batch_avg: samples per batch, last interval",
	     st.batch_avg_x1000 / 1e3},
	    {"qnnd_latency_p50_seconds", "gauge", "latency_p50_us / 1e6", st.latency_p50_us / 1e6},
	    {"qnnd_latency_p99_seconds", "gauge", "latency_p99_us / 1e6", st.latency_p99_us / 1e6},
	    {"qnnd_reloads_total", "counter", "reloads (SIGHUP)", (double)st.reloads},
	    {"qnnd_backend_failures_total", "counter", "backend_failures",
	     (double)st.backend_failures},
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		head(t, m[i].name, m[i].type, m[i].help);
		/* Whole counts exactly (15 digits: beyond any real count). */
		oip_text_printf(t, "%s %.15g\n", m[i].name, m[i].v);
	}
	char backend[40], model[100];

	label_value(backend, sizeof(backend), st.backend);
	label_value(model, sizeof(model), st.model);
	head(t, "qnnd_info", "gauge", "The backend and model qnnd serves (value 1).");
	oip_text_printf(t, "qnnd_info{backend=\"%s\",model=\"%s\"} 1\n", backend, model);
}

char *oip_metrics_render(const char *sysfs_root, size_t *len)
{
	struct oip_text t = {0};

	render_front(&t);
	render_qnnd(&t);
	oip_devices_render(&t, sysfs_root);
	if (t.oom) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}
