// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hls4ml_config.c - the hls4ml YAML configuration through libyaml's
 * document API. Only HLSConfig (or a top-level Model/LayerName/LayerType,
 * as config_from_keras_model returns it) is read; the lookup order of
 * precisions mirrors hls4ml's HLSConfig.get_precision().
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "import_internal.h"

struct imp_config {
	yaml_document_t doc;
	yaml_node_t *root; /* the file's top level: IOType, Backend, ... */
	yaml_node_t *hls;  /* the mapping holding Model / LayerName / LayerType */
	char buf[128];	   /* scratch for composed strings */
};

static yaml_node_t *map_get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE && !strcmp((char *)k->data.scalar.value, key))
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/*
 * hls4ml lowercases LayerType names for its precision and ReuseFactor
 * tables (graph.py _parse_hls_config, get_precision): a later entry that
 * differs only in case overwrites an earlier one, so the last match wins.
 */
static yaml_node_t *map_get_nocase(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p;
	yaml_node_t *found = NULL;

	if (!map || map->type != YAML_MAPPING_NODE || !key)
		return NULL;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(d, p->key);

		if (k && k->type == YAML_SCALAR_NODE &&
		    !strcasecmp((char *)k->data.scalar.value, key))
			found = yaml_document_get_node(d, p->value);
	}
	return found;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int imp_config_load(const char *path, struct imp_config **out, char *err, size_t errlen)
{
	yaml_parser_t parser;
	struct imp_config *c;
	FILE *f;
	yaml_node_t *root;
	int ok;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return hg_fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	c = calloc(1, sizeof(*c));
	if (!c) {
		fclose(f);
		return hg_fail(err, errlen, -ENOMEM, "out of memory");
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, f);
	ok = yaml_parser_load(&parser, &c->doc);
	if (!ok) {
		int rc =
		    hg_fail(err, errlen, -EINVAL, "%s:%zu: YAML error: %s", path,
			    parser.problem_mark.line + 1, parser.problem ? parser.problem : "?");
		yaml_parser_delete(&parser);
		fclose(f);
		free(c);
		return rc;
	}
	yaml_parser_delete(&parser);
	fclose(f);
	root = yaml_document_get_root_node(&c->doc);
	if (!root || root->type != YAML_MAPPING_NODE) {
		imp_config_free(c);
		return hg_fail(err, errlen, -EINVAL, "%s: not a YAML mapping", path);
	}
	c->root = root;
	c->hls = map_get(&c->doc, root, "HLSConfig");
	if (!c->hls)
		c->hls = root;
	if (c->hls->type != YAML_MAPPING_NODE) {
		imp_config_free(c);
		return hg_fail(err, errlen, -EINVAL, "%s: HLSConfig is not a mapping", path);
	}
	*out = c;
	return 0;
}

void imp_config_free(struct imp_config *c)
{
	if (!c)
		return;
	yaml_document_delete(&c->doc);
	free(c);
}

/* Precision of one scope: a string applies to every var ("default"). */
static const char *scope_precision(struct imp_config *c, yaml_node_t *scope, const char *var)
{
	yaml_node_t *p = map_get(&c->doc, scope, "Precision");
	const char *s;

	if (!p)
		return NULL;
	if ((s = scalar(p)))
		return s;
	if ((s = scalar(map_get(&c->doc, p, var))))
		return s;
	return scalar(map_get(&c->doc, p, "default"));
}

const char *imp_config_precision(const struct imp_config *cc, const char *layer, const char *cls,
				 const char *var)
{
	struct imp_config *c = (struct imp_config *)cc;
	yaml_node_t *names, *types, *model;
	const char *s;

	if (!c)
		return NULL;
	names = map_get(&c->doc, c->hls, "LayerName");
	types = map_get(&c->doc, c->hls, "LayerType");
	model = map_get(&c->doc, c->hls, "Model");
	if ((s = scope_precision(c, map_get(&c->doc, names, layer), var)))
		return s;
	if (cls && (s = scope_precision(c, map_get_nocase(&c->doc, types, cls), var)))
		return s;
	/* the model level: a string is the default, a mapping may name vars */
	yaml_node_t *p = map_get(&c->doc, model, "Precision");

	if (scalar(p))
		return NULL; /* = the model default, applied by the caller */
	return scalar(map_get(&c->doc, p, var));
}

const char *imp_config_model_default(const struct imp_config *cc)
{
	struct imp_config *c = (struct imp_config *)cc;
	yaml_node_t *p;
	const char *s;

	if (!c)
		return "ap_fixed<16,6>";
	p = map_get(&c->doc, map_get(&c->doc, c->hls, "Model"), "Precision");
	if ((s = scalar(p)) || (s = scalar(map_get(&c->doc, p, "default"))))
		return s;
	return "ap_fixed<16,6>";
}

