// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * import.c - the importer's main flow: Keras layers (keras_layers.c) ->
 * types by the chosen hls4ml version's rules and the config -> weight codes
 * from the HDF5 floats -> softmax tables -> .qnn (hlsgen_model_write).
 *
 * Precision rules, as hls4ml applies them (see README.md in this folder):
 *  - weights/biases with a QKeras quantizer take the quantizer's type; hls4ml
 *    ignores a config precision for them (layers.py add_weights_variable),
 *    and so does this importer (with a note when they differ);
 *  - everything else: the config (LayerName > LayerType > Model), else the
 *    version's default: 0.8 the model default, >= 1.0 without a config the
 *    'auto' inference config_from_keras_model would ask for (results, not
 *    accumulators: see accum_type());
 *  - a 1.2+ softmax's inp_norm_t, inv_inp_t and accum_t, and a pool's
 *    accum_t, as hls4ml derives them (softmax_12_types(), pool_accum());
 *  - a linear activation that does not change the type is removed (hls4ml's
 *    EliminateLinearActivation), and under >= 1.0 one that follows an 'auto'
 *    Conv/Dense is merged into it (MergeLinearActivation).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_import.h"
#include "hlsgen_model_write.h"
#include "hlsgen_softmax_tables.h"
#include "import_internal.h"

struct ictx {
	const struct hlsgen_import_opts *o;
	struct imp_model km;
	struct imp_config *cfg;
	struct imp_h5 *h5;
	bool auto_rules; /* hls4ml >= 1.0 */
	struct qnn_fixed_type dflt, maximum;
	struct hlsgen_layer_desc *out;
	uint32_t n_out;
	char *err;
	size_t errlen;
	/* arrays owned until the file is written */
	void *owned[QNN_MAX_LAYERS * 6];
	int n_owned;
};

static void note(struct ictx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(struct ictx *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->o->log)
		return;
	va_start(ap, fmt);
	fputs("hlsgen import: note: ", c->o->log);
	vfprintf(c->o->log, fmt, ap);
	fputc('\n', c->o->log);
	va_end(ap);
}

static void *own(struct ictx *c, void *p)
{
	if (p && c->n_owned < (int)(sizeof(c->owned) / sizeof(c->owned[0])))
		c->owned[c->n_owned++] = p;
	else if (p) {
		free(p);
		return NULL;
	}
	return p;
}

/*
 * A type from the config for (layer, var). *found = false when the config
 * says nothing; is_auto when it says 'auto' or (no config, >= 1.0) when
 * config_from_keras_model would have written 'auto'.
 */
static int config_type(struct ictx *c, const struct imp_layer *l, const char *var,
		       struct imp_type *t, bool *found)
{
	const char *layer_name = l->name;
	const char *s = imp_config_precision(c->cfg, layer_name, imp_hls4ml_class(l->kind), var);
	int rc;

	memset(t, 0, sizeof(*t));
	*found = s != NULL;
	if (!s) {
		if (!c->cfg && c->auto_rules)
			t->is_auto = true;
		else
			t->t = c->dflt;
		return 0;
	}
	rc = imp_type_parse(s, t, c->err, c->errlen);
	if (rc) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", c->err);
		return hg_fail(c->err, c->errlen, rc, "layer '%s' %s: %s", layer_name, var, msg);
	}
	if (t->is_auto && !c->auto_rules)
		return hg_fail(c->err, c->errlen, -EINVAL,
			       "layer '%s' %s: 'auto' precision needs --hls4ml-version >= 1.0",
			       layer_name, var);
	return 0;
}

/* a scalar key of the layer's config: LayerName, else LayerType of its hls4ml class */
static const char *layer_key(struct ictx *c, const struct imp_layer *l, const char *key)
{
	return imp_config_layer_key(c->cfg, l->name, imp_hls4ml_class(l->kind), key);
}

static uint32_t layer_reuse(struct ictx *c, const struct imp_layer *l)
{
	return imp_config_reuse(c->cfg, l->name, imp_hls4ml_class(l->kind));
}

/* result/plain type with 'auto' resolved to the model default */
static int plain_type(struct ictx *c, const struct imp_layer *l, const char *var,
		      struct qnn_fixed_type *out, bool *was_auto)
{
	struct imp_type t;
	bool found;
	int rc = config_type(c, l, var, &t, &found);

	if (rc)
		return rc;
	if (was_auto)
		*was_auto = t.is_auto;
	*out = t.is_auto ? c->dflt : t.t;
	return 0;
}

