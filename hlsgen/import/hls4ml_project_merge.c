// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * hls4ml_project_merge.c - `hlsgen import-project`: the Keras import of
 * the model with the project's own hls4ml_config.yml gives the layer graph;
 * then every type (input, results, weights, biases, accumulators, softmax
 * tables) and every weight and bias is taken from the project as
 * synthesized (hls4ml_project.c reads it). Each difference from the Keras
 * import is reported; weight codes are the project's printed values
 * converted as the C++ compiler and ap_fixed convert the header's literals
 * (imp_to_code), with the project's types.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_hls4ml_project.h"
#include "hlsgen_import.h"
#include "hlsgen_model_write.h"
#include "import_internal.h"

struct merge {
	FILE *report;
	unsigned n_diff;
	char *err;
	size_t errlen;
};

static void type_in(struct merge *mg, const char *layer, const char *what,
		    struct qnn_fixed_type *have, const struct qnn_fixed_type *prj)
{
	char a[64], b[64];

	if (!prj->width || imp_type_eq(have, prj))
		return;
	if (mg->report)
		fprintf(mg->report, "layer %s: %s %s in the Keras import, %s in the project\n",
			layer, what, have->width ? imp_type_str(have, a, sizeof(a)) : "none",
			imp_type_str(prj, b, sizeof(b)));
	mg->n_diff++;
	*have = *prj;
}

static double value_of(int32_t code, const struct qnn_fixed_type *t)
{
	double v = code;

	for (int f = t->width - t->int_bits; f > 0; f--)
		v /= 2;
	for (int f = t->width - t->int_bits; f < 0; f++)
		v *= 2;
	return v;
}

static int codes_in(struct merge *mg, const char *layer, const char *what, int32_t *codes, size_t n,
		    const double *vals, size_t nv, const struct qnn_fixed_type *t)
{
	size_t diff = 0, first = 0;
	int32_t old = 0;

	if (!codes) { /* hls4ml writes zeros for a layer without bias */
		for (size_t i = 0; i < nv; i++)
			if (vals[i] != 0)
				return hg_fail(mg->err, mg->errlen, -EINVAL,
					       "layer %s: the project has non-zero %s, the Keras "
					       "import none",
					       layer, what);
		return 0;
	}
	if (nv != n)
		return hg_fail(mg->err, mg->errlen, -EINVAL,
			       "layer %s: the project has %zu %s, the model %zu", layer, nv, what,
			       n);
	for (size_t i = 0; i < n; i++) {
		int32_t c;
		bool exact;

		if (imp_to_code(vals[i], t, &c, &exact))
			return hg_fail(mg->err, mg->errlen, -EINVAL,
				       "layer %s: %s %zu is not a number", layer, what, i);
		if (c != codes[i] && !diff++) {
			first = i;
			old = codes[i];
		}
		codes[i] = c;
	}
	if (diff) {
		if (mg->report)
			fprintf(mg->report,
				"layer %s: %zu of %zu %s differ (first [%zu]: %.9g in the Keras "
				"import, %.9g in the project)\n",
				layer, diff, n, what, first, value_of(old, t), vals[first]);
		mg->n_diff++;
	}
	return 0;
}

static int softmax_same(struct merge *mg, const struct qnn_layer_rec *r,
			const struct hg_prj_layer *p)
{
	char a[64], b[64];

	if ((p->exp_table_t.width && !imp_type_eq(&r->exp_table_t, &p->exp_table_t)) ||
	    (p->inv_table_t.width && !imp_type_eq(&r->inv_table_t, &p->inv_table_t)) ||
	    (p->table_size && p->table_size != r->table_size) ||
	    (p->inv_table_size && p->inv_table_size != r->table_size))
		return hg_fail(mg->err, mg->errlen, -EINVAL,
			       "layer %s: the project's softmax tables (%s / %s, %u entries) are "
			       "not the config's (%s, %u): give hls4ml_config.yml the project's",
			       r->name, imp_type_str(&p->exp_table_t, a, sizeof(a)),
			       imp_type_str(&p->inv_table_t, b, sizeof(b)), p->table_size,
			       imp_type_str(&r->exp_table_t, a, sizeof(a)), r->table_size);
	return 0;
}

/*
 * A max pooling's accum_t (`typedef X accum_t;` in hls4ml's pooling2d
 * config, 0.8-1.3). The engine computes the plain max, which is hls4ml's
 * only when accum_t holds every input value (import.c pool_accum): a
 * project whose accum_t does not is refused. Under >= 1.0 the type is in
 * the model, reported and taken like the others; 0.8 files carry none
 * (as the Keras import writes them), so there it is checked only.
 */
static int pool_in(struct merge *mg, struct qnn_layer_rec *r, const struct qnn_fixed_type *in_t,
		   const struct hg_prj_layer *p, bool recorded)
{
	char a[64], b[64];

	if (!p->accum_t.width)
		return 0;
	if (!imp_type_holds(&p->accum_t, in_t))
		return hg_fail(mg->err, mg->errlen, -EOPNOTSUPP,
			       "layer %s: the project's pooling accum_t %s does not hold its input "
			       "%s exactly (hls4ml's result then depends on io_type): unsupported",
			       r->name, imp_type_str(&p->accum_t, a, sizeof(a)),
			       imp_type_str(in_t, b, sizeof(b)));
	if (recorded)
		type_in(mg, r->name, "accum_t", &r->accum_t, &p->accum_t);
	return 0;
}