const char *imp_config_model_maximum(const struct imp_config *cc)
{
	struct imp_config *c = (struct imp_config *)cc;

	if (!c)
		return NULL;
	return scalar(map_get(
	    &c->doc, map_get(&c->doc, map_get(&c->doc, c->hls, "Model"), "Precision"), "maximum"));
}

/*
 * hls4ml's get_layer_config(): LayerType[class] updated by LayerName[name],
 * both matched exactly, so a key of the layer's own entry wins and the
 * class's applies otherwise.
 */
const char *imp_config_layer_key(const struct imp_config *cc, const char *layer, const char *cls,
				 const char *key)
{
	struct imp_config *c = (struct imp_config *)cc;
	const char *s;

	if (!c)
		return NULL;
	s = scalar(
	    map_get(&c->doc, map_get(&c->doc, map_get(&c->doc, c->hls, "LayerName"), layer), key));
	if (s || !cls)
		return s;
	return scalar(
	    map_get(&c->doc, map_get(&c->doc, map_get(&c->doc, c->hls, "LayerType"), cls), key));
}

/* get_reuse_factor(): LayerName, then LayerType (case-insensitive), then Model */
uint32_t imp_config_reuse(const struct imp_config *cc, const char *layer, const char *cls)
{
	struct imp_config *c = (struct imp_config *)cc;
	const char *s = imp_config_layer_key(cc, layer, NULL, "ReuseFactor");
	long v;

	if (!s && c && cls)
		s = scalar(map_get(
		    &c->doc, map_get_nocase(&c->doc, map_get(&c->doc, c->hls, "LayerType"), cls),
		    "ReuseFactor"));
	if (!s && c)
		s = scalar(map_get(&c->doc, map_get(&c->doc, c->hls, "Model"), "ReuseFactor"));
	v = s ? strtol(s, NULL, 10) : 1;
	return v >= 1 && v <= 1 << 20 ? (uint32_t)v : 1;
}

/* ---- settings the engine does not model: refused by name ---- */

struct imp_check {
	struct imp_config *c;
	const char *path;
	int allow;
	FILE *log;
	char *err;
	size_t errlen;
};

/* Strategy values that keep the arithmetic and the estimate this tool models */
static int strategy_ok(const char *s)
{
	/* Latency; stable/latency/argmax/legacy: old configs' softmax variant (import.c) */
	return !strcasecmp(s, "latency") || !strcasecmp(s, "stable") || !strcasecmp(s, "argmax") ||
	       !strcasecmp(s, "legacy");
}

/* an unmodelled setting: an error, or with allow a warning on log */
static int unmodelled(const struct imp_check *k, const char *msg)
{
	if (!k->allow)
		return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
			       "%s: %s (--allow-unmodelled: accept it)", k->path, msg);
	if (k->log)
		fprintf(k->log,
			"hlsgen import: warning: %s: %s; accepted (--allow-unmodelled): the .qnn "
			"computes what hls4ml computes, but deploy and report assume io_stream and "
			"Latency\n",
			k->path, msg);
	return 0;
}

static int check_strategy(const struct imp_check *k, yaml_node_t *scope, const char *where)
{
	const char *s = scalar(map_get(&k->c->doc, scope, "Strategy"));
	char msg[512];

	if (!s || strategy_ok(s))
		return 0;
	snprintf(msg, sizeof(msg),
		 "%s: Strategy '%s' unsupported: hlsgen report's resource estimate and deploy "
		 "model hls4ml's Latency strategy (Resource reuses multipliers on another "
		 "schedule, with other resource and latency figures); remove it or write "
		 "Strategy: Latency",
		 where, s);
	return unmodelled(k, msg);
}

static int is_layer(const struct imp_model *m, const char *name)
{
	if (!strcmp(m->input_name, name))
		return 1;
	for (uint32_t i = 0; i < m->n_layers; i++)
		if (!strcmp(m->layers[i].name, name))
			return 1;
	return 0;
}

static void layer_list(const struct imp_model *m, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "%s", m->input_name);

	for (uint32_t i = 0; i < m->n_layers && o < len; i++)
		if (strcmp(m->layers[i].name, m->input_name))
			o += (size_t)snprintf(buf + o, len - o, ", %s", m->layers[i].name);
}

/* the model's layer of hls4ml class cls (case-insensitive), or NULL */
static const struct imp_layer *layer_of_class(const struct imp_model *m, const char *cls)
{
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const char *hc = imp_hls4ml_class(m->layers[i].kind);

		if (hc && !strcasecmp(hc, cls))
			return &m->layers[i];
	}
	return NULL;
}

/*
 * A LayerType entry that is no hls4ml class of the model is ignored by
 * hls4ml, and so here; a generic config may well carry one, so it is a
 * note, not an error. A Keras class name (QDense, MaxPooling2D: what
 * config_from_keras_model(granularity='type') writes) gets the class
 * hls4ml would match. Returns whether the entry applies to a layer.
 */
