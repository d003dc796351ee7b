// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Conformance of qnn-oipd to the Open Inference Protocol v2 REST text
 * (KServe "V2 inference protocol", Triton's binary tensor data extension),
 * against the real daemons: qnnd (sw backend, the real MNIST CNN) on a
 * real socket, the real qnn-oipd on a loopback port, libcurl as the
 * client. Every answer is compared bit for bit with qnn_classify() on the
 * same inputs through a separate libqnn connection to the same qnnd.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <strings.h>

#include "oip_client.h"

static struct tdaemon d;
static struct tfront f;
static qnn_client *direct;
static struct qnn_model_info mi;
static char model_path[160], version[16];

static void start(const char *const *front_args)
{
	const char *qargs[] = {"--backend", "sw", NULL};

	t_prepare(&d);
	t_use_mnist_model(&d);
	t_start(&d, qargs);
	direct = t_connect(&d);
	cr_assert_eq(qnn_get_model_info(direct, &mi), QNN_OK);
	snprintf(version, sizeof(version), "%08x", mi.model_crc);
	snprintf(model_path, sizeof(model_path), "/v2/models/%s", mi.name);
	t_front_start(&f, &d, front_args);
}

static void setup(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	start(NULL);
}

static void teardown(void)
{
	/* A clean exit: drained, and (under ASan) no leak and no error report. */
	if (f.pid > 0)
		cr_expect_eq(t_front_stop(&f), 0, "qnn-oipd's exit status (log %s)", f.log);
	if (direct)
		qnn_close(direct);
	direct = NULL;
	t_cleanup(&d);
}

TestSuite(oipd, .init = setup, .fini = teardown, .timeout = 180);

/* ---- requests ---- */

struct text {
	char *s;
	size_t len, cap;
};

static void tx(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tx(struct text *t, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);

		va_end(ap);
		if (t->s && (size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		cr_assert_not_null(t->s);
	}
}

/* An FP32 request for n samples (flat data), shape [n,h,w,c] or [n,n_in]. */
static char *fp32_request(const float *in, uint32_t n, bool flat_shape, const char *extra)
{
	struct text t = {0};

	if (flat_shape)
		tx(&t, "{\"id\":\"t-%u\",\"inputs\":[{\"name\":\"input\",\"shape\":[%u,%u],", n, n,
		   mi.n_in);
	else
		tx(&t, "{\"id\":\"t-%u\",\"inputs\":[{\"name\":\"input\",\"shape\":[%u,%u,%u,%u],",
		   n, n, mi.in_h, mi.in_w, mi.in_c);
	tx(&t, "\"datatype\":\"FP32\",\"data\":[");
	for (size_t i = 0; i < (size_t)n * mi.n_in; i++)
		tx(&t, "%s%.9g", i ? "," : "", (double)in[i]);
	tx(&t, "]}]%s}", extra ? extra : "");
	return t.s;
}

/* MNIST-like pixels 0..255 from a seed. */
static void pixels(uint8_t *px, size_t count, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 12345u;

	for (size_t i = 0; i < count; i++) {
		x = x * 1664525u + 1013904223u;
		px[i] = (uint8_t)(x >> 24);
	}
}

/* ---- the reference ---- */

struct expect {
	int32_t *cls;
	float *probs, *logits;
	uint32_t n;
};

static void expect_direct(const float *in, uint32_t n, struct expect *e)
{
	struct qnn_outputs out;

	e->n = n;
	e->cls = malloc(4 * n);
	e->probs = malloc(4 * (size_t)n * mi.n_out);
	e->logits = malloc(4 * (size_t)n * mi.n_out);
	out = (struct qnn_outputs){.classes = e->cls, .probs = e->probs, .logits = e->logits};
	int r = qnn_classify(direct, in, n, &out, 30000);

	cr_assert_eq(r, QNN_OK, "qnn_classify: %s", qnn_strerror(r));
	cr_assert(out.flags & QNN_OUT_HAS_LOGITS);
}

static void expect_free(struct expect *e)
{
	free(e->cls);
	free(e->probs);
	free(e->logits);
}

static uint32_t fbits(float x)
{
	uint32_t b;

	memcpy(&b, &x, 4);
	return b;
}

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	cr_assert(json_object_object_get_ex(o, key, &v), "no \"%s\" in %s", key,
		  json_object_to_json_string(o));
	return v;
}

/* One JSON output tensor against the reference (which: 0 class, 1 output, 2 logits). */
static void check_json_output(struct json_object *o, int which, const struct expect *e)
{
	static const char *names[] = {"class", "output", "logits"};
	struct json_object *shape = get(o, "shape"), *data = get(o, "data");
	size_t count = which ? (size_t)e->n * mi.n_out : e->n;

	cr_assert_str_eq(json_object_get_string(get(o, "name")), names[which]);
	cr_assert_str_eq(json_object_get_string(get(o, "datatype")), which ? "FP32" : "INT32");
	cr_assert_eq(json_object_array_length(shape), which ? 2u : 1u);
	cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 0)), (int)e->n);
	if (which)
		cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 1)),
			     (int)mi.n_out);
	cr_assert_eq(json_object_array_length(data), count);
	for (size_t i = 0; i < count; i++) {
		struct json_object *v = json_object_array_get_idx(data, i);

		if (!which) {
			cr_assert_eq(json_object_get_int(v), e->cls[i], "class %zu", i);
			continue;
		}
		float want = which == 1 ? e->probs[i] : e->logits[i];
		float got = (float)json_object_get_double(v);

		cr_assert_eq(fbits(got), fbits(want), "%s[%zu]: %.9g, want %.9g", names[which], i,
			     (double)got, (double)want);
	}
}

