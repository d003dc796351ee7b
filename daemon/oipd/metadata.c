// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * metadata.c - the JSON documents of the metadata and health endpoints:
 *   GET /v2                     {"name", "version", "extensions"}
 *   GET /v2/models/{m}[/versions/{v}]  {"name", "versions", "platform",
 *                               "inputs": [...], "outputs": [...]}
 *   GET .../ready, /v2/health/{live,ready}  {"ready": bool} / {"live": bool}
 * The model's version is the crc32 of the .qnn file qnnd serves (8 hex
 * digits): a new model is a new version.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

static int to_body(struct json_object *root, struct oip_body *out)
{
	size_t len;
	const char *js = json_object_to_json_string_length(root, JSON_C_TO_STRING_PLAIN, &len);

	memset(out, 0, sizeof(*out));
	out->data = js ? strdup(js) : NULL;
	out->len = out->json_len = len;
	json_object_put(root);
	return out->data ? 0 : -1;
}

int oip_reply_server_meta(struct oip_body *out)
{
	struct json_object *root = json_object_new_object(), *ext = json_object_new_array();

	json_object_object_add(root, "name", json_object_new_string("qnn-oipd"));
	json_object_object_add(root, "version", json_object_new_string(OIPD_VERSION));
	json_object_array_add(ext, json_object_new_string("binary_tensor_data"));
	json_object_object_add(root, "extensions", ext);
	return to_body(root, out);
}

static struct json_object *tensor_meta(const char *name, const char *type, int64_t d1,
				       const struct oip_model *m)
{
	struct json_object *t = json_object_new_object(), *s = json_object_new_array();

	json_object_object_add(t, "name", json_object_new_string(name));
	json_object_object_add(t, "datatype", json_object_new_string(type));
	json_object_array_add(s, json_object_new_int64(-1)); /* N: any batch */
	if (d1 == -2) {					     /* the input: [N, h, w, c] */
		json_object_array_add(s, json_object_new_int64(m->in_h));
		json_object_array_add(s, json_object_new_int64(m->in_w));
		json_object_array_add(s, json_object_new_int64(m->in_c));
	} else if (d1 > 0) {
		json_object_array_add(s, json_object_new_int64(d1));
	}
	json_object_object_add(t, "shape", s);
	return t;
}

int oip_reply_model_meta(const struct oip_model *m, struct oip_body *out)
{
	struct json_object *root = json_object_new_object(), *v = json_object_new_array();
	struct json_object *in = json_object_new_array(), *outs = json_object_new_array();

	json_object_object_add(root, "name", json_object_new_string(m->name));
	json_object_array_add(v, json_object_new_string(m->version));
	json_object_object_add(root, "versions", v);
	json_object_object_add(root, "platform", json_object_new_string("qnn_hls4ml"));
	/* FP32 is the model's input; UINT8 (pixels, scaled by 1/255) is accepted too. */
	json_object_array_add(in, tensor_meta(OIPD_INPUT_NAME, "FP32", -2, m));
	json_object_object_add(root, "inputs", in);
	json_object_array_add(outs, tensor_meta("class", "INT32", 0, m));
	json_object_array_add(outs, tensor_meta("output", "FP32", m->n_out, m));
	if (m->has_logits)
		json_object_array_add(outs, tensor_meta("logits", "FP32", m->n_out, m));
	json_object_object_add(root, "outputs", outs);
	return to_body(root, out);
}

int oip_reply_ready(const char *key, const char *name, bool ready, struct oip_body *out)
{
	struct json_object *root = json_object_new_object();

	if (name)
		json_object_object_add(root, "name", json_object_new_string(name));
	json_object_object_add(root, key, json_object_new_boolean(ready));
	return to_body(root, out);
}