static bool type_applies(const struct imp_check *k, const struct imp_model *m, const char *name)
{
	if (!strcasecmp(name, imp_hls4ml_class(IMP_INPUT)) || layer_of_class(m, name))
		return true;
	if (!k->log)
		return false;
	for (uint32_t i = 0; i <= m->n_layers; i++) {
		/* the input layer, then the model's layers */
		bool in = i == m->n_layers;
		const char *kc = in ? "InputLayer" : m->layers[i].keras_class;
		const char *hc = imp_hls4ml_class(in ? IMP_INPUT : m->layers[i].kind);

		if (hc && !strcasecmp(kc, name)) {
			fprintf(k->log,
				"hlsgen import: warning: %s: LayerType '%s' is a Keras class: "
				"hls4ml matches LayerType by its own class names ('%s' for "
				"layer '%s'), so it ignores this entry, and so does this "
				"import; rename it '%s' to apply it\n",
				k->path, name, hc, in ? m->input_name : m->layers[i].name, hc);
			return false;
		}
	}
	fprintf(k->log,
		"hlsgen import: note: %s: LayerType '%s' matches no layer of the model "
		"(hls4ml class names: Input, Conv2D, Dense, Activation, Softmax, Pooling2D, "
		"Reshape): ignored, as hls4ml does\n",
		k->path, name);
	return false;
}

/*
 * hls4ml's Vivado backend replaces a 1x1 Conv2D by a PointwiseConv2D
 * (backends/vivado/passes/pointwise.py, 0.8.1-1.3), a new layer that reads
 * part of its config again under that class name (0.8.1, 1.0: accum_t and
 * the output type; 1.3 keeps the copied attributes): what a LayerType
 * Conv2D or PointwiseConv2D entry gives it is not modelled, so refused.
 */
static int check_pointwise(const struct imp_check *k, const struct imp_model *m, const char *name)
{
	if (strcasecmp(name, "Conv2D") && strcasecmp(name, "PointwiseConv2D"))
		return 0;
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct imp_layer *l = &m->layers[i];

		if (l->kind == IMP_CONV2D && l->kh == 1 && l->kw == 1)
			return hg_fail(k->err, k->errlen, -EOPNOTSUPP,
				       "%s: LayerType '%s' with the 1x1 convolution '%s': hls4ml "
				       "replaces it by a PointwiseConv2D, which reads its config "
				       "again under that class, differently in each version: not "
				       "modelled; give that layer's settings under LayerName",
				       k->path, name, l->name);
	}
	return 0;
}

/* every entry of a mapping scope (LayerName / LayerType) */
static int check_scopes(const struct imp_check *k, const struct imp_model *m, const char *key)
{
	yaml_node_t *map = map_get(&k->c->doc, k->c->hls, key);
	yaml_node_pair_t *p;

	if (!map || map->type != YAML_MAPPING_NODE)
		return 0;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *name = scalar(yaml_document_get_node(&k->c->doc, p->key));
		char where[160];
		int rc;

		if (!name)
			continue;
		if (m && !strcmp(key, "LayerType") && (rc = check_pointwise(k, m, name)))
			return rc;
		/* an entry hls4ml ignores sets nothing: its Strategy neither */
		if (m && !strcmp(key, "LayerType") && !type_applies(k, m, name))
			continue;
		if (m && !strcmp(key, "LayerName") && !is_layer(m, name)) {
			char names[1024];

			layer_list(m, names, sizeof(names));
			return hg_fail(
			    k->err, k->errlen, -EINVAL,
			    "%s: LayerName '%s' is no layer of the model (its layers: %s); "
			    "hls4ml ignores such an entry silently, so its settings would "
			    "not apply",
			    k->path, name, names);
		}
		snprintf(where, sizeof(where), "%s '%s'", key, name);
		rc = check_strategy(k, yaml_document_get_node(&k->c->doc, p->value), where);
		if (rc)
			return rc;
	}
	return 0;
}

int imp_config_check(const struct imp_config *cc, const struct imp_model *m, const char *path,
		     int allow_unmodelled, FILE *log, char *err, size_t errlen)
{
	struct imp_check k = {(struct imp_config *)cc, path, allow_unmodelled, log, err, errlen};
	const char *io;
	int rc = 0;

	if (!k.c)
		return 0;
	io = scalar(map_get(&k.c->doc, k.c->root, "IOType"));
	if (io && strcasecmp(io, "io_stream")) {
		char msg[512];

		snprintf(msg, sizeof(msg),
			 "IOType '%s' unsupported: the accelerator this stack drives (AXI stream "
			 "in and out, hlsgen deploy's block design) and the resource estimate are "
			 "io_stream; write IOType: io_stream",
			 io);
		rc = unmodelled(&k, msg);
	}
	if (!rc)
		rc = check_strategy(&k, map_get(&k.c->doc, k.c->hls, "Model"), "Model");
	if (!rc)
		rc = check_scopes(&k, m, "LayerType");
	if (!rc)
		rc = check_scopes(&k, m, "LayerName");
	return rc;
}