/* A whole JSON inference response: model, id, and the three outputs. */
static void check_response(const struct http_reply *r, const struct expect *e, const char *id)
{
	cr_assert_eq(r->status, 200, "status %ld: %.300s", r->status, r->body);
	struct json_object *o = t_json(r, r->len), *outs;

	cr_assert_str_eq(json_object_get_string(get(o, "model_name")), mi.name);
	cr_assert_str_eq(json_object_get_string(get(o, "model_version")), version);
	if (id)
		cr_assert_str_eq(json_object_get_string(get(o, "id")), id);
	outs = get(o, "outputs");
	cr_assert_eq(json_object_array_length(outs), 3u, "class, output, logits (sw backend)");
	for (int k = 0; k < 3; k++)
		check_json_output(json_object_array_get_idx(outs, k), k, e);
	json_object_put(o);
}

static void post_infer(CURL *h, const char *path_tail, const char *body, size_t len,
		       const char *const *hdrs, struct http_reply *r)
{
	char path[256];

	snprintf(path, sizeof(path), "%s%s/infer", model_path, path_tail ? path_tail : "");
	t_http(h, f.port, "POST", path, body, len, hdrs, r);
}

/* ---- health and metadata ---- */

static void check_bool_doc(const char *path, long status, const char *key, bool value)
{
	struct http_reply r;

	t_http(NULL, f.port, "GET", path, NULL, 0, NULL, &r);
	cr_assert_eq(r.status, status, "%s: %ld", path, r.status);
	struct json_object *o = t_json(&r, r.len);

	cr_assert_eq(json_object_get_boolean(get(o, key)), value, "%s: %s", path, r.body);
	json_object_put(o);
	t_http_free(&r);
}

Test(oipd, health_endpoints)
{
	char path[256];

	check_bool_doc("/v2/health/live", 200, "live", true);
	check_bool_doc("/v2/health/ready", 200, "ready", true);
	snprintf(path, sizeof(path), "%s/ready", model_path);
	check_bool_doc(path, 200, "ready", true);
	snprintf(path, sizeof(path), "%s/versions/%s/ready", model_path, version);
	check_bool_doc(path, 200, "ready", true);
	/* HEAD works where GET does (what probes often send). */
	struct http_reply r;

	t_http(NULL, f.port, "HEAD", "/v2/health/ready", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	t_http_free(&r);
	/* qnnd gone: live stays true, ready turns false (a 4xx, as the spec says). */
	cr_assert_eq(t_stop(&d, SIGTERM, 20000), 0);
	check_bool_doc("/v2/health/live", 200, "live", true);
	check_bool_doc("/v2/health/ready", 400, "ready", false);
}

Test(oipd, server_metadata)
{
	struct http_reply r;

	t_http(NULL, f.port, "GET", "/v2", NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200);
	struct json_object *o = t_json(&r, r.len), *ext = get(o, "extensions");
	bool binary = false;

	cr_assert_str_eq(json_object_get_string(get(o, "name")), "qnn-oipd");
	cr_assert(json_object_get_string_len(get(o, "version")) > 0);
	for (size_t i = 0; i < json_object_array_length(ext); i++)
		binary |= !strcmp(json_object_get_string(json_object_array_get_idx(ext, i)),
				  "binary_tensor_data");
	cr_assert(binary, "extensions name binary_tensor_data: %s", r.body);
	json_object_put(o);
	t_http_free(&r);
}

static void check_model_meta(const char *path)
{
	struct http_reply r;

	t_http(NULL, f.port, "GET", path, NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 200, "%s: %ld %s", path, r.status, r.body);
	struct json_object *o = t_json(&r, r.len), *in, *outs, *shape;

	cr_assert_str_eq(json_object_get_string(get(o, "name")), mi.name);
	cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(get(o, "versions"), 0)),
			 version);
	cr_assert(json_object_get_string_len(get(o, "platform")) > 0);
	in = json_object_array_get_idx(get(o, "inputs"), 0);
	cr_assert_str_eq(json_object_get_string(get(in, "name")), "input");
	cr_assert_str_eq(json_object_get_string(get(in, "datatype")), "FP32");
	shape = get(in, "shape");
	cr_assert_eq(json_object_array_length(shape), 4u);
	cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 0)), -1);
	cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 1)), (int)mi.in_h);
	cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 2)), (int)mi.in_w);
	cr_assert_eq(json_object_get_int(json_object_array_get_idx(shape, 3)), (int)mi.in_c);
	outs = get(o, "outputs");
	cr_assert_eq(json_object_array_length(outs), 3u);
	cr_assert_str_eq(json_object_get_string(get(json_object_array_get_idx(outs, 1), "name")),
			 "output");
	json_object_put(o);
	t_http_free(&r);
}

