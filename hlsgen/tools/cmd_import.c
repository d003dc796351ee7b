// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cmd_import.c - `hlsgen import`: Keras/QKeras JSON + HDF5 weights (+ an
 * optional hls4ml config) -> .qnn, then a per-layer summary of the types
 * chosen, so what the FPGA will compute is visible at a glance.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_cmd.h"
#include "hlsgen_import.h"
#include "hlsgen_model_write.h"
#include "qnn_model.h"
#include "../engine/softmax_rule.h"

static const char usage_text[] =
    "usage: hlsgen import MODEL.json WEIGHTS.h5 [--config HLS4ML.yml]\n"
    "                     [--hls4ml-version 0.8|1.0|1.1|1.2|1.3] [-q]\n"
    "                     [--allow-unmodelled] [--json] -o OUT.qnn\n"
    "\n"
    "Converts a Keras/QKeras model (model.to_json() and save_weights() HDF5) into a\n"
    "bit-exact .qnn model, with the types hls4ml of that version would give it:\n"
    "  0.8   everything the config does not set uses the model default precision\n"
    "  >=1.0 without --config: accumulators/results inferred ('auto')\n"
    "Explicit config precisions win, except for QKeras-quantized weights/biases,\n"
    "which hls4ml always types from their quantizer. Default version: 0.8.\n"
    "Config mistakes are errors: a LayerName entry that is no layer of the model\n"
    "(hls4ml would ignore it silently), IOType other than io_stream and Strategy\n"
    "other than Latency (deploy and report model io_stream/Latency).\n"
    "A softmax whose tables cannot give outputs summing to 1 gets a warning\n"
    "saying which type to change.\n"
    "  -q                   do not print the per-layer summary\n"
    "  --allow-unmodelled   accept IOType/Strategy settings with a warning\n"
    "  --json               the per-layer summary as one JSON object on stdout\n";