static int check_code_width(struct ictx *c, const char *layer, const char *what,
			    const struct qnn_fixed_type *t, unsigned max)
{
	char ts[64];

	if (t->width > max)
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s' %s: %s is wider than %u bits (unsupported)", layer, what,
			       imp_type_str(t, ts, sizeof(ts)), max);
	return 0;
}

/* ---- weights and biases ---- */

static int param_type(struct ictx *c, const struct imp_layer *l, const char *var,
		      const struct hg_quantizer *q, struct qnn_fixed_type *t)
{
	struct imp_type ct;
	bool found;
	char a[64], b[64];
	int rc = config_type(c, l, var, &ct, &found);

	if (rc)
		return rc;
	if (q->kind == HG_Q_NONE) {
		*t = ct.is_auto ? c->dflt : ct.t;
		return check_code_width(c, l->name, var, t, QNN_MAX_CODE_WIDTH);
	}
	rc = imp_quant_weight_type(q, l->name, var, t, c->err, c->errlen);
	if (!rc && found && !ct.is_auto && !imp_type_eq(&ct.t, t))
		note(c,
		     "layer '%s' %s: config says %s, but hls4ml types QKeras-quantized "
		     "weights/biases by their quantizer: using %s",
		     l->name, var, imp_type_str(&ct.t, a, sizeof(a)),
		     imp_type_str(t, b, sizeof(b)));
	return rc;
}

static int to_codes(struct ictx *c, const struct imp_layer *l, const char *what, const float *f,
		    uint64_t n, const struct hg_quantizer *q, const struct qnn_fixed_type *t,
		    int32_t **out)
{
	int32_t *codes = malloc(n * sizeof(*codes) + 1);
	uint64_t inexact = 0;
	char ts[64];

	if (!codes)
		return hg_fail(c->err, c->errlen, -ENOMEM, "out of memory");
	for (uint64_t i = 0; i < n; i++) {
		double v = imp_quant_apply(q, f[i]);
		bool exact;
		int rc = q->kind == HG_Q_PO2 ? imp_to_code(v, t, &codes[i], &exact)
					     : imp_literal_code(v, t, &codes[i], &exact);

		if (rc) {
			free(codes);
			return hg_fail(c->err, c->errlen, -EINVAL,
				       "layer '%s' %s[%llu] is NaN: cannot convert", l->name, what,
				       (unsigned long long)i);
		}
		inexact += !exact;
	}
	if (inexact)
		note(c,
		     "layer '%s': %llu of %llu %s values are not exact in %s; converted with its "
		     "rounding/overflow as hls4ml's weight header does",
		     l->name, (unsigned long long)inexact, (unsigned long long)n, what,
		     imp_type_str(t, ts, sizeof(ts)));
	*out = own(c, codes);
	return *out ? 0 : hg_fail(c->err, c->errlen, -ENOMEM, "out of memory");
}

static int load_params(struct ictx *c, const struct imp_layer *l, struct hlsgen_layer_desc *d)
{
	struct qnn_layer_rec *r = &d->rec;
	uint64_t kshape[4], bshape[1] = {l->out_c};
	int rank, rc;
	float *fw = NULL, *fb = NULL;
	int32_t *codes;

	if (l->kind == IMP_CONV2D) {
		kshape[0] = l->kh, kshape[1] = l->kw, kshape[2] = l->in_c, kshape[3] = l->out_c;
		rank = 4;
	} else {
		kshape[0] = l->in_c, kshape[1] = l->out_c;
		rank = 2;
	}
	d->n_weights = (uint32_t)(kshape[0] * kshape[1] * (rank == 4 ? kshape[2] * kshape[3] : 1));
	rc = imp_h5_read(c->h5, l->name, "kernel", kshape, rank, &fw, c->err, c->errlen);
	if (rc)
		return rc;
	d->float_weights = own(c, fw);
	rc = to_codes(c, l, "weight", fw, d->n_weights, &l->wq, &r->weight_t, &codes);
	if (rc)
		return rc;
	d->weights = codes;
	if (!l->use_bias)
		return 0;
	rc = imp_h5_read(c->h5, l->name, "bias", bshape, 1, &fb, c->err, c->errlen);
	if (rc)
		return rc;
	d->n_bias = l->out_c;
	d->float_bias = own(c, fb);
	rc = to_codes(c, l, "bias", fb, d->n_bias, &l->bq, &r->bias_t, &codes);
	d->bias = codes;
	return rc;
}