Test(oipd, model_metadata_and_versions)
{
	char path[256];

	cr_assert_eq(mi.in_h, 28u);
	cr_assert_eq(mi.in_w, 28u);
	cr_assert_eq(mi.in_c, 1u);
	check_model_meta(model_path);
	snprintf(path, sizeof(path), "%s/versions/%s", model_path, version);
	check_model_meta(path);
}

Test(oipd, unknown_model_version_path_method)
{
	struct http_reply r;
	char path[256];
	const char *body = "{}";

	t_http(NULL, f.port, "GET", "/v2/models/nosuchmodel", NULL, 0, NULL, &r);
	t_assert_error(&r, 404, "metadata of an unknown model");
	t_http_free(&r);
	t_http(NULL, f.port, "GET", "/v2/models/nosuchmodel/ready", NULL, 0, NULL, &r);
	t_assert_error(&r, 404, "ready of an unknown model");
	t_http_free(&r);
	t_http(NULL, f.port, "POST", "/v2/models/nosuchmodel/infer", body, 2, NULL, &r);
	t_assert_error(&r, 404, "infer on an unknown model");
	t_http_free(&r);
	snprintf(path, sizeof(path), "%s/versions/00000000", model_path);
	t_http(NULL, f.port, "GET", path, NULL, 0, NULL, &r);
	t_assert_error(&r, 404, "unknown version");
	t_http_free(&r);
	snprintf(path, sizeof(path), "%s/versions/00000000/infer", model_path);
	t_http(NULL, f.port, "POST", path, body, 2, NULL, &r);
	t_assert_error(&r, 404, "infer on an unknown version");
	t_http_free(&r);
	t_http(NULL, f.port, "GET", "/v3/health/live", NULL, 0, NULL, &r);
	t_assert_error(&r, 404, "unknown path");
	t_http_free(&r);
	snprintf(path, sizeof(path), "%s/infer", model_path);
	t_http(NULL, f.port, "GET", path, NULL, 0, NULL, &r);
	t_assert_error(&r, 405, "GET on infer");
	char allow[64] = "";

	t_http_header(&r, "Allow", allow, sizeof(allow));
	cr_assert_str_eq(allow, "POST");
	t_http_free(&r);
	t_http(NULL, f.port, "POST", "/v2/health/live", body, 2, NULL, &r);
	t_assert_error(&r, 405, "POST on health");
	t_http_free(&r);
}

/* ---- inference ---- */

Test(oipd, infer_fp32_bit_identical)
{
	const uint32_t ns[] = {1, 7, 100};

	for (size_t k = 0; k < 3; k++) {
		uint32_t n = ns[k];
		float *in = malloc(4 * (size_t)n * mi.n_in);
		struct expect e;
		struct http_reply r;
		char id[16];

		t_inputs(in, (size_t)n * mi.n_in, 100 + n);
		expect_direct(in, n, &e);
		for (int flat = 0; flat < 2; flat++) {
			char *body = fp32_request(in, n, flat, NULL);

			post_infer(NULL, flat ? NULL : "", body, strlen(body), NULL, &r);
			snprintf(id, sizeof(id), "t-%u", n);
			check_response(&r, &e, id);
			t_http_free(&r);
			free(body);
		}
		/* The /versions/{v} form answers the same. */
		char tail[32], *body = fp32_request(in, n, false, NULL);

		snprintf(tail, sizeof(tail), "/versions/%s", version);
		post_infer(NULL, tail, body, strlen(body), NULL, &r);
		check_response(&r, &e, NULL);
		t_http_free(&r);
		free(body);
		expect_free(&e);
		free(in);
	}
}

