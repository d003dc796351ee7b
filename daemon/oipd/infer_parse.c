// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * infer_parse.c - an Open Inference Protocol v2 inference request -> the
 * samples qnnd classifies. The network-facing parser: every field is
 * checked before it is used, nothing is trusted, and it is fuzzed
 * (tests/fuzz/fuzz_oip_request.c).
 *
 * Accepted: one input named "input", datatype FP32 or UINT8, shape
 * [N, h, w, c] (the model's) or [N, h*w*c], data as a JSON array (flat or
 * nested, row-major) or as binary data after the JSON (binary tensor data
 * extension: parameters.binary_data_size, little-endian, no padding).
 * UINT8 pixels become u / 255 (as the project's MNIST loader computes it:
 * in double, then rounded to float), FP32 values are used as sent.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

#define JSON_DEPTH_MAX 16

const char *const oip_output_names[OIP_N_OUTPUTS] = {"class", "output", "logits"};

struct parse {
	const struct oip_model *m;
	struct oip_request *req;
	char *err;
	size_t errlen;
	const unsigned char *bin; /* binary tail */
	size_t bin_len, bin_used;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return 400;
}

static struct json_object *field(struct json_object *o, const char *key, enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
		return NULL;
	return v;
}

static bool has_field(struct json_object *o, const char *key)
{
	return json_object_object_get_ex(o, key, NULL);
}

/* A JSON integer in [lo, hi] (doubles with a fraction are not integers). */
static bool get_int(struct json_object *v, int64_t lo, int64_t hi, int64_t *out)
{
	if (!json_object_is_type(v, json_type_int))
		return false;
	errno = 0;
	int64_t x = json_object_get_int64(v);

	if (errno || x < lo || x > hi)
		return false;
	*out = x;
	return true;
}

/* shape -> n samples; [N, h, w, c] or [N, n_in]. */
static int parse_shape(struct parse *p, struct json_object *shape, uint32_t *n)
{
	const struct oip_model *m = p->m;
	size_t dims = json_object_array_length(shape);
	int64_t d[4];

	if (dims != 2 && dims != 4)
		return fail(p, "shape must be [N, %u, %u, %u] or [N, %u], not %zu dimensions",
			    m->in_h, m->in_w, m->in_c, m->n_in, dims);
	for (size_t i = 0; i < dims; i++)
		if (!get_int(json_object_array_get_idx(shape, i), 0, INT32_MAX, &d[i]))
			return fail(p, "shape[%zu] is not a whole number >= 0", i);
	bool ok =
	    dims == 2 ? d[1] == m->n_in : d[1] == m->in_h && d[2] == m->in_w && d[3] == m->in_c;

	if (!ok)
		return fail(p, "shape must be [N, %u, %u, %u] or [N, %u] for model %s", m->in_h,
			    m->in_w, m->in_c, m->n_in, m->name);
	if (d[0] < 1 || d[0] > m->max_samples)
		return fail(p, "N (shape[0]) must be 1 to %u, not %lld", m->max_samples,
			    (long long)d[0]);
	*n = (uint32_t)d[0];
	return 0;
}

static float u8_to_input(unsigned u)
{
	return (float)(u / 255.0);
}

/* Flatten JSON data (nested or flat arrays) into p->req->in, checking each element. */
static int put_json_elems(struct parse *p, struct json_object *a, bool u8, size_t *k, size_t want)
{
	size_t len = json_object_array_length(a);

	for (size_t i = 0; i < len; i++) {
		struct json_object *v = json_object_array_get_idx(a, i);

		if (json_object_is_type(v, json_type_array)) {
			int r = put_json_elems(p, v, u8, k, want);

			if (r)
				return r;
			continue;
		}
		if (*k >= want)
			return fail(p, "data has more than the shape's %zu elements", want);
		if (u8) {
			int64_t x;

			if (!get_int(v, 0, 255, &x))
				return fail(
				    p, "UINT8 data element %zu is not a whole number 0..255", *k);
			p->req->in[(*k)++] = u8_to_input((unsigned)x);
			continue;
		}
		if (!json_object_is_type(v, json_type_double) &&
		    !json_object_is_type(v, json_type_int))
			return fail(p, "FP32 data element %zu is not a number", *k);
		double x = json_object_get_double(v);
		float f = (float)x;

		if (!isfinite(f))
			return fail(p, "FP32 data element %zu is not a finite float", *k);
		p->req->in[(*k)++] = f;
	}
	return 0;
}