/* ---- per-kind records ---- */

static void base_rec(const struct imp_layer *l, struct qnn_layer_rec *r, int kind, uint32_t reuse)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", l->name);
	r->kind = (uint16_t)kind;
	r->in_h = l->in_h, r->in_w = l->in_w, r->in_c = l->in_c;
	r->out_h = l->out_h, r->out_w = l->out_w, r->out_c = l->out_c;
	r->reuse_factor = reuse;
}

/*
 * hls4ml's po2 product (nnet_mult.h product::weight_exponential, 0.8 and
 * 1.x): r_T y = (r_T)x << exponent, r_T = ap_fixed<2(We+Wx), We+Wx> with
 * We = the exponent's width (ExponentPrecisionType(width=bits)) and Wx the
 * input's; negated in r_T for a negative weight. Shifting the cast input
 * equals casting x * |w| to r_T (TRN, WRAP) while x fits r_T's integer
 * part (Fx >= -We): outside that, and past the format's 63 bits, refuse.
 */
static int po2_product_type(struct ictx *c, const struct imp_layer *l,
			    const struct qnn_fixed_type *in_t, struct qnn_layer_rec *r)
{
	int we = l->wq.bits, wx = in_t->width, fx = in_t->width - in_t->int_bits;
	int emax = (1 << (we - 1)) - 1, emin = -(1 << (we - 1));
	int min_exp, max_exp;
	char ts[64];

	if (l->wq.kind != HG_Q_PO2)
		return 0;
	imp_po2_exponents(&l->wq, &min_exp, &max_exp);
	if (min_exp < emin || max_exp > emax)
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': quantized_po2 exponents %d..%d do not fit hls4ml's "
			       "ap_int<%d> exponent: unsupported",
			       l->name, min_exp, max_exp, we);
	if (2 * (we + wx) > (int)QNN_MAX_PRODUCT_WIDTH || fx < -we)
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': hls4ml's po2 product type ap_fixed<%d,%d> for input %s "
			       "is not representable: unsupported",
			       l->name, 2 * (we + wx), we + wx, imp_type_str(in_t, ts, sizeof(ts)));
	r->product_t = imp_fixed(2 * (we + wx), we + wx, true, QNN_RND_TRN, QNN_OVF_WRAP);
	return 0;
}

/*
 * A layer-config key ending in _t (e.g. "accum_t: ap_fixed<20,8>") sets
 * that type directly in every version (layers.py Layer.__init__: keys
 * ending in '_t' become NamedTypes, after and over _set_accum_t).
 * *found = false when the layer has no such key.
 */
static int type_key(struct ictx *c, const struct imp_layer *l, const char *key, struct imp_type *t,
		    bool *found)
{
	const char *s = layer_key(c, l, key);
	int rc;

	*found = s != NULL;
	if (!s)
		return 0;
	rc = imp_type_parse(s, t, c->err, c->errlen);
	if (rc) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", c->err);
		return hg_fail(c->err, c->errlen, rc, "layer '%s' %s: %s", l->name, key, msg);
	}
	if (t->is_auto && !c->auto_rules)
		return hg_fail(c->err, c->errlen, -EINVAL,
			       "layer '%s' %s: 'auto' precision needs --hls4ml-version >= 1.0",
			       l->name, key);
	return 0;
}

/*
 * The accumulator of a Conv2D/Dense: hls4ml's _set_accum_t takes
 * get_precision(layer, 'accum') (LayerName > LayerType > Model, else the
 * model default), and InferPrecisionTypes infers it only when that is
 * 'auto'. config_from_keras_model (1.0-1.3, utils/config.py) lists the
 * TypeAttributes of the layer class *without* the backend's additions
 * (backend=None by default), and 'accum' is a backend attribute
 * (backends/fpga/fpga_backend.py accum_layers): the generated config has no
 * 'accum', so without a config the accumulator is the model default while
 * the result is 'auto'.
 */
static int accum_type(struct ictx *c, const struct imp_layer *l, struct imp_type *acc)
{
	bool found;
	int rc = type_key(c, l, "accum_t", acc, &found);

	if (rc || found)
		return rc;
	if (!c->cfg) {
		memset(acc, 0, sizeof(*acc));
		acc->t = c->dflt;
		return 0;
	}
	return config_type(c, l, "accum", acc, &found);
}