Test(oipd, infer_nested_data)
{
	float in[784 * 2];
	struct text t = {0};
	struct expect e;
	struct http_reply r;

	t_inputs(in, 2 * mi.n_in, 7);
	expect_direct(in, 2, &e);
	/* data in its natural [2][28][28][1] form */
	tx(&t, "{\"inputs\":[{\"name\":\"input\",\"shape\":[2,28,28,1],\"datatype\":\"FP32\","
	       "\"data\":[");
	for (int s = 0; s < 2; s++) {
		tx(&t, "%s[", s ? "," : "");
		for (int y = 0; y < 28; y++) {
			tx(&t, "%s[", y ? "," : "");
			for (int x = 0; x < 28; x++)
				tx(&t, "%s[%.9g]", x ? "," : "", (double)in[s * 784 + y * 28 + x]);
			tx(&t, "]");
		}
		tx(&t, "]");
	}
	tx(&t, "]}]}");
	post_infer(NULL, NULL, t.s, t.len, NULL, &r);
	check_response(&r, &e, NULL);
	t_http_free(&r);
	free(t.s);
	expect_free(&e);
}

Test(oipd, infer_uint8_is_pixels_over_255)
{
	const uint32_t n = 5;
	uint8_t px[784 * 5];
	float in[784 * 5];
	struct text t = {0};
	struct expect e;
	struct http_reply r;

	pixels(px, n * mi.n_in, 3);
	for (size_t i = 0; i < n * mi.n_in; i++)
		in[i] = (float)(px[i] / 255.0);
	expect_direct(in, n, &e);
	tx(&t,
	   "{\"inputs\":[{\"name\":\"input\",\"shape\":[5,784],\"datatype\":\"UINT8\",\"data\":[");
	for (size_t i = 0; i < n * mi.n_in; i++)
		tx(&t, "%s%u", i ? "," : "", px[i]);
	tx(&t, "]}]}");
	post_infer(NULL, NULL, t.s, t.len, NULL, &r);
	check_response(&r, &e, NULL);
	t_http_free(&r);
	free(t.s);
	expect_free(&e);
}

/* Binary tensor data: inputs after the JSON, outputs too. */
static void binary_round_trip(bool u8)
{
	const uint32_t n = 9;
	size_t count = (size_t)n * mi.n_in, esz = u8 ? 1 : 4;
	float *in = calloc(count, 4);
	uint8_t *raw = calloc(count, esz);
	struct expect e;
	struct http_reply r;
	char json[512], hdr[96];

	if (u8) {
		pixels(raw, count, 11);
		for (size_t i = 0; i < count; i++)
			in[i] = (float)(raw[i] / 255.0);
	} else {
		t_inputs(in, count, 12);
		for (size_t i = 0; i < count; i++) {
			uint32_t b = fbits(in[i]);

			for (int k = 0; k < 4; k++)
				raw[4 * i + k] = (uint8_t)(b >> (8 * k)); /* little-endian */
		}
	}
	expect_direct(in, n, &e);
	int jl = snprintf(json, sizeof(json),
			  "{\"inputs\":[{\"name\":\"input\",\"shape\":[%u,28,28,1],\"datatype\":"
			  "\"%s\",\"parameters\":{\"binary_data_size\":%zu}}],"
			  "\"parameters\":{\"binary_data_output\":true},"
			  "\"outputs\":[{\"name\":\"class\"},{\"name\":\"output\"},"
			  "{\"name\":\"logits\",\"parameters\":{\"binary_data\":false}}]}",
			  n, u8 ? "UINT8" : "FP32", esz * count);
	char *body = malloc((size_t)jl + esz * count);

	memcpy(body, json, (size_t)jl);
	memcpy(body + jl, raw, esz * count);
	snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: %d", jl);
	const char *hdrs[] = {hdr, "Content-Type: application/octet-stream", NULL};

	post_infer(NULL, NULL, body, (size_t)jl + esz * count, hdrs, &r);
	cr_assert_eq(r.status, 200, "%ld %.300s", r.status, r.body);
	char v[32] = "";

	cr_assert_eq(t_http_header(&r, "Inference-Header-Content-Length", v, sizeof(v)), 0,
		     "the response has binary outputs: Inference-Header-Content-Length");
	size_t rjl = strtoull(v, NULL, 10);
	size_t cls_bytes = 4 * n, out_bytes = 4 * (size_t)n * mi.n_out;

	cr_assert_eq(r.len, rjl + cls_bytes + out_bytes, "JSON + class + output bytes");
	struct json_object *o = t_json(&r, rjl), *outs = get(o, "outputs");

	cr_assert_eq(json_object_array_length(outs), 3u);
	struct json_object *oc = json_object_array_get_idx(outs, 0);
	struct json_object *oo = json_object_array_get_idx(outs, 1);

	cr_assert_eq(json_object_get_int64(get(get(oc, "parameters"), "binary_data_size")),
		     (int64_t)cls_bytes);
	cr_assert_eq(json_object_get_int64(get(get(oo, "parameters"), "binary_data_size")),
		     (int64_t)out_bytes);
	cr_assert(!json_object_object_get_ex(oc, "data", NULL));
	const uint8_t *b = (const uint8_t *)r.body + rjl;

	for (uint32_t i = 0; i < n; i++) {
		uint32_t x = b[4 * i] | b[4 * i + 1] << 8 | b[4 * i + 2] << 16 |
			     (uint32_t)b[4 * i + 3] << 24;

		cr_assert_eq((int32_t)x, e.cls[i], "binary class %u", i);
	}
	b += cls_bytes;
	for (size_t i = 0; i < (size_t)n * mi.n_out; i++) {
		uint32_t x = b[4 * i] | b[4 * i + 1] << 8 | b[4 * i + 2] << 16 |
			     (uint32_t)b[4 * i + 3] << 24;

		cr_assert_eq(x, fbits(e.probs[i]), "binary output %zu", i);
	}
	/* logits asked for as JSON despite binary_data_output */
	check_json_output(json_object_array_get_idx(outs, 2), 2, &e);
	json_object_put(o);
	t_http_free(&r);
	free(body);
	free(raw);
	free(in);
	expect_free(&e);
}

