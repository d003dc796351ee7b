// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keras_model_json.c - walk a Keras model.to_json() document once
 * (hlsgen_keras_json.h): model class, a Sequential or single-chain
 * Functional layer list, InputLayer and input shape, and every other
 * layer decoded by keras_layer_json.c into the description both the
 * importer and the trainer build from. One walk means a model either tool
 * accepts is read the same by the other; the JSON is freed before return.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "keras_json_internal.h"

struct json_object *hg_json_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (o && json_object_is_type(o, json_type_object))
		json_object_object_get_ex(o, key, &v);
	return v;
}

const char *hg_json_get_str(struct json_object *o, const char *key)
{
	struct json_object *v = hg_json_get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* batch_input_shape [null, H, W, C] | [null, H, W] | [null, N] */
static int input_shape(struct hg_keras_model *m, const char *layer, struct json_object *shape,
		       char *err, size_t errlen)
{
	size_t n = shape && json_object_is_type(shape, json_type_array)
		       ? json_object_array_length(shape)
		       : 0;
	int d[3] = {1, 1, 1};

	if (n < 2 || n > 4)
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "layer '%s': batch_input_shape of rank %zu unsupported", layer,
			       n ? n - 1 : 0);
	for (size_t i = 1; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(shape, i);
		int x = v ? json_object_get_int(v) : 0;

		if (x < 1 || x > (int)QNN_MAX_DIM)
			return hg_fail(err, errlen, -EINVAL,
				       "layer '%s': batch_input_shape dimension %zu is %d (1..%u)",
				       layer, i, x, QNN_MAX_DIM);
		d[3 - (n - i)] = x;
	}
	if (n == 3) { /* (H, W) images without a channel axis */
		d[0] = d[1];
		d[1] = d[2];
		d[2] = 1;
	}
	m->in_h = (uint32_t)d[0];
	m->in_w = (uint32_t)d[1];
	m->in_c = (uint32_t)d[2];
	return 0;
}

/* The length of an array, -1 for anything else (json-c asserts on those). */
static long array_len(struct json_object *v)
{
	return v && json_object_is_type(v, json_type_array) ? (long)json_object_array_length(v)
							    : -1;
}

/* inbound_nodes [[[<name>, 0, 0, {}]]]: the one layer feeding this one */
static const char *single_inbound(struct json_object *nodes)
{
	struct json_object *node =
	    array_len(nodes) == 1 ? json_object_array_get_idx(nodes, 0) : NULL;
	struct json_object *ref = array_len(node) == 1 ? json_object_array_get_idx(node, 0) : NULL;
	struct json_object *from = array_len(ref) >= 1 ? json_object_array_get_idx(ref, 0) : NULL;

	return from && json_object_is_type(from, json_type_string) ? json_object_get_string(from)
								   : NULL;
}

/* Functional models: only a single chain (each layer fed by the previous). */
static int check_chain(struct json_object *layer, const char *name, const char *prev, char *err,
		       size_t errlen)
{
	struct json_object *nodes = hg_json_get(layer, "inbound_nodes");
	const char *from;

	if (!nodes)
		return 0;
	if (!prev)
		return array_len(nodes) == 0
			   ? 0
			   : hg_fail(err, errlen, -EOPNOTSUPP,
				     "layer '%s': input layer with inbound nodes", name);
	from = single_inbound(nodes);
	if (!from || strcmp(from, prev))
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "layer '%s': not fed by '%s' alone: only single-chain models are "
			       "supported",
			       name, prev);
	return 0;
}

/* class_name and name of layer i, the name short enough for every format */
static int layer_names(struct json_object *lj, size_t i, struct hg_keras_layer *l, char *err,
		       size_t errlen)
{
	const char *cls = hg_json_get_str(lj, "class_name");
	const char *name = hg_json_get_str(hg_json_get(lj, "config"), "name");

	if (!cls || !name)
		return hg_fail(err, errlen, -EINVAL, "layer %zu lacks class_name/name", i);
	if (strlen(name) >= sizeof(l->name))
		return hg_fail(err, errlen, -EOVERFLOW, "layer '%s': name longer than %zu", name,
			       sizeof(l->name) - 1);
	snprintf(l->class_name, sizeof(l->class_name), "%s", cls);
	snprintf(l->name, sizeof(l->name), "%s", name);
	return 0;
}