static int conv_dense(struct ictx *c, const struct imp_layer *l, const struct qnn_fixed_type *in_t,
		      struct hlsgen_layer_desc *d, bool *result_auto)
{
	struct qnn_layer_rec *r = &d->rec;
	struct imp_type acc, res;
	struct qnn_fixed_type bias_for_rule, inferred;
	uint64_t n_ops;
	bool found;
	int rc;

	base_rec(l, r, l->kind == IMP_CONV2D ? QNN_LAYER_CONV2D : QNN_LAYER_DENSE,
		 layer_reuse(c, l));
	if (l->kind == IMP_CONV2D) {
		r->kernel_h = l->kh, r->kernel_w = l->kw, r->stride_h = l->sh, r->stride_w = l->sw;
		r->padding = l->padding;
		r->pad_top = l->pad_t, r->pad_bottom = l->pad_b;
		r->pad_left = l->pad_l, r->pad_right = l->pad_r;
		n_ops = (uint64_t)l->kh * l->kw * l->in_c;
	} else {
		n_ops = l->in_c;
	}
	rc = param_type(c, l, "weight", &l->wq, &r->weight_t);
	if (!rc)
		rc = po2_product_type(c, l, in_t, r);
	if (!rc && l->use_bias)
		rc = param_type(c, l, "bias", &l->bq, &r->bias_t);
	if (rc)
		return rc;
	r->flags = l->use_bias ? QNN_LF_HAS_BIAS : 0;
	r->weight_q = imp_quant_desc(&l->wq);
	r->bias_q = l->use_bias ? imp_quant_desc(&l->bq) : (struct qnn_qkeras_quantizer){0};
	/* without a bias hls4ml adds zeros typed ap_uint<1> */
	bias_for_rule = l->use_bias ? r->bias_t : imp_fixed(1, 1, false, 0, 0);
	/* hls4ml infers only from fixed/integer types: its po2 weights are an
	 * exponent type, so the inference falls back to the model default */
	if (l->wq.kind == HG_Q_PO2 || l->bq.kind == HG_Q_PO2)
		inferred = c->dflt;
	else
		inferred = imp_infer_accum(in_t, &r->weight_t, &bias_for_rule, n_ops, &c->maximum);
	rc = accum_type(c, l, &acc);
	if (!rc)
		rc = config_type(c, l, "result", &res, &found);
	if (rc)
		return rc;
	r->accum_t = acc.is_auto ? inferred : acc.t;
	r->result_t = res.is_auto ? inferred : res.t;
	*result_auto = res.is_auto;
	rc = check_code_width(c, l->name, "accum", &r->accum_t, QNN_MAX_ACCUM_WIDTH);
	if (!rc)
		rc = check_code_width(c, l->name, "result", &r->result_t, QNN_MAX_CODE_WIDTH);
	return rc ? rc : load_params(c, l, d);
}

/*
 * Max pooling's accumulator: hls4ml's io_stream kernel casts each window
 * value to accum_t before the max, io_parallel casts the max
 * (nnet_pooling{_stream}.h, 0.8-1.3); both equal the plain max only when
 * accum_t holds every input value. accum_t is found like a conv's
 * (_set_accum_t; 'auto' = the input type, infer_precision.py
 * _infer_pooling_precision). Anything else is refused. Recorded for the
 * listing under >= 1.0 only, so 0.8 files stay as they were.
 */
static int pool_accum(struct ictx *c, const struct imp_layer *l, const struct qnn_fixed_type *in_t,
		      struct qnn_layer_rec *r)
{
	struct imp_type acc;
	struct qnn_fixed_type t;
	char a[64], b[64];
	int rc = accum_type(c, l, &acc);

	if (rc)
		return rc;
	t = acc.is_auto ? *in_t : acc.t;
	if (!imp_type_holds(&t, in_t))
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': pooling accum_t %s does not hold its input %s exactly "
			       "(hls4ml's result then depends on io_type): unsupported",
			       l->name, imp_type_str(&t, a, sizeof(a)),
			       imp_type_str(in_t, b, sizeof(b)));
	if (c->auto_rules)
		r->accum_t = t;
	return 0;
}