static const char *kind_name(unsigned k)
{
	static const char *const names[] = {"?",	 "conv2d",  "dense",   "relu",	 "linear",
					    "maxpool2d", "flatten", "dropout", "softmax"};

	return k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

static const char *tstr(const struct qnn_fixed_type *t, char *buf, size_t len)
{
	static const char *const q[] = {"AP_TRN",      "AP_RND",     "AP_RND_CONV",
					"AP_RND_ZERO", "AP_RND_INF", "AP_RND_MIN_INF",
					"AP_TRN_ZERO"};
	static const char *const o[] = {"AP_WRAP", "AP_SAT", "AP_SAT_SYM", "AP_SAT_ZERO"};

	if (!t->width)
		snprintf(buf, len, "-");
	else if (!t->rounding && !t->overflow)
		snprintf(buf, len, "%s<%u,%d>", t->is_signed ? "ap_fixed" : "ap_ufixed", t->width,
			 t->int_bits);
	else
		snprintf(buf, len, "%s<%u,%d,%s,%s>", t->is_signed ? "ap_fixed" : "ap_ufixed",
			 t->width, t->int_bits, q[t->rounding % 7], o[t->overflow % 4]);
	return buf;
}

/*
 * The softmax's types as the engine resolves them (the same rule the tables
 * were built with), named as hls4ml's parameters.h names them.
 */
static void softmax_types(const struct qnn_layer_rec *r, const struct qnn_fixed_type *in_t)
{
	static const char *const impl[] = {"stable", "latency", "argmax"};
	struct qnn_softmax_types st;
	char a[64], b[64], c[64];

	printf(" %s", impl[r->softmax_impl % 3]);
	if (r->softmax_impl == QNN_SOFTMAX_ARGMAX || qnn_softmax_resolve(r, in_t, r->in_c, &st)) {
		printf("\n");
		return;
	}
	printf(", table_size %u\n%*sexp_table_t %s  inv_table_t %s\n", r->table_size, 21, "",
	       tstr(&st.exp_t, a, sizeof(a)), tstr(&st.inv_t, b, sizeof(b)));
	if (r->softmax_rule == QNN_SMX_RULE_HLS4ML_12) {
		printf("%*saccum_t %s  inv_inp_t %s", 21, "", tstr(&st.sum_t, a, sizeof(a)),
		       tstr(&st.inv_idx_t, b, sizeof(b)));
		if (st.stable)
			printf("  inp_norm_t %s", tstr(&st.norm_t, c, sizeof(c)));
		printf("\n");
	} else {
		/* no typedefs in 0.8-1.1: the template's own types */
		printf("%*sexp sum in exp_table_t", 21, "");
		if (st.stable)
			printf(", x - x_max in %s", tstr(&st.norm_t, c, sizeof(c)));
		printf("\n");
	}
}

static void summary(const void *buf, size_t len)
{
	struct qnn_model *m = malloc(sizeof(*m));
	struct qnn_fixed_type cur;
	char err[256], a[64], b[64], c[64], d[64];

	if (!m || qnn_model_parse(buf, len, m, err, sizeof(err))) {
		free(m);
		return;
	}
	printf("model %s: input %ux%ux%u %s, %u outputs, hls4ml %u.%u rules\n", m->hdr->name,
	       m->hdr->in_h, m->hdr->in_w, m->hdr->in_c, tstr(&m->hdr->input_t, a, sizeof(a)),
	       m->n_out, m->hdr->hls4ml_major, m->hdr->hls4ml_minor);
	printf("  %-18s %-9s %-12s %-34s %s\n", "layer", "kind", "output", "result",
	       "weight / bias / accum");
	cur = m->hdr->input_t;
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;
		char shape[40];

		snprintf(shape, sizeof(shape), "%ux%ux%u", r->out_h, r->out_w, r->out_c);
		printf("  %-18s %-9s %-12s %-34s", r->name, kind_name(r->kind), shape,
		       tstr(&r->result_t, a, sizeof(a)));
		if (r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE)
			printf(" %s / %s / %s", tstr(&r->weight_t, b, sizeof(b)),
			       tstr(&r->bias_t, c, sizeof(c)), tstr(&r->accum_t, d, sizeof(d)));
		if (r->kind == QNN_LAYER_MAXPOOL2D && r->accum_t.width)
			printf(" accum %s", tstr(&r->accum_t, d, sizeof(d)));
		if (r->product_t.width)
			printf(" (po2 product %s)", tstr(&r->product_t, b, sizeof(b)));
		if (r->kind == QNN_LAYER_SOFTMAX)
			softmax_types(r, &cur);
		else
			printf("\n");
		if (r->result_t.width)
			cur = r->result_t;
	}
	free(m);
}

static json_object *shape_json(uint32_t h, uint32_t w, uint32_t c)
{
	json_object *a = json_object_new_array();

	json_object_array_add(a, json_object_new_int64(h));
	json_object_array_add(a, json_object_new_int64(w));
	json_object_array_add(a, json_object_new_int64(c));
	return a;
}

/* key: the type as the text shows it; absent types (width 0) are left out */
static void type_json(json_object *o, const char *key, const struct qnn_fixed_type *t)
{
	char buf[64];

	if (t->width)
		json_object_object_add(o, key, json_object_new_string(tstr(t, buf, sizeof(buf))));
}