Test(oipd, binary_tensor_data_fp32)
{
	binary_round_trip(false);
}

Test(oipd, binary_tensor_data_uint8)
{
	binary_round_trip(true);
}

Test(oipd, requested_outputs_only)
{
	float in[784];
	struct http_reply r;
	struct expect e;

	t_inputs(in, 784, 5);
	expect_direct(in, 1, &e);
	char *body = fp32_request(in, 1, false, ",\"outputs\":[{\"name\":\"class\"}]");

	post_infer(NULL, NULL, body, strlen(body), NULL, &r);
	cr_assert_eq(r.status, 200);
	struct json_object *o = t_json(&r, r.len), *outs = get(o, "outputs");

	cr_assert_eq(json_object_array_length(outs), 1u);
	check_json_output(json_object_array_get_idx(outs, 0), 0, &e);
	json_object_put(o);
	t_http_free(&r);
	free(body);
	body = fp32_request(in, 1, false, ",\"outputs\":[{\"name\":\"probabilities\"}]");
	post_infer(NULL, NULL, body, strlen(body), NULL, &r);
	t_assert_error(&r, 400, "unknown output name");
	t_http_free(&r);
	free(body);
	expect_free(&e);
}

/* ---- bad requests: 400 with {"error"}, nothing lost, qnnd unaffected ---- */