/* A leading InputLayer gives the input's name; a later one is refused. */
static int input_layer(struct hg_keras_model *m, size_t i, const struct hg_keras_layer *l,
		       char *err, size_t errlen)
{
	if (i)
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "layer '%s': a second InputLayer is unsupported", l->name);
	snprintf(m->input_layer, sizeof(m->input_layer), "%s", l->name);
	return 0;
}

static int walk_layers(struct hg_keras_model *m, struct json_object *layers, char *err,
		       size_t errlen)
{
	size_t n = json_object_array_length(layers);
	char prev[QNN_NAME_LEN] = "";
	int rc;

	m->layers = calloc(n + 1, sizeof(*m->layers));
	if (!m->layers)
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *lj = json_object_array_get_idx(layers, i);
		struct json_object *cfg = hg_json_get(lj, "config");
		struct hg_keras_layer *l = &m->layers[m->n_layers];

		memset(l, 0, sizeof(*l));
		rc = layer_names(lj, i, l, err, errlen);
		if (!rc)
			rc = check_chain(lj, l->name, i ? prev : NULL, err, errlen);
		if (!rc && i == 0)
			rc = input_shape(m, l->name, hg_json_get(cfg, "batch_input_shape"), err,
					 errlen);
		if (!rc)
			rc = strcmp(l->class_name, "InputLayer")
				 ? hg_keras_layer_decode(cfg, l, err, errlen)
				 : input_layer(m, i, l, err, errlen);
		if (rc)
			return rc;
		snprintf(prev, sizeof(prev), "%s", l->name);
		if (l->cls)
			m->n_layers++;
	}
	if (!m->n_layers)
		return hg_fail(err, errlen, -EINVAL, "model has no layers besides its input");
	return 0;
}

/* Reads root into *m and drops it (the description keeps no JSON). */
static int read_model(struct json_object *root, struct hg_keras_model *m, char *err, size_t errlen)
{
	const char *cls = hg_json_get_str(root, "class_name");
	struct json_object *cfg = hg_json_get(root, "config");
	struct json_object *layers =
	    json_object_is_type(cfg, json_type_array) ? cfg : hg_json_get(cfg, "layers");
	const char *name = hg_json_get_str(cfg, "name");
	int rc;

	memset(m, 0, sizeof(*m));
	if (!cls ||
	    (strcmp(cls, "Sequential") && strcmp(cls, "Functional") && strcmp(cls, "Model")))
		rc = hg_fail(err, errlen, -EOPNOTSUPP,
			     "model class %s unsupported (a Keras Sequential/Functional model "
			     "JSON is needed)",
			     cls ? cls : "(none)");
	else if (!layers || !json_object_is_type(layers, json_type_array))
		rc = hg_fail(err, errlen, -EINVAL, "no layer list in the Keras model JSON");
	else
		rc = walk_layers(m, layers, err, errlen);
	snprintf(m->name, sizeof(m->name), "%s", name ? name : "model");
	json_object_put(root);
	if (rc)
		hg_keras_model_free(m);
	return rc;
}

int hg_keras_model_from_text(const char *text, struct hg_keras_model *m, char *err, size_t errlen)
{
	struct json_object *root = json_tokener_parse(text);

	if (!root) {
		memset(m, 0, sizeof(*m));
		return hg_fail(err, errlen, -EINVAL, "not valid JSON");
	}
	return read_model(root, m, err, errlen);
}

int hg_keras_model_from_file(const char *path, struct hg_keras_model *m, char *err, size_t errlen)
{
	struct json_object *root = json_object_from_file(path);
	char msg[512];
	int rc;

	if (!root) {
		memset(m, 0, sizeof(*m));
		return hg_fail(err, errlen, -EINVAL, "%s: not readable JSON (%s)", path,
			       json_util_get_last_err() ? json_util_get_last_err() : "?");
	}
	rc = read_model(root, m, msg, sizeof(msg));
	return rc ? hg_fail(err, errlen, rc, "%s: %s", path, msg) : 0;
}

void hg_keras_model_free(struct hg_keras_model *m)
{
	free(m->layers);
	memset(m, 0, sizeof(*m));
}