/* The per-layer summary as one JSON object (--json): what the text shows. */
static void summary_json(const void *buf, size_t len, const char *out)
{
	static const char *const impl[] = {"stable", "latency", "argmax"};
	struct qnn_model *m = malloc(sizeof(*m));
	struct qnn_fixed_type cur;
	json_object *root, *layers;
	char err[256], a[64];

	if (!m || qnn_model_parse(buf, len, m, err, sizeof(err))) {
		free(m);
		return;
	}
	root = json_object_new_object();
	layers = json_object_new_array();
	json_object_object_add(root, "file", json_object_new_string(out));
	json_object_object_add(root, "model", json_object_new_string(m->hdr->name));
	json_object_object_add(root, "input", shape_json(m->hdr->in_h, m->hdr->in_w, m->hdr->in_c));
	json_object_object_add(root, "input_t",
			       json_object_new_string(tstr(&m->hdr->input_t, a, sizeof(a))));
	json_object_object_add(root, "n_out", json_object_new_int64(m->n_out));
	snprintf(a, sizeof(a), "%u.%u", m->hdr->hls4ml_major, m->hdr->hls4ml_minor);
	json_object_object_add(root, "hls4ml_rules", json_object_new_string(a));
	cur = m->hdr->input_t;
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;
		json_object *l = json_object_new_object();
		struct qnn_softmax_types st;

		json_object_object_add(l, "name", json_object_new_string(r->name));
		json_object_object_add(l, "kind", json_object_new_string(kind_name(r->kind)));
		json_object_object_add(l, "output", shape_json(r->out_h, r->out_w, r->out_c));
		type_json(l, "result_t", &r->result_t);
		if (r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE) {
			type_json(l, "weight_t", &r->weight_t);
			type_json(l, "bias_t", &r->bias_t);
			type_json(l, "accum_t", &r->accum_t);
		}
		type_json(l, "product_t", &r->product_t);
		if (r->kind == QNN_LAYER_SOFTMAX) {
			json_object_object_add(l, "implementation",
					       json_object_new_string(impl[r->softmax_impl % 3]));
			if (r->softmax_impl != QNN_SOFTMAX_ARGMAX &&
			    !qnn_softmax_resolve(r, &cur, r->in_c, &st)) {
				json_object_object_add(l, "table_size",
						       json_object_new_int64(r->table_size));
				type_json(l, "exp_table_t", &st.exp_t);
				type_json(l, "inv_table_t", &st.inv_t);
				type_json(l, "sum_t", &st.sum_t);
				type_json(l, "inv_index_t", &st.inv_idx_t);
			}
		}
		json_object_array_add(layers, l);
		if (r->result_t.width)
			cur = r->result_t;
	}
	json_object_object_add(root, "layers", layers);
	printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	free(m);
}

static int run(int argc, char **argv)
{
	struct hlsgen_import_opts o = {0};
	const char *pos[2] = {NULL, NULL}, *out = NULL;
	int npos = 0, quiet = 0, json = 0;
	char err[512];
	void *buf;
	size_t len;
	int rc;

	o.hls4ml_major = 0;
	o.hls4ml_minor = 8;
	o.log = stderr;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			o.config_path = argv[++i];
		} else if (!strcmp(argv[i], "--hls4ml-version") && i + 1 < argc) {
			if (hlsgen_import_parse_version(argv[++i], &o.hls4ml_major,
							&o.hls4ml_minor)) {
				fprintf(
				    stderr,
				    "hlsgen import: unknown hls4ml version '%s' (0.8, 1.0-1.3)\n",
				    argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--allow-unmodelled")) {
			o.allow_unmodelled = 1;
		} else if (argv[i][0] == '-' || npos == 2) {
			fprintf(stderr, "hlsgen import: unexpected argument '%s'\n\n%s", argv[i],
				usage_text);
			return 2;
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos != 2 || !out) {
		fprintf(stderr, "hlsgen import: %s\n\n%s",
			npos != 2 ? "MODEL.json and WEIGHTS.h5 are required"
				  : "-o OUT.qnn is required",
			usage_text);
		return 2;
	}
	o.json_path = pos[0];
	o.h5_path = pos[1];
	rc = hlsgen_import_build(&o, &buf, &len, err, sizeof(err));
	if (!rc)
		rc = hlsgen_model_save(buf, len, out, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "hlsgen import: %s\n", err);
		return 1;
	}
	if (json)
		summary_json(buf, len, out);
	else if (!quiet)
		summary(buf, len);
	free(buf);
	return 0;
}

const struct hlsgen_cmd hlsgen_cmd_import = {
    .name = "import",
    .summary = "Keras/QKeras JSON + HDF5 (+ hls4ml config) -> .qnn model",
    .usage = usage_text,
    .run = run,
};