Test(oipd, bad_requests_400)
{
	float in[784] = {0};
	char *good;
	struct http_reply r;

	t_inputs(in, 784, 9);
	good = fp32_request(in, 1, false, NULL);
	const char *bad[] = {
	    "",
	    "{",
	    "[1,2,3]",
	    "{\"inputs\":[]}",
	    "{\"inputs\": 5}",
	    "{\"id\": 7, \"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"UINT8\","
	    "\"data\":[0]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"UINT8\"}]}",
	    "{\"inputs\":[{\"name\":\"x\",\"shape\":[1,784],\"datatype\":\"UINT8\",\"data\":[]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"INT64\",\"data\":[]}"
	    "]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,27,28,1],\"datatype\":\"FP32\",\"data\":"
	    "[]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,783],\"datatype\":\"FP32\",\"data\":[]}]"
	    "}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[0,784],\"datatype\":\"FP32\",\"data\":[]}]"
	    "}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":[1,"
	    "2]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":["
	    "\"a\"]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"UINT8\",\"data\":["
	    "256]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"UINT8\",\"data\":[1."
	    "5]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":["
	    "NaN]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\",\"data\":["
	    "1e39]}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\","
	    "\"parameters\":{\"binary_data_size\":3136}}]}",
	    "{\"inputs\":[{\"name\":\"input\",\"shape\":[2000,784],\"datatype\":\"UINT8\",\"data\":"
	    "[]}]}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		post_infer(NULL, NULL, bad[i], strlen(bad[i]), NULL, &r);
		t_assert_error(&r, 400, bad[i]);
		t_http_free(&r);
	}
	/* trailing text after the object */
	struct text t = {0};

	tx(&t, "%s}", good);
	post_infer(NULL, NULL, t.s, t.len, NULL, &r);
	t_assert_error(&r, 400, "text after the JSON object");
	t_http_free(&r);
	free(t.s);
	/* binary-extension framing errors */
	char hdr[96];
	const char *hdrs[] = {hdr, NULL};

	snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: %zu", strlen(good) + 10);
	post_infer(NULL, NULL, good, strlen(good), hdrs, &r);
	t_assert_error(&r, 400, "Inference-Header-Content-Length beyond the body");
	t_http_free(&r);
	snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: -5");
	post_infer(NULL, NULL, good, strlen(good), hdrs, &r);
	t_assert_error(&r, 400, "negative Inference-Header-Content-Length");
	t_http_free(&r);
	t = (struct text){0};
	tx(&t, "%sXYZW", good); /* 4 binary bytes nobody claims */
	snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: %zu", strlen(good));
	post_infer(NULL, NULL, t.s, t.len, hdrs, &r);
	t_assert_error(&r, 400, "binary bytes left over");
	t_http_free(&r);
	free(t.s);
	/* a NaN in binary FP32 */
	char json[256];
	int jl =
	    snprintf(json, sizeof(json),
		     "{\"inputs\":[{\"name\":\"input\",\"shape\":[1,784],\"datatype\":\"FP32\","
		     "\"parameters\":{\"binary_data_size\":3136}}]}");
	char *body = calloc(1, (size_t)jl + 3136);

	memcpy(body, json, (size_t)jl);
	uint32_t nan_bits = 0x7fc00000u;

	memcpy(body + jl + 4 * 100, &nan_bits, 4);
	snprintf(hdr, sizeof(hdr), "Inference-Header-Content-Length: %d", jl);
	post_infer(NULL, NULL, body, (size_t)jl + 3136, hdrs, &r);
	t_assert_error(&r, 400, "NaN in binary data");
	t_http_free(&r);
	free(body);
	/* still serving, and qnnd saw none of it */
	struct expect e;
	struct qnn_daemon_stats st;

	expect_direct(in, 1, &e);
	post_infer(NULL, NULL, good, strlen(good), NULL, &r);
	check_response(&r, &e, "t-1");
	t_http_free(&r);
	cr_assert_eq(qnn_get_stats(direct, &st, 5000), QNN_OK);
	cr_assert_eq(st.errors + st.nonfinite_rejects, 0u, "bad requests never reach qnnd");
	cr_assert_eq(st.requests, 2u, "the direct request and the good one");
	expect_free(&e);
	free(good);
}

/* ---- limits ---- */

static void restart_front(const char *const *args)
{
	cr_assert_eq(t_front_stop(&f), 0);
	t_front_start(&f, &d, args);
}

Test(oipd, oversized_body_413)
{
	const char *args[] = {"--max-body", "65536", NULL};
	struct http_reply r;

	restart_front(args);
	size_t big = 200000;
	char *body = malloc(big);

	memset(body, ' ', big);
	body[0] = '{';
	body[big - 1] = '}';
	post_infer(NULL, NULL, body, big, NULL, &r);
	t_assert_error(&r, 413, "Content-Length over --max-body");
	t_http_free(&r);
	/* chunked: no Content-Length, the limit is found while reading */
	const char *chunked[] = {"Transfer-Encoding: chunked", NULL};

	post_infer(NULL, NULL, body, big, chunked, &r);
	t_assert_error(&r, 413, "chunked body over --max-body");
	t_http_free(&r);
	free(body);
	/* 100 FP32 samples as JSON exceed 64 KiB too: the limit is the body, not the sample count
	 */
	check_bool_doc("/v2/health/ready", 200, "ready", true);
}

Test(oipd, oversized_headers_431_and_url_414)
{
	const char *args[] = {"--header-mem", "16384", NULL};
	struct http_reply r;
	size_t big = 60000;
	char *hdr = malloc(big + 16), *path = malloc(big + 32);

	restart_front(args);
	strcpy(hdr, "X-Big: ");
	memset(hdr + 7, 'a', big);
	hdr[7 + big] = 0;
	const char *hdrs[] = {hdr, NULL};

	t_http(NULL, f.port, "GET", "/v2/health/live", NULL, 0, hdrs, &r);
	cr_assert_eq(r.status, 431, "headers beyond --header-mem: %ld", r.status);
	t_http_free(&r);
	strcpy(path, "/v2/health/live?");
	memset(path + 16, 'a', big);
	path[16 + big] = 0;
	t_http(NULL, f.port, "GET", path, NULL, 0, NULL, &r);
	cr_assert_eq(r.status, 414, "a request line beyond --header-mem: %ld", r.status);
	t_http_free(&r);
	check_bool_doc("/v2/health/live", 200, "live", true);
	free(hdr);
	free(path);
}

static int raw_http(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Wait until the server closes fd (recv 0 or reset); ms waited, or -1. */
static long wait_closed(int fd, int timeout_ms)
{
	uint64_t t0 = t_now_ms();
	char buf[4096];

	while (t_now_ms() - t0 < (uint64_t)timeout_ms) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 100) > 0) {
			ssize_t n = recv(fd, buf, sizeof(buf), 0);

			if (n <= 0)
				return (long)(t_now_ms() - t0);
		}
	}
	return -1;
}

Test(oipd, slow_and_stalled_senders_do_not_block_others)
{
	const char *args[] = {"--idle-timeout", "2", "--request-ms", "3000", NULL};
	char path[256];
	float in[784];

	restart_front(args);
	t_inputs(in, 784, 21);
	char *good = fp32_request(in, 1, false, NULL);
	struct expect e;

	expect_direct(in, 1, &e);
	/* 20 connections that send half a request line + headers, then stall */
	int stalled[20];

	for (int i = 0; i < 20; i++) {
		stalled[i] = raw_http(f.port);
		const char *part =
		    "POST /v2/models/x/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le";

		cr_assert_eq(send(stalled[i], part, strlen(part), MSG_NOSIGNAL),
			     (ssize_t)strlen(part));
	}
	/* one that trickles its body a byte every 400 ms (never idle, always slow) */
	int trickle = raw_http(f.port);

	snprintf(path, sizeof(path),
		 "POST %s/infer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n{",
		 model_path);
	cr_assert_gt(send(trickle, path, strlen(path), MSG_NOSIGNAL), 0);
	/* meanwhile others are served at once */
	for (int i = 0; i < 10; i++) {
		struct http_reply r;
		uint64_t t0 = t_now_ms();

		post_infer(NULL, NULL, good, strlen(good), NULL, &r);
		check_response(&r, &e, "t-1");
		t_http_free(&r);
		cr_assert_lt(t_now_ms() - t0, 5000u, "a request waited behind stalled senders");
	}
	/* the stalled ones are closed by the idle timeout (2 s; generous bound) */
	for (int i = 0; i < 20; i++) {
		long ms = wait_closed(stalled[i], 15000);

		cr_assert_geq(ms, 0, "stalled header sender %d still connected", i);
		close(stalled[i]);
	}
	/* the trickler by the upload time limit (3 s), though never idle for 2 s */
	uint64_t t0 = t_now_ms();
	bool closed = false;

	while (!closed && t_now_ms() - t0 < 20000) {
		if (send(trickle, " ", 1, MSG_NOSIGNAL) != 1) {
			closed = true;
			break;
		}
		struct pollfd p = {.fd = trickle, .events = POLLIN};

		if (poll(&p, 1, 400) > 0) {
			char buf[512];

			closed = recv(trickle, buf, sizeof(buf), 0) <= 0;
		}
	}
	cr_assert(closed, "a slow body sender is cut off by --request-ms");
	close(trickle);
	/* and the service is still fine */
	struct http_reply r;

	post_infer(NULL, NULL, good, strlen(good), NULL, &r);
	check_response(&r, &e, "t-1");
	t_http_free(&r);
	free(good);
	expect_free(&e);
}

/* A request on a raw connection; true if an HTTP answer came back (the connection is served). */
static bool raw_served(int fd)
{
	const char *req = "GET /v2/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	char buf[1024];

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) != (ssize_t)strlen(req))
		return false;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	if (poll(&p, 1, 10000) <= 0)
		return false;
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return false;
	buf[n] = 0;
	return !strncmp(buf, "HTTP/1.1 200", 12);
}