static int put_binary(struct parse *p, struct json_object *size, bool u8, size_t want)
{
	int64_t bytes;
	size_t need = want * (u8 ? 1 : 4);

	if (!get_int(size, 0, INT64_MAX, &bytes))
		return fail(p, "binary_data_size is not a whole number >= 0");
	if ((uint64_t)bytes != need)
		return fail(p, "binary_data_size is %lld, the shape and datatype need %zu bytes",
			    (long long)bytes, need);
	if (p->bin_len - p->bin_used < need)
		return fail(p, "binary data: %zu bytes after the JSON, the input needs %zu",
			    p->bin_len - p->bin_used, need);
	const unsigned char *b = p->bin + p->bin_used;

	for (size_t i = 0; i < want; i++) {
		if (u8) {
			p->req->in[i] = u8_to_input(b[i]);
			continue;
		}
		uint32_t bits = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 |
				(uint32_t)b[4 * i + 2] << 16 | (uint32_t)b[4 * i + 3] << 24;
		float f;

		memcpy(&f, &bits, 4);
		if (!isfinite(f))
			return fail(p, "FP32 binary element %zu is not a finite float", i);
		p->req->in[i] = f;
	}
	p->bin_used += need;
	return 0;
}

static int parse_input(struct parse *p, struct json_object *in)
{
	const struct oip_model *m = p->m;
	struct json_object *name = field(in, "name", json_type_string);
	struct json_object *dt = field(in, "datatype", json_type_string);
	struct json_object *shape = field(in, "shape", json_type_array);
	struct json_object *data, *params, *bsize = NULL;
	int r;

	if (!json_object_is_type(in, json_type_object))
		return fail(p, "inputs[0] is not an object");
	if (!name || !dt || !shape)
		return fail(p, "inputs[0] needs \"name\" (string), \"datatype\" (string) and "
			       "\"shape\" (array)");
	if (strcmp(json_object_get_string(name), OIPD_INPUT_NAME))
		return fail(p,
			    "unknown input '%.64s': model %s has one input, '" OIPD_INPUT_NAME "'",
			    json_object_get_string(name), m->name);
	const char *type = json_object_get_string(dt);
	bool u8 = !strcmp(type, "UINT8");

	if (!u8 && strcmp(type, "FP32"))
		return fail(p, "datatype '%.32s' not supported: FP32 or UINT8", type);
	r = parse_shape(p, shape, &p->req->n);
	if (r)
		return r;
	params = field(in, "parameters", json_type_object);
	if (params && has_field(params, "binary_data_size"))
		json_object_object_get_ex(params, "binary_data_size", &bsize);
	data = field(in, "data", json_type_array);
	if (has_field(in, "data") && !data)
		return fail(p, "inputs[0].data is not an array");
	if (!!data == !!bsize)
		return fail(p, "inputs[0] needs either \"data\" or parameters.binary_data_size");
	size_t want = (size_t)p->req->n * m->n_in;

	p->req->in = malloc(want * sizeof(float));
	if (!p->req->in)
		return fail(p, "out of memory");
	if (bsize)
		return put_binary(p, bsize, u8, want);
	size_t k = 0;

	r = put_json_elems(p, data, u8, &k, want);
	if (!r && k != want)
		return fail(p, "data has %zu elements, the shape has %zu", k, want);
	return r;
}

static int output_index(const char *name)
{
	for (int i = 0; i < OIP_N_OUTPUTS; i++)
		if (!strcmp(name, oip_output_names[i]))
			return i;
	return -1;
}

static bool binary_param(struct json_object *params, const char *key, bool dflt)
{
	struct json_object *v = params ? field(params, key, json_type_boolean) : NULL;

	return v ? json_object_get_boolean(v) : dflt;
}