static int softmax_impl(struct ictx *c, const struct imp_layer *l, uint8_t *impl)
{
	const char *s = layer_key(c, l, "Implementation");

	if (!s) {
		s = layer_key(c, l, "Strategy");
		/* older configs select the softmax variant with Strategy */
		if (s && strcasecmp(s, "stable") && strcasecmp(s, "latency") &&
		    strcasecmp(s, "argmax") && strcasecmp(s, "legacy"))
			s = NULL;
	}
	if (!s || !strcasecmp(s, "stable"))
		*impl = QNN_SOFTMAX_STABLE;
	else if (!strcasecmp(s, "latency"))
		*impl = QNN_SOFTMAX_LATENCY;
	else if (!strcasecmp(s, "argmax"))
		*impl = QNN_SOFTMAX_ARGMAX;
	else
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': softmax implementation '%s' unsupported", l->name, s);
	return 0;
}

static int table_type(struct ictx *c, const struct imp_layer *l, const char *key,
		      struct qnn_fixed_type *t)
{
	const char *s = layer_key(c, l, key);
	struct imp_type it;
	int rc;

	/* hls4ml's default table type */
	*t = imp_fixed(18, 8, true, QNN_RND_RND, QNN_OVF_SAT);
	if (!s)
		return 0;
	rc = imp_type_parse(s, &it, c->err, c->errlen);
	if (rc || it.is_auto)
		return hg_fail(c->err, c->errlen, -EINVAL, "layer '%s' %s: '%s' not a fixed type",
			       l->name, key, s);
	*t = it.t;
	return check_code_width(c, l->name, key, t, QNN_MAX_CODE_WIDTH);
}

/* A softmax type key; 'auto' becomes the model default (_infer_default_type). */
static int softmax_key(struct ictx *c, const struct imp_layer *l, const char *key,
		       struct qnn_fixed_type *t, bool *found)
{
	struct imp_type it;
	int rc = type_key(c, l, key, &it, found);

	if (rc || !*found)
		return rc;
	*t = it.is_auto ? c->dflt : it.t;
	return check_code_width(c, l->name, key, t,
				!strcmp(key, "accum_t") ? QNN_MAX_ACCUM_WIDTH : QNN_MAX_CODE_WIDTH);
}

/*
 * The types an hls4ml >= 1.2 softmax computes in (written to the record
 * explicitly, so the file and the listing say what parameters.h says):
 *  - inp_norm_t (x_max - x, 'stable' only): the layer's inp_norm_t key, else
 *    ap_ufixed<W - s, I - s> of the input type, s = 1 when it is signed
 *    (backends/vivado/passes/core_templates.py SoftmaxConfigTemplate);
 *    there hls4ml also shrinks the exp table to min(table_size, 2^(W-1))
 *    entries for a signed input, which the format cannot hold: refused.
 *  - inv_inp_t (the exp sum that indexes the inverse table): the key, else
 *    the attribute's default ap_fixed<18,8,AP_RND,AP_SAT>
 *    (backends/fpga/fpga_backend.py softmax_attrs). The template's fallback
 *    to exp_table_t applies only to a type named 'model_default_t', a name
 *    this attribute never gets.
 *  - accum_t (exp terms and their sum): the key, else _set_accum_t's
 *    get_precision(layer, 'accum'): the layer's Precision, LayerType,
 *    Model, else the model default. (The template's wider accum_t_str is
 *    computed but never used: the typedef is {accum_t.name}.)
 */
static int softmax_12_types(struct ictx *c, const struct imp_layer *l,
			    const struct qnn_fixed_type *in_t, struct qnn_layer_rec *r)
{
	static const char *const keys[3] = {"inp_norm_t", "inv_inp_t", "accum_t"};
	struct qnn_fixed_type *dst[3] = {&r->inp_norm_t, &r->inv_inp_t, &r->accum_t};
	bool found[3] = {false, false, false};
	struct imp_type t;
	int rc = 0, s = in_t->is_signed;
	char a[64];

	if (r->softmax_rule != QNN_SMX_RULE_HLS4ML_12) {
		for (int i = 0; i < 3; i++)
			if (layer_key(c, l, keys[i]))
				note(c, "layer '%s': %s exists only in hls4ml >= 1.2: ignored",
				     l->name, keys[i]);
		return 0;
	}
	if (r->softmax_impl == QNN_SOFTMAX_ARGMAX)
		return 0; /* no tables, none of these types is used */
	/* 1.2+ takes exp_table_size / inv_table_size keys (default table_size);
	 * the format holds one size */
	for (int i = 0; i < 2; i++) {
		const char *k = i ? "inv_table_size" : "exp_table_size";
		const char *v = layer_key(c, l, k);

		if (v && strtol(v, NULL, 10) != (long)r->table_size)
			return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
				       "layer '%s': %s %s differs from table_size %u: unsupported",
				       l->name, k, v, r->table_size);
	}
	for (int i = 0; i < 3 && !rc; i++)
		rc = softmax_key(c, l, keys[i], dst[i], &found[i]);
	if (!rc && !found[2]) {
		bool f;

		rc = config_type(c, l, "accum", &t, &f);
		r->accum_t = t.is_auto ? c->dflt : t.t;
	}
	if (rc)
		return rc;
	if (!found[1])
		r->inv_inp_t = imp_fixed(18, 8, true, QNN_RND_RND, QNN_OVF_SAT);
	if (r->softmax_impl != QNN_SOFTMAX_STABLE) {
		/* hls4ml types it ap_fixed<1,0>, unused outside 'stable' */
		memset(&r->inp_norm_t, 0, sizeof(r->inp_norm_t));
		return 0;
	}
	if (found[0])
		return 0;
	r->inp_norm_t =
	    imp_fixed(in_t->width - s, in_t->int_bits - s, false, QNN_RND_TRN, QNN_OVF_WRAP);
	if (s && in_t->width - 1 < 31 && (1u << (in_t->width - 1)) < r->table_size)
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': hls4ml >= 1.2 shrinks the exp table to %u entries "
			       "for the signed input %s (table_size %u): unsupported",
			       l->name, 1u << (in_t->width - 1), imp_type_str(in_t, a, sizeof(a)),
			       r->table_size);
	return 0;
}