Test(oipd, per_ip_connection_limit)
{
	const char *args[] = {"--per-ip", "4", NULL};
	bool served = false;
	int fds[4];

	restart_front(args);
	/* The start-up probes' connections may still be closing: until 4 are served at once. */
	for (int attempt = 0; attempt < 10 && !served; attempt++) {
		usleep(200000);
		served = true;
		for (int i = 0; i < 4; i++) {
			fds[i] = raw_http(f.port);
			served &= raw_served(fds[i]);
		}
		if (!served)
			for (int i = 0; i < 4; i++)
				close(fds[i]);
	}
	cr_assert(served, "4 connections from one address are served under --per-ip 4");
	/* the fifth from the same address is closed without an answer */
	int fifth = raw_http(f.port);

	cr_assert_geq(wait_closed(fifth, 5000), 0, "a connection over --per-ip is refused");
	close(fifth);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	usleep(300000);
	check_bool_doc("/v2/health/live", 200, "live", true);
}

/* ---- many clients at once ---- */

#define N_CLIENTS  64
#define PER_CLIENT 12

struct client_arg {
	int idx;
	atomic_int *ok;
};

static float *conc_in[N_CLIENTS][PER_CLIENT];
static struct expect conc_want[N_CLIENTS][PER_CLIENT];