/* "outputs" (optional): which tensors, and which of them as binary data. */
static int parse_outputs(struct parse *p, struct json_object *root)
{
	uint32_t avail = OIP_OUT_CLASS | OIP_OUT_OUTPUT | (p->m->has_logits ? OIP_OUT_LOGITS : 0);
	struct json_object *params = field(root, "parameters", json_type_object);
	bool all_bin = binary_param(params, "binary_data_output", false);
	struct json_object *outs;

	if (has_field(root, "outputs") && !field(root, "outputs", json_type_array))
		return fail(p, "\"outputs\" is not an array");
	outs = field(root, "outputs", json_type_array);
	if (!outs || json_object_array_length(outs) == 0) {
		p->req->outputs = avail;
		p->req->binary = all_bin ? avail : 0;
		return 0;
	}
	for (size_t i = 0; i < json_object_array_length(outs); i++) {
		struct json_object *o = json_object_array_get_idx(outs, i);
		struct json_object *name = field(o, "name", json_type_string);
		int k = name ? output_index(json_object_get_string(name)) : -1;

		if (!name)
			return fail(p, "outputs[%zu] needs a \"name\"", i);
		if (k < 0 || !(avail & (1u << k)))
			return fail(p, "unknown output '%.64s' (the model has: class, output%s)",
				    json_object_get_string(name),
				    p->m->has_logits ? ", logits" : "");
		p->req->outputs |= 1u << k;
		if (binary_param(field(o, "parameters", json_type_object), "binary_data", all_bin))
			p->req->binary |= 1u << k;
	}
	return 0;
}

static int parse_root(struct parse *p, struct json_object *root)
{
	struct json_object *inputs, *id;
	int r;

	if (!json_object_is_type(root, json_type_object))
		return fail(p, "the request is not a JSON object");
	if (has_field(root, "id")) {
		id = field(root, "id", json_type_string);
		if (!id)
			return fail(p, "\"id\" is not a string");
		p->req->id = strdup(json_object_get_string(id));
		if (!p->req->id)
			return fail(p, "out of memory");
	}
	inputs = field(root, "inputs", json_type_array);
	if (!inputs)
		return fail(p, "the request needs \"inputs\" (an array)");
	if (json_object_array_length(inputs) != 1)
		return fail(p, "model %s has 1 input, the request has %zu", p->m->name,
			    json_object_array_length(inputs));
	r = parse_input(p, json_object_array_get_idx(inputs, 0));
	if (r)
		return r;
	r = parse_outputs(p, root);
	if (r)
		return r;
	if (p->bin_used != p->bin_len)
		return fail(p, "binary data: %zu bytes after the JSON, the inputs use %zu",
			    p->bin_len, p->bin_used);
	return 0;
}

int oip_parse_infer(const char *body, size_t len, size_t json_len, const struct oip_model *m,
		    struct oip_request *req, char *err, size_t errlen)
{
	struct parse p = {.m = m, .req = req, .err = err, .errlen = errlen};
	struct json_tokener *tok;
	struct json_object *root;
	int r;

	memset(req, 0, sizeof(*req));
	if (json_len > len)
		return fail(&p,
			    "Inference-Header-Content-Length (%zu) exceeds the body (%zu bytes)",
			    json_len, len);
	if (json_len == 0)
		return fail(&p, "empty request body");
	if (json_len > INT32_MAX)
		return fail(&p, "JSON too long");
	p.bin = (const unsigned char *)body + json_len;
	p.bin_len = len - json_len;
	tok = json_tokener_new_ex(JSON_DEPTH_MAX);
	if (!tok)
		return fail(&p, "out of memory");
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, body, (int)json_len);
	enum json_tokener_error jerr = json_tokener_get_error(tok);
	size_t used = json_tokener_get_parse_end(tok);

	json_tokener_free(tok);
	if (!root || jerr != json_tokener_success) {
		json_object_put(root);
		oip_request_free(req);
		return fail(&p, "malformed JSON: %s",
			    jerr == json_tokener_continue ? "unexpected end"
							  : json_tokener_error_desc(jerr));
	}
	/* Only white space may follow the JSON object within its length. */
	for (size_t i = used; i < json_len; i++)
		if (!strchr(" \t\r\n", body[i])) {
			json_object_put(root);
			oip_request_free(req);
			return fail(&p, "malformed JSON: text after the object");
		}
	r = parse_root(&p, root);
	json_object_put(root);
	if (r)
		oip_request_free(req);
	return r;
}

void oip_request_free(struct oip_request *req)
{
	free(req->id);
	free(req->in);
	memset(req, 0, sizeof(*req));
}