static int softmax(struct ictx *c, const struct imp_layer *l, const struct qnn_fixed_type *in_t,
		   struct hlsgen_layer_desc *d)
{
	struct qnn_layer_rec *r = &d->rec;
	const char *ts = layer_key(c, l, "table_size");
	long size = ts ? strtol(ts, NULL, 10) : 1024;
	int rc;

	if (l->in_h != 1 || l->in_w != 1)
		return hg_fail(c->err, c->errlen, -EOPNOTSUPP,
			       "layer '%s': softmax over a non-flat tensor unsupported", l->name);
	base_rec(l, r, QNN_LAYER_SOFTMAX, layer_reuse(c, l));
	rc = plain_type(c, l, "result", &r->result_t, NULL);
	if (!rc)
		rc = softmax_impl(c, l, &r->softmax_impl);
	if (rc)
		return rc;
	r->softmax_rule =
	    c->o->hls4ml_major > 1 || (c->o->hls4ml_major == 1 && c->o->hls4ml_minor >= 2)
		? QNN_SMX_RULE_HLS4ML_12
		: QNN_SMX_RULE_HLS4ML_08;
	if (r->softmax_impl != QNN_SOFTMAX_ARGMAX) {
		if (size < 2 || size > (long)QNN_MAX_TABLE || (size & (size - 1)))
			return hg_fail(
			    c->err, c->errlen, -EOPNOTSUPP,
			    "layer '%s': table_size %ld unsupported (power of two 2..%u)", l->name,
			    size, QNN_MAX_TABLE);
		r->table_size = (uint32_t)size;
	}
	rc = softmax_12_types(c, l, in_t, r);
	if (rc || r->softmax_impl == QNN_SOFTMAX_ARGMAX)
		return rc;
	rc = table_type(c, l, "exp_table_t", &r->exp_table_t);
	if (!rc)
		rc = table_type(c, l, "inv_table_t", &r->inv_table_t);
	if (rc)
		return rc;
	int32_t *e = own(c, calloc(r->table_size, sizeof(int32_t)));
	int32_t *v = own(c, calloc(r->table_size, sizeof(int32_t)));

	if (!e || !v)
		return hg_fail(c->err, c->errlen, -ENOMEM, "out of memory");
	rc = hlsgen_softmax_tables(r, in_t, e, v);
	if (rc)
		return hg_fail(c->err, c->errlen, rc, "layer '%s': building softmax tables failed",
			       l->name);
	d->exp_table = e;
	d->inv_table = v;
	d->n_table = r->table_size;
	{
		char msg[1024];

		if (imp_softmax_sum_check(r, in_t, e, v, msg, sizeof(msg)) && c->o->log)
			fprintf(c->o->log, "hlsgen import: warning: layer '%s': %s\n", l->name,
				msg);
	}
	return 0;
}

/* ---- the chain ---- */

static struct hlsgen_layer_desc *next_out(struct ictx *c, const struct imp_layer *l)
{
	if (c->n_out == QNN_MAX_LAYERS) {
		hg_fail(c->err, c->errlen, -EOVERFLOW, "layer '%s': more than %u layers", l->name,
			QNN_MAX_LAYERS);
		return NULL;
	}
	memset(&c->out[c->n_out], 0, sizeof(c->out[0]));
	return &c->out[c->n_out++];
}