static uint32_t conc_n(int c, int k)
{
	return 1 + (uint32_t)((c * 7 + k * 3) % 4);
}

static struct http_reply conc_reply[N_CLIENTS][PER_CLIENT];

/*
 * A client thread only sends and keeps the replies (no assertion outside the test's
 * thread: a failing one there would end the process before the daemons are stopped).
 */
static void *client_main(void *arg)
{
	struct client_arg *a = arg;
	CURL *h = curl_easy_init(); /* one keep-alive connection per client */
	char url[256];

	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s/infer", f.port, model_path);
	for (int k = 0; k < PER_CLIENT; k++) {
		uint32_t n = conc_n(a->idx, k);
		char *body = fp32_request(conc_in[a->idx][k], n, k & 1, NULL);
		struct http_reply *r = &conc_reply[a->idx][k];
		struct curl_slist *sl = curl_slist_append(NULL, "Expect:");

		memset(r, 0, sizeof(*r));
		curl_easy_setopt(h, CURLOPT_URL, url);
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
		curl_easy_setopt(h, CURLOPT_HTTPHEADER, sl);
		curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, t_http_body_cb);
		curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 60000L);
		if (curl_easy_perform(h) == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r->status);
		curl_slist_free_all(sl);
		free(body);
		atomic_fetch_add(a->ok, r->status == 200);
	}
	curl_easy_cleanup(h);
	return NULL;
}

/* nclients HTTP clients at once, each PER_CLIENT requests; every answer checked; qnnd's counters.
 */
static void run_clients(int nclients)
{
	pthread_t th[N_CLIENTS];
	struct client_arg args[N_CLIENTS];
	atomic_int ok = 0;
	uint64_t samples = 0;
	struct qnn_daemon_stats before, after;

	for (int c = 0; c < nclients; c++)
		for (int k = 0; k < PER_CLIENT; k++) {
			uint32_t n = conc_n(c, k);

			conc_in[c][k] = malloc(4 * (size_t)n * mi.n_in);
			t_inputs(conc_in[c][k], (size_t)n * mi.n_in, (uint32_t)(c * 1000 + k));
			expect_direct(conc_in[c][k], n, &conc_want[c][k]);
			samples += n;
		}
	cr_assert_eq(qnn_get_stats(direct, &before, 5000), QNN_OK);
	for (int c = 0; c < nclients; c++) {
		args[c] = (struct client_arg){c, &ok};
		cr_assert_eq(pthread_create(&th[c], NULL, client_main, &args[c]), 0);
	}
	for (int c = 0; c < nclients; c++)
		pthread_join(th[c], NULL);
	for (int c = 0; c < nclients; c++)
		for (int k = 0; k < PER_CLIENT; k++) {
			char id[16];

			snprintf(id, sizeof(id), "t-%u", conc_n(c, k));
			check_response(&conc_reply[c][k], &conc_want[c][k], id);
			t_http_free(&conc_reply[c][k]);
		}
	cr_assert_eq(ok, nclients * PER_CLIENT, "every request answered (200) and bit-identical");
	cr_assert_eq(qnn_get_stats(direct, &after, 5000), QNN_OK);
	cr_assert_eq(after.requests - before.requests, (uint64_t)nclients * PER_CLIENT,
		     "one qnnd request per HTTP request: nothing lost, nothing doubled");
	cr_assert_eq(after.samples - before.samples, samples);
	cr_assert_eq(after.errors + after.busy_rejects + after.timeouts, 0u, "qnnd unaffected");
	cr_assert_lt(after.batches - before.batches, after.requests - before.requests,
		     "qnnd batched the HTTP clients' requests together");
	for (int c = 0; c < nclients; c++)
		for (int k = 0; k < PER_CLIENT; k++) {
			free(conc_in[c][k]);
			expect_free(&conc_want[c][k]);
		}
	/* qnnd still serves its own clients */
	float in[784];
	struct expect e;

	t_inputs(in, 784, 1);
	expect_direct(in, 1, &e);
	expect_free(&e);
}

Test(oipd, sixty_four_clients_bit_identical)
{
	run_clients(N_CLIENTS);
}

/*
 * qnnd allows 2 requests in flight per connection: the front's one connection is full at
 * once, 64 HTTP requests wait in the front's list (not refused) and go out as slots free.
 */
Test(oipd, beyond_qnnd_max_inflight_requests_wait_in_the_front)
{
	const char *qargs[] = {"--backend", "sw", "--max-inflight", "2", NULL};

	cr_assert_eq(t_front_stop(&f), 0);
	cr_assert_eq(t_stop(&d, SIGTERM, 20000), 0);
	t_start(&d, qargs);
	t_front_start(&f, &d, NULL);
	run_clients(N_CLIENTS);
}
