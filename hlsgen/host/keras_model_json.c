// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * keras_model_json.c - read the structure of a Keras model.to_json()
 * document: model class, layer list, InputLayer, input shape
 * (hlsgen_keras_json.h). The importer and the trainer used to walk the
 * document each in its own way; one walk means a model either tool
 * accepts is read the same by the other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "hlsgen_keras_json.h"
#include "qnn_model.h"

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

int hg_json_get_pair(struct json_object *cfg, const char *key, int dflt, int *a, int *b)
{
	struct json_object *v = hg_json_get(cfg, key);

	if (!v || json_object_is_type(v, json_type_null)) {
		*a = *b = dflt;
		return 0;
	}
	if (json_object_is_type(v, json_type_int)) {
		*a = *b = json_object_get_int(v);
		return 1;
	}
	if (json_object_is_type(v, json_type_array) && json_object_array_length(v) == 2) {
		*a = json_object_get_int(json_object_array_get_idx(v, 0));
		*b = json_object_get_int(json_object_array_get_idx(v, 1));
		return 1;
	}
	return -1;
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
			       "layer '%s': input shape of rank %zu unsupported", layer,
			       n ? n - 1 : 0);
	for (size_t i = 1; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(shape, i);
		int x = v ? json_object_get_int(v) : 0;

		if (x < 1 || x > (int)QNN_MAX_DIM)
			return hg_fail(err, errlen, -EINVAL,
				       "layer '%s': input dimension %zu is %d", layer, i, x);
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

/* Functional models: only a single chain (each layer fed by the previous). */
static int check_chain(struct json_object *layer, const char *name, const char *prev, char *err,
		       size_t errlen)
{
	struct json_object *nodes = hg_json_get(layer, "inbound_nodes"), *node, *ref;

	if (!nodes)
		return 0;
	if (!prev)
		return json_object_array_length(nodes) == 0
			   ? 0
			   : hg_fail(err, errlen, -EOPNOTSUPP,
				     "layer '%s': input layer with inbound nodes", name);
	if (json_object_array_length(nodes) != 1 || !(node = json_object_array_get_idx(nodes, 0)) ||
	    !json_object_is_type(node, json_type_array) || json_object_array_length(node) != 1 ||
	    !(ref = json_object_array_get_idx(node, 0)) ||
	    !json_object_is_type(ref, json_type_array) ||
	    strcmp(json_object_get_string(json_object_array_get_idx(ref, 0)), prev))
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "layer '%s': not fed by '%s' alone: only single-chain models are "
			       "supported",
			       name, prev);
	return 0;
}

static int walk_layers(struct hg_keras_model *m, struct json_object *layers, char *err,
		       size_t errlen)
{
	size_t n = json_object_array_length(layers);
	const char *prev = NULL;
	int rc;

	m->layers = calloc(n + 1, sizeof(*m->layers));
	if (!m->layers)
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct json_object *lj = json_object_array_get_idx(layers, i);
		struct hg_keras_layer *l = &m->layers[m->n_layers];

		l->config = hg_json_get(lj, "config");
		l->class_name = hg_json_get_str(lj, "class_name");
		l->name = hg_json_get_str(l->config, "name");
		if (!l->class_name || !l->name)
			return hg_fail(err, errlen, -EINVAL, "layer %zu lacks class_name/name", i);
		rc = check_chain(lj, l->name, prev, err, errlen);
		if (!rc && i == 0)
			rc = input_shape(m, l->name, hg_json_get(l->config, "batch_input_shape"),
					 err, errlen);
		if (rc)
			return rc;
		prev = l->name;
		if (strcmp(l->class_name, "InputLayer"))
			m->n_layers++;
		else if (i == 0)
			m->input_layer = l->name;
		else
			return hg_fail(err, errlen, -EOPNOTSUPP,
				       "layer '%s': a second InputLayer is unsupported", l->name);
	}
	if (!m->n_layers)
		return hg_fail(err, errlen, -EINVAL, "model has no layers besides its input");
	return 0;
}

/* Takes over root (a reference) whatever happens. */
static int read_model(struct json_object *root, struct hg_keras_model *m, char *err, size_t errlen)
{
	const char *cls = hg_json_get_str(root, "class_name");
	struct json_object *cfg = hg_json_get(root, "config");
	struct json_object *layers =
	    json_object_is_type(cfg, json_type_array) ? cfg : hg_json_get(cfg, "layers");
	int rc;

	memset(m, 0, sizeof(*m));
	m->root = root;
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
	if (rc) {
		hg_keras_model_free(m);
		return rc;
	}
	m->name = hg_json_get_str(cfg, "name");
	if (!m->name)
		m->name = "model";
	return 0;
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
	char msg[256];
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
	json_object_put(m->root);
	free(m->layers);
	memset(m, 0, sizeof(*m));
}