static int build_layers(struct ictx *c, struct qnn_fixed_type cur)
{
	bool prev_result_auto = false;

	for (uint32_t i = 0; i < c->km.n_layers; i++) {
		const struct imp_layer *l = &c->km.layers[i];
		struct hlsgen_layer_desc *d;
		struct qnn_fixed_type t;
		bool was_auto = false;
		char a[64];
		int rc = 0;

		if (l->kind == IMP_ACT_LINEAR) {
			rc = plain_type(c, l, "result", &t, &was_auto);
			if (rc)
				return rc;
			if (was_auto && l->inner_act && prev_result_auto) {
				note(c, "layer '%s': merged into the 'auto' layer before it",
				     l->name);
				continue;
			}
			if (imp_type_eq(&t, &cur)) {
				note(c, "layer '%s': linear activation without a cast removed",
				     l->name);
				continue;
			}
		}
		d = next_out(c, l);
		if (!d)
			return -EOVERFLOW;
		prev_result_auto = false;
		switch (l->kind) {
		case IMP_CONV2D:
		case IMP_DENSE:
			rc = conv_dense(c, l, &cur, d, &prev_result_auto);
			cur = d->rec.result_t;
			break;
		case IMP_ACT_RELU:
		case IMP_ACT_LINEAR:
			base_rec(l, &d->rec,
				 l->kind == IMP_ACT_RELU ? QNN_LAYER_RELU : QNN_LAYER_LINEAR,
				 layer_reuse(c, l));
			rc = plain_type(c, l, "result", &d->rec.result_t, NULL);
			cur = d->rec.result_t;
			break;
		case IMP_QACT: {
			struct imp_type qt;
			bool found;

			base_rec(l, &d->rec,
				 l->aq.kind == HG_Q_RELU ? QNN_LAYER_RELU : QNN_LAYER_LINEAR,
				 layer_reuse(c, l));
			d->rec.result_q = imp_quant_desc(&l->aq);
			rc = config_type(c, l, "result", &qt, &found);
			if (rc)
				break;
			if (!c->cfg || qt.is_auto) {
				/* what config_from_keras_model derives from the quantizer */
				d->rec.result_t = imp_quant_result_type(&l->aq);
			} else {
				d->rec.result_t = qt.t;
				if (!found)
					note(c,
					     "layer '%s': the config gives no precision: hls4ml "
					     "uses "
					     "the model default %s, not the quantizer's type",
					     l->name, imp_type_str(&qt.t, a, sizeof(a)));
			}
			cur = d->rec.result_t;
			break;
		}
		case IMP_MAXPOOL:
			base_rec(l, &d->rec, QNN_LAYER_MAXPOOL2D, layer_reuse(c, l));
			d->rec.kernel_h = l->kh, d->rec.kernel_w = l->kw;
			d->rec.stride_h = l->sh, d->rec.stride_w = l->sw;
			d->rec.padding = l->padding;
			d->rec.pad_top = l->pad_t, d->rec.pad_bottom = l->pad_b;
			d->rec.pad_left = l->pad_l, d->rec.pad_right = l->pad_r;
			{
				struct imp_type pt;
				bool found;

				rc = config_type(c, l, "result", &pt, &found);
				/* 'auto' pooling keeps its input's type */
				d->rec.result_t = pt.is_auto ? cur : pt.t;
			}
			if (!rc)
				rc = pool_accum(c, l, &cur, &d->rec);
			cur = d->rec.result_t;
			break;
		case IMP_FLATTEN:
			base_rec(l, &d->rec, QNN_LAYER_FLATTEN, layer_reuse(c, l));
			break;
		case IMP_DROPOUT:
			base_rec(l, &d->rec, QNN_LAYER_DROPOUT, layer_reuse(c, l));
			break;
		case IMP_ACT_SOFTMAX:
			rc = softmax(c, l, &cur, d);
			cur = d->rec.result_t;
			break;
		default:
			rc = hg_fail(c->err, c->errlen, -EINVAL, "layer '%s': unexpected kind",
				     l->name);
		}
		if (!rc && d->rec.result_t.width)
			rc = check_code_width(c, l->name, "result", &d->rec.result_t,
					      QNN_MAX_CODE_WIDTH);
		if (rc)
			return rc;
	}
	return 0;
}