/* in_t: the layer's input type as merged so far; v1: hls4ml >= 1.0 rules */
static int layer_in(struct merge *mg, const struct qnn_layer *ml, struct hg_prj_layer *p,
		    const struct qnn_fixed_type *in_t, bool v1)
{
	struct qnn_layer_rec *r = (struct qnn_layer_rec *)ml->rec;
	int rc = 0;

	type_in(mg, r->name, "result_t", &r->result_t, &p->result_t);
	if (r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE) {
		size_t nw = (size_t)r->kernel_h * r->kernel_w * r->in_c * r->out_c;

		if (r->kind == QNN_LAYER_DENSE)
			nw = (size_t)r->in_h * r->in_w * r->in_c * r->out_c;
		type_in(mg, r->name, "weight_t", &r->weight_t, &p->weight_t);
		type_in(mg, r->name, "bias_t", &r->bias_t, &p->bias_t);
		type_in(mg, r->name, "accum_t", &r->accum_t, &p->accum_t);
		if ((rc = codes_in(mg, r->name, "weights", (int32_t *)ml->weights, nw, p->weights,
				   p->n_weights, &r->weight_t)) ||
		    (rc = codes_in(mg, r->name, "biases", (int32_t *)ml->bias,
				   ml->bias ? r->out_c : 0, p->bias, p->n_bias, &r->bias_t)))
			return rc;
	} else if (r->kind == QNN_LAYER_SOFTMAX) {
		rc = softmax_same(mg, r, p);
		/* 1.2+ templates: the sum, the normalised input, the inverse index */
		if (!rc && r->softmax_rule == QNN_SMX_RULE_HLS4ML_12) {
			type_in(mg, r->name, "accum_t", &r->accum_t, &p->accum_t);
			type_in(mg, r->name, "inp_norm_t", &r->inp_norm_t, &p->inp_norm_t);
			type_in(mg, r->name, "inv_inp_t", &r->inv_inp_t, &p->inv_inp_t);
		}
	} else if (r->kind == QNN_LAYER_MAXPOOL2D) {
		rc = pool_in(mg, r, in_t, p, v1);
	}
	return rc;
}

static struct hg_prj_layer *find(struct hg_prj *p, const char *name, unsigned char *used)
{
	for (size_t i = 0; i < p->n_layers; i++)
		if (!strcmp(p->layers[i].name, name)) {
			used[i] = 1;
			return &p->layers[i];
		}
	return NULL;
}

static int merge(struct merge *mg, void *buf, size_t len, struct hg_prj *p)
{
	struct qnn_model *m = malloc(sizeof(*m));
	unsigned char *used = calloc(p->n_layers + 1, 1);
	struct qnn_file_header *h = buf;
	struct qnn_fixed_type cur;
	char perr[256];
	int rc = 0;

	if (!m || !used || qnn_model_parse(buf, len, m, perr, sizeof(perr))) {
		rc = hg_fail(mg->err, mg->errlen, -EINVAL, "the Keras import: %s",
			     m && used ? perr : "out of memory");
		goto out;
	}
	type_in(mg, "input", "input_t", &h->input_t, &p->input_t);
	cur = h->input_t;
	for (uint32_t i = 0; i < m->n_layers && !rc; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;
		struct hg_prj_layer *pl = find(p, r->name, used);

		if (pl)
			rc = layer_in(mg, &m->layers[i], pl, &cur, h->hls4ml_major >= 1);
		if (r->result_t.width) /* Flatten and Dropout pass their input on */
			cur = r->result_t;
		if (rc || pl)
			continue;
		if (r->kind != QNN_LAYER_FLATTEN && r->kind != QNN_LAYER_DROPOUT)
			rc = hg_fail(mg->err, mg->errlen, -EINVAL,
				     "layer %s of the Keras import has no call in the project "
				     "(another model, or another config?)",
				     r->name);
	}
	for (size_t i = 0; i < p->n_layers && !rc; i++)
		if (!used[i] && strcmp(p->layers[i].func, "") && p->layers[i].result_t.width)
			rc = hg_fail(mg->err, mg->errlen, -EINVAL,
				     "the project's layer %s (nnet::%s) is not in the Keras import",
				     p->layers[i].name, p->layers[i].func);
out:
	free(m);
	free(used);
	return rc;
}

int hg_prj_import(const char *dir, const char *json, const char *h5, int major, int minor,
		  FILE *report, unsigned *n_diff, void **buf, size_t *len, char *err, size_t errlen)
{
	struct merge mg = {.report = report, .err = err, .errlen = errlen};
	struct hlsgen_import_opts o = {0};
	char cfg[4096], perr[256];
	struct hg_prj p;
	int rc;

	*buf = NULL;
	snprintf(cfg, sizeof(cfg), "%s/hls4ml_config.yml", dir);
	o.json_path = json;
	o.h5_path = h5;
	o.config_path = cfg;
	o.hls4ml_major = major;
	o.hls4ml_minor = minor;
	if ((rc = hg_prj_load(dir, &p, err, errlen)))
		return rc;
	rc = hlsgen_import_build(&o, buf, len, err, errlen);
	if (!rc)
		rc = merge(&mg, *buf, *len, &p);
	hg_prj_free(&p);
	if (!rc) {
		struct qnn_model *m = malloc(sizeof(*m));

		hlsgen_model_seal(*buf, *len);
		if (!m || qnn_model_parse(*buf, *len, m, perr, sizeof(perr)))
			rc = hg_fail(err, errlen, -EINVAL, "the merged model is invalid: %s",
				     m ? perr : "out of memory");
		free(m);
	}
	if (rc) {
		free(*buf);
		*buf = NULL;
	}
	*n_diff = mg.n_diff;
	return rc;
}
