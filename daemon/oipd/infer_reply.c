// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * infer_reply.c - results -> an Open Inference Protocol v2 inference
 * response: {"model_name", "model_version", "id"?, "outputs": [...]}, each
 * output {"name", "datatype", "shape", "data"} or, as binary data,
 * {"name", "datatype", "shape", "parameters": {"binary_data_size": B}} with
 * the bytes after the JSON in the order of the outputs.
 *
 * FP32 values are written with 9 significant digits: enough for every float
 * to read back to the same bits (the answers are bit-exact, so must be
 * their text).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

static struct json_object *float_value(float f)
{
	char s[32];

	snprintf(s, sizeof(s), "%.9g", (double)f);
	return json_object_new_double_s((double)f, s);
}

static struct json_object *shape_of(uint32_t n, uint32_t n_out, bool per_class)
{
	struct json_object *s = json_object_new_array();

	json_object_array_add(s, json_object_new_int64(n));
	if (per_class)
		json_object_array_add(s, json_object_new_int64(n_out));
	return s;
}

/* One output tensor; a binary one appends its bytes to tail. */
static struct json_object *output_tensor(int k, const struct oip_model *m, uint32_t n,
					 const struct oip_result *res, bool binary,
					 unsigned char *tail, size_t *tail_len)
{
	struct json_object *o = json_object_new_object();
	size_t count = k == 0 ? n : (size_t)n * m->n_out;
	const float *f = k == 1 ? res->probs : res->logits;

	json_object_object_add(o, "name", json_object_new_string(oip_output_names[k]));
	json_object_object_add(o, "datatype", json_object_new_string(k == 0 ? "INT32" : "FP32"));
	json_object_object_add(o, "shape", shape_of(n, m->n_out, k != 0));
	if (binary) {
		struct json_object *p = json_object_new_object();
		unsigned char *b = tail + *tail_len;

		for (size_t i = 0; i < count; i++) {
			uint32_t bits;

			if (k == 0)
				bits = (uint32_t)res->classes[i];
			else
				memcpy(&bits, &f[i], 4);
			b[4 * i] = (unsigned char)bits;
			b[4 * i + 1] = (unsigned char)(bits >> 8);
			b[4 * i + 2] = (unsigned char)(bits >> 16);
			b[4 * i + 3] = (unsigned char)(bits >> 24);
		}
		*tail_len += 4 * count;
		json_object_object_add(p, "binary_data_size", json_object_new_int64(4 * count));
		json_object_object_add(o, "parameters", p);
		return o;
	}
	struct json_object *d = json_object_new_array_ext((int)count);

	for (size_t i = 0; i < count; i++)
		json_object_array_add(d, k == 0 ? json_object_new_int(res->classes[i])
						: float_value(f[i]));
	json_object_object_add(o, "data", d);
	return o;
}

/* JSON text + binary tail into one malloc'd body. */
static int finish(struct json_object *root, const unsigned char *tail, size_t tail_len,
		  struct oip_body *out)
{
	size_t jlen;
	const char *js = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &jlen);

	out->data = js ? malloc(jlen + tail_len + 1) : NULL;
	if (!out->data) {
		json_object_put(root);
		return -1;
	}
	memcpy(out->data, js, jlen);
	if (tail_len)
		memcpy(out->data + jlen, tail, tail_len);
	out->json_len = jlen;
	out->len = jlen + tail_len;
	out->binary = tail_len > 0;
	json_object_put(root);
	return 0;
}

int oip_reply_infer(const struct oip_model *m, const struct oip_request *req,
		    const struct oip_result *res, struct oip_body *out)
{
	struct json_object *root = json_object_new_object(), *outs = json_object_new_array();
	size_t tail_len = 0, tail_cap = 4 * (size_t)req->n * (1 + 2 * (size_t)m->n_out);
	unsigned char *tail = req->binary ? malloc(tail_cap) : NULL;
	int r;

	memset(out, 0, sizeof(*out));
	if (req->binary && !tail) {
		json_object_put(root);
		json_object_put(outs);
		return -1;
	}
	json_object_object_add(root, "model_name", json_object_new_string(m->name));
	json_object_object_add(root, "model_version", json_object_new_string(m->version));
	if (req->id)
		json_object_object_add(root, "id", json_object_new_string(req->id));
	for (int k = 0; k < OIP_N_OUTPUTS; k++) {
		if (!(req->outputs & (1u << k)) || (k == 2 && !res->has_logits))
			continue;
		json_object_array_add(
		    outs,
		    output_tensor(k, m, req->n, res, req->binary & (1u << k), tail, &tail_len));
	}
	json_object_object_add(root, "outputs", outs);
	r = finish(root, tail, tail_len, out);
	free(tail);
	return r;
}

int oip_reply_error(const char *msg, struct oip_body *out)
{
	struct json_object *root = json_object_new_object();

	memset(out, 0, sizeof(*out));
	json_object_object_add(root, "error", json_object_new_string(msg));
	return finish(root, NULL, 0, out);
}

void oip_model_from_info(struct oip_model *m, const struct qnn_model_info *info,
			 uint32_t max_samples)
{
	uint64_t lim = (uint64_t)info->max_samples * info->max_inflight;

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", info->name[0] ? info->name : "qnn");
	snprintf(m->version, sizeof(m->version), "%08x", info->model_crc);
	m->in_h = info->in_h;
	m->in_w = info->in_w;
	m->in_c = info->in_c;
	m->n_in = info->n_in;
	m->n_out = info->n_out;
	/* A request libqnn cannot have in flight at once would wait for ever. */
	m->max_samples = lim && lim < max_samples ? (uint32_t)lim : max_samples;
	m->has_logits = info->flags & QNN_INFO_HAS_LOGITS;
}