static int model_types(struct ictx *c, struct qnn_fixed_type *input_t)
{
	struct imp_type t;
	int rc;

	rc = imp_type_parse(imp_config_model_default(c->cfg), &t, c->err, c->errlen);
	if (rc || t.is_auto)
		return hg_fail(c->err, c->errlen, -EINVAL, "model default precision '%s' unusable",
			       imp_config_model_default(c->cfg));
	c->dflt = t.t;
	if (imp_config_model_maximum(c->cfg)) {
		rc = imp_type_parse(imp_config_model_maximum(c->cfg), &t, c->err, c->errlen);
		if (rc || t.is_auto)
			return hg_fail(c->err, c->errlen, -EINVAL,
				       "model maximum precision '%s' unusable",
				       imp_config_model_maximum(c->cfg));
		c->maximum = t.t;
	}
	/* the input: config `<input layer>: result`, else the default */
	const char *s =
	    imp_config_precision(c->cfg, c->km.input_name, imp_hls4ml_class(IMP_INPUT), "result");

	*input_t = c->dflt;
	if (s) {
		rc = imp_type_parse(s, &t, c->err, c->errlen);
		if (rc)
			return rc;
		if (!t.is_auto)
			*input_t = t.t;
	}
	return check_code_width(c, c->km.input_name, "result", input_t, QNN_MAX_CODE_WIDTH);
}

int hlsgen_import_parse_version(const char *s, int *major, int *minor)
{
	static const char *const known[] = {"0.8", "1.0", "1.1", "1.2", "1.3"};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (!strcmp(s, known[i])) {
			*major = known[i][0] - '0';
			*minor = known[i][2] - '0';
			return 0;
		}
	}
	return -1;
}

static void cleanup(struct ictx *c)
{
	for (int i = 0; i < c->n_owned; i++)
		free(c->owned[i]);
	free(c->out);
	imp_h5_close(c->h5);
	imp_config_free(c->cfg);
	imp_model_free(&c->km);
}

int hlsgen_import_build(const struct hlsgen_import_opts *o, void **buf, size_t *len, char *err,
			size_t errlen)
{
	struct ictx c;
	struct hlsgen_model_desc md;
	int rc;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.err = err;
	c.errlen = errlen;
	*buf = NULL;
	*len = 0;
	if (!((o->hls4ml_major == 0 && o->hls4ml_minor == 8) ||
	      (o->hls4ml_major == 1 && o->hls4ml_minor >= 0 && o->hls4ml_minor <= 3)))
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "hls4ml version %d.%d: precision rules known for 0.8 and 1.0-1.3",
			       o->hls4ml_major, o->hls4ml_minor);
	c.auto_rules = o->hls4ml_major >= 1;
	memset(&md, 0, sizeof(md));
	rc = imp_keras_load(o->json_path, &c.km, err, errlen);
	if (!rc && o->config_path)
		rc = imp_config_load(o->config_path, &c.cfg, err, errlen);
	if (!rc)
		rc = imp_config_check(c.cfg, &c.km, o->config_path, o->allow_unmodelled, o->log,
				      err, errlen);
	if (!rc)
		rc = imp_h5_open(o->h5_path, &c.h5, err, errlen);
	if (!rc)
		rc = model_types(&c, &md.input_t);
	if (!rc) {
		c.out = calloc(QNN_MAX_LAYERS, sizeof(*c.out));
		rc = c.out ? build_layers(&c, md.input_t)
			   : hg_fail(err, errlen, -ENOMEM, "no memory");
	}
	if (!rc) {
		md.name = c.km.name;
		md.in_h = c.km.in_h;
		md.in_w = c.km.in_w;
		md.in_c = c.km.in_c;
		md.hls4ml_major = (uint16_t)o->hls4ml_major;
		md.hls4ml_minor = (uint16_t)o->hls4ml_minor;
		md.n_layers = c.n_out;
		md.layers = c.out;
		rc = hlsgen_model_build(&md, 0, buf, len, err, errlen);
	}
	cleanup(&c);
	return rc;
}

int hlsgen_import(const struct hlsgen_import_opts *o, const char *out_path, char *err,
		  size_t errlen)
{
	void *buf;
	size_t len;
	int rc = hlsgen_import_build(o, &buf, &len, err, errlen);

	if (rc)
		return rc;
	rc = hlsgen_model_save(buf, len, out_path, err, errlen);
	free(buf);
	return rc;
}
