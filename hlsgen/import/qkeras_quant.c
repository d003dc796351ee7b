// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qkeras_quant.c - QKeras quantizers as the importer meets them: parsed
 * from the model JSON (dict or "quantized_bits(6,0,alpha=1)" string),
 * applied to the HDF5 floats exactly as QKeras' deterministic forward pass
 * does (docs/semantics.md section 2), and mapped to the types hls4ml gives them
 * (hls4ml model/quantizers.py and utils/config.py). Anything that changes
 * the arithmetic and is not modelled is refused by name.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "import_internal.h"

/* One argument: a number, None, True/False or a string. */
struct qarg {
	char key[32]; /* "" for positional */
	bool is_none, is_str;
	double num;
	char str[32];
};

#define MAX_QARGS 12

struct qspec {
	char cls[32];
	struct qarg a[MAX_QARGS];
	int n;
};

static const struct qarg *arg_get(const struct qspec *s, const char *key, int pos)
{
	int npos = 0;

	for (int i = 0; i < s->n; i++) {
		if (s->a[i].key[0]) {
			if (!strcmp(s->a[i].key, key))
				return &s->a[i];
		} else if (npos++ == pos) {
			return &s->a[i];
		}
	}
	return NULL;
}

static void arg_set_json(struct qarg *a, const char *key, struct json_object *v)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->key, sizeof(a->key), "%s", key);
	if (!v) {
		a->is_none = true;
	} else if (json_object_is_type(v, json_type_string)) {
		a->is_str = true;
		snprintf(a->str, sizeof(a->str), "%s", json_object_get_string(v));
	} else {
		a->num = json_object_get_double(v);
	}
}

static int spec_from_json(struct json_object *j, struct qspec *s, char *err, size_t errlen)
{
	struct json_object *cls, *cfg;

	memset(s, 0, sizeof(*s));
	if (!json_object_object_get_ex(j, "class_name", &cls) ||
	    !json_object_object_get_ex(j, "config", &cfg) ||
	    !json_object_is_type(cfg, json_type_object))
		return hg_fail(err, errlen, -EINVAL, "quantizer object lacks class_name/config");
	snprintf(s->cls, sizeof(s->cls), "%s", json_object_get_string(cls));
	json_object_object_foreach(cfg, key, val)
	{
		if (s->n == MAX_QARGS)
			break;
		arg_set_json(&s->a[s->n++], key, val);
	}
	return 0;
}

/* "quantized_relu(3, 1)", "quantized_bits(6,0,alpha='auto')" */
static int spec_from_string(const char *text, struct qspec *s, char *err, size_t errlen)
{
	char buf[256], *p, *open, *tok, *save = NULL;

	memset(s, 0, sizeof(*s));
	if (strlen(text) >= sizeof(buf))
		return hg_fail(err, errlen, -EINVAL, "quantizer string too long");
	strcpy(buf, text);
	open = strchr(buf, '(');
	p = buf + strlen(buf);
	while (p > buf && (p[-1] == ' '))
		*--p = 0;
	if (!open) {
		snprintf(s->cls, sizeof(s->cls), "%.31s", buf);
		return 0;
	}
	if (p[-1] != ')')
		return hg_fail(err, errlen, -EINVAL, "quantizer '%s' not understood", text);
	p[-1] = 0;
	*open = 0;
	snprintf(s->cls, sizeof(s->cls), "%.31s", buf);
	for (tok = strtok_r(open + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct qarg *a = &s->a[s->n];
		char *eq = strchr(tok, '='), *v = tok, *end;

		if (s->n == MAX_QARGS)
			return hg_fail(err, errlen, -EINVAL, "quantizer '%s': too many arguments",
				       text);
		memset(a, 0, sizeof(*a));
		if (eq) {
			*eq = 0;
			v = eq + 1;
			while (*tok == ' ')
				tok++;
			for (end = tok + strlen(tok); end > tok && end[-1] == ' ';)
				*--end = 0;
			snprintf(a->key, sizeof(a->key), "%.31s", tok);
		}
		while (*v == ' ')
			v++;
		for (end = v + strlen(v); end > v && end[-1] == ' ';)
			*--end = 0;
		if (!strcmp(v, "None")) {
			a->is_none = true;
		} else if (!strcmp(v, "True") || !strcmp(v, "False")) {
			a->num = v[0] == 'T';
		} else if (v[0] == '\'' || v[0] == '"') {
			a->is_str = true;
			snprintf(a->str, sizeof(a->str), "%.*s", (int)strlen(v) - 2, v + 1);
		} else {
			a->num = strtod(v, &end);
			if (end == v || *end)
				return hg_fail(err, errlen, -EINVAL,
					       "quantizer '%s': argument '%s' not understood", text,
					       v);
		}
		s->n++;
	}
	return 0;
}

static double num_or(const struct qarg *a, double dflt)
{
	return a && !a->is_none && !a->is_str ? a->num : dflt;
}

#define UNSUPPORTED(feature)                                                                       \
	hg_fail(err, errlen, -EOPNOTSUPP, "layer '%s' %s: %s unsupported", layer, what, feature)

/* Checks shared by all kinds: no stochastic rounding, no noise blending. */
static int common_checks(const struct qspec *s, const char *layer, const char *what, char *err,
			 size_t errlen)
{
	const struct qarg *a = arg_get(s, "use_stochastic_rounding", -1);

	if (a && (a->is_str || a->num != 0))
		return UNSUPPORTED("use_stochastic_rounding");
	a = arg_get(s, "qnoise_factor", -1);
	if (a && !a->is_none && (a->is_str || a->num != 1.0))
		return UNSUPPORTED("qnoise_factor != 1");
	return 0;
}

static int bits_from(const struct qspec *s, int pos, const char *layer, const char *what, int *bits,
		     char *err, size_t errlen)
{
	const struct qarg *a = arg_get(s, "bits", pos);
	double b = num_or(a, 8);

	if (b != floor(b) || b < 1 || b > 32)
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: bits %g out of range 1..32",
			       layer, what, b);
	*bits = (int)b;
	return 0;
}

static int parse_bits(const struct qspec *s, const char *layer, const char *what,
		      struct imp_quant *q, char *err, size_t errlen)
{
	const struct qarg *alpha;
	int rc = bits_from(s, 0, layer, what, &q->bits, err, errlen);

	if (rc)
		return rc;
	q->kind = QNN_QK_QUANTIZED_BITS;
	q->integer = (int)num_or(arg_get(s, "integer", 1), 0);
	q->symmetric = num_or(arg_get(s, "symmetric", 2), 0) != 0;
	q->keep_negative = num_or(arg_get(s, "keep_negative", 3), 1) != 0;
	alpha = arg_get(s, "alpha", 4);
	if (alpha && alpha->is_str)
		return hg_fail(err, errlen, -EOPNOTSUPP, "layer '%s' %s: alpha='%s' unsupported",
			       layer, what, alpha->str);
	/* alpha None and alpha 1 both mean no scale; anything else needs an
	 * ApplyAlpha layer in hls4ml, which this format does not model */
	if (alpha && !alpha->is_none && alpha->num != 1.0)
		return hg_fail(err, errlen, -EOPNOTSUPP, "layer '%s' %s: alpha=%g unsupported",
			       layer, what, alpha->num);
	if (q->integer < -32 || q->integer > 32)
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: integer %d out of range",
			       layer, what, q->integer);
	/* One signed bit is a sign function (+-1) in QKeras, not a fixed-point grid: ap_fixed<1,1>
	 * cannot hold +1, so refuse it by name rather than import other numbers. */
	if (q->bits == 1 && q->keep_negative)
		return hg_fail(err, errlen, -EOPNOTSUPP,
			       "layer '%s' %s: quantized_bits(1) with keep_negative (a sign "
			       "function in QKeras) is not supported",
			       layer, what);
	if (arg_get(s, "scale_axis", -1) && !arg_get(s, "scale_axis", -1)->is_none)
		return UNSUPPORTED("scale_axis");
	return 0;
}

static int parse_relu(const struct qspec *s, const char *layer, const char *what,
		      struct imp_quant *q, char *err, size_t errlen)
{
	const struct qarg *a;
	int rc = bits_from(s, 0, layer, what, &q->bits, err, errlen);

	if (rc)
		return rc;
	q->kind = QNN_QK_QUANTIZED_RELU;
	q->integer = (int)num_or(arg_get(s, "integer", 1), 0);
	if (num_or(arg_get(s, "use_sigmoid", 2), 0) != 0)
		return UNSUPPORTED("use_sigmoid");
	if (num_or(arg_get(s, "negative_slope", 3), 0) != 0)
		return UNSUPPORTED("negative_slope (leaky quantized_relu)");
	a = arg_get(s, "relu_upper_bound", 5);
	if (a && !a->is_none)
		return UNSUPPORTED("relu_upper_bound");
	if (q->integer < 0 || q->integer > q->bits)
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: integer %d out of range",
			       layer, what, q->integer);
	return 0;
}

static int parse_po2(const struct qspec *s, const char *layer, const char *what,
		     struct imp_quant *q, char *err, size_t errlen)
{
	const struct qarg *a;
	int rc = bits_from(s, 0, layer, what, &q->bits, err, errlen), need_sign, eff;

	if (rc)
		return rc;
	q->kind = QNN_QK_QUANTIZED_PO2;
	a = arg_get(s, "max_value", 1);
	q->has_max = a && !a->is_none;
	if (q->has_max) {
		q->max_value = a->num;
		int e;
		if (q->max_value <= 0 || frexp(q->max_value, &e) != 0.5)
			return UNSUPPORTED("max_value that is not a power of two");
	}
	if (num_or(arg_get(s, "quadratic_approximation", 3), 0) != 0)
		return UNSUPPORTED("quadratic_approximation");
	a = arg_get(s, "log2_rounding", -1);
	if (a && a->is_str && strcmp(a->str, "rnd"))
		return UNSUPPORTED("log2_rounding other than 'rnd'");
	/* QKeras: the exponent needs its own sign bit unless max_value <= 1 */
	need_sign = !q->has_max || q->max_value > 1;
	eff = q->bits - 1 - need_sign;
	if (eff < 0 || eff > 6)
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: po2 bits %d out of range",
			       layer, what, q->bits);
	q->min_exp = -(1 << eff);
	q->max_exp = (1 << eff) - 1;
	if (q->has_max && (int)log2(q->max_value) < q->max_exp)
		q->max_exp = (int)log2(q->max_value);
	return 0;
}

static int quant_from_spec(const struct qspec *s, const char *layer, const char *what,
			   struct imp_quant *q, char *err, size_t errlen)
{
	int rc = common_checks(s, layer, what, err, errlen);

	if (rc)
		return rc;
	if (!strcmp(s->cls, "quantized_bits"))
		return parse_bits(s, layer, what, q, err, errlen);
	if (!strcmp(s->cls, "quantized_relu"))
		return parse_relu(s, layer, what, q, err, errlen);
	if (!strcmp(s->cls, "quantized_po2"))
		return parse_po2(s, layer, what, q, err, errlen);
	return hg_fail(err, errlen, -EOPNOTSUPP, "layer '%s' %s: quantizer '%s' unsupported", layer,
		       what, s->cls);
}

int imp_quant_from_string(const char *text, const char *layer, const char *what,
			  struct imp_quant *q, char *err, size_t errlen)
{
	struct qspec s;
	int rc;

	memset(q, 0, sizeof(*q));
	rc = spec_from_string(text, &s, err, errlen);
	return rc ? rc : quant_from_spec(&s, layer, what, q, err, errlen);
}

int imp_quant_from_json(struct json_object *j, const char *layer, const char *what,
			struct imp_quant *q, char *err, size_t errlen)
{
	struct qspec s;
	int rc;

	memset(q, 0, sizeof(*q));
	if (!j)
		return 0;
	if (json_object_is_type(j, json_type_string))
		return imp_quant_from_string(json_object_get_string(j), layer, what, q, err,
					     errlen);
	if (!json_object_is_type(j, json_type_object))
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: quantizer not understood",
			       layer, what);
	rc = spec_from_json(j, &s, err, errlen);
	return rc ? rc : quant_from_spec(&s, layer, what, q, err, errlen);
}

/* ---- forward values ---- */

static double po2_apply(const struct imp_quant *q, double x)
{
	/* QKeras works in float32; its epsilon is float32(1e-7) */
	const float eps = 1e-7f;
	float ax = fabsf((float)x);
	double e;

	if (ax < eps) {
		e = q->min_exp;
	} else {
		if (q->has_max && ax >= (float)q->max_value)
			ax = (float)q->max_value;
		/*
		 * log(x) / log(2) in float32, as QKeras (K.log) computes it and hls4ml then
		 * takes it: near sqrt(2) * 2^k the exact log2 and the float32 quotient round
		 * to different exponents. The same expression as hlsgen/ref/qkeras_float.c.
		 */
		e = rintf(logf(ax) / 0.6931471805599453f);
		if (e < q->min_exp)
			e = q->min_exp;
		if (e > q->max_exp)
			e = q->max_exp;
	}
	/* sign(0) counts as +1 in QKeras: zero becomes +2^min_exp */
	return (x < 0 ? -1.0 : 1.0) * ldexp(1.0, (int)e);
}

double imp_quant_apply(const struct imp_quant *q, double x)
{
	double m, mi, r, lo;

	switch (q->kind) {
	case QNN_QK_QUANTIZED_BITS:
		m = ldexp(1.0, q->bits - q->keep_negative);
		mi = ldexp(1.0, q->integer);
		r = nearbyint(x * m / mi); /* round half to even, like tf.round */
		lo = q->keep_negative ? -m + q->symmetric : 0.0;
		r = r < lo ? lo : r > m - 1 ? m - 1 : r;
		return r * mi / m;
	case QNN_QK_QUANTIZED_RELU:
		m = ldexp(1.0, q->bits);
		mi = ldexp(1.0, q->integer);
		r = nearbyint(x * m / mi);
		r = r < 0 ? 0 : r > m - 1 ? m - 1 : r;
		return r * mi / m;
	case QNN_QK_QUANTIZED_PO2:
		return po2_apply(q, x);
	default:
		return x;
	}
}

struct qnn_qkeras_quantizer imp_quant_desc(const struct imp_quant *q)
{
	struct qnn_qkeras_quantizer d;

	memset(&d, 0, sizeof(d));
	d.kind = (uint8_t)q->kind;
	if (q->kind == QNN_QK_NONE)
		return d;
	d.bits = (uint8_t)q->bits;
	d.integer = (int8_t)q->integer;
	if (q->kind == QNN_QK_QUANTIZED_BITS) {
		d.symmetric = (uint8_t)q->symmetric;
		d.keep_negative = (uint8_t)q->keep_negative;
	} else if (q->kind == QNN_QK_QUANTIZED_PO2) {
		d.integer = q->has_max ? (int8_t)log2(q->max_value) : -128;
		d.keep_negative = 1;
	}
	return d;
}

int imp_quant_weight_type(const struct imp_quant *q, const char *layer, const char *what,
			  struct qnn_fixed_type *t, char *err, size_t errlen)
{
	int w, i;

	switch (q->kind) {
	case QNN_QK_QUANTIZED_BITS:
		/* hls4ml QKerasQuantizer._get_type: always signed */
		if (q->bits == q->integer)
			*t = imp_fixed(q->bits, q->bits, true, QNN_RND_TRN, QNN_OVF_WRAP);
		else
			*t = imp_fixed(q->bits, q->integer + 1, true, QNN_RND_TRN, QNN_OVF_WRAP);
		return 0;
	case QNN_QK_QUANTIZED_PO2:
		/*
		 * hls4ml stores (sign, exponent) and multiplies by shifting; the
		 * format stores plain codes instead, so pick the narrowest signed
		 * type holding +-2^e for every e in [min_exp, max_exp]: F = -min_exp
		 * fraction bits, I = max_exp + 2 (sign and +2^max_exp).
		 */
		i = q->max_exp + 2;
		w = i - q->min_exp;
		if (w > (int)QNN_MAX_CODE_WIDTH)
			return hg_fail(err, errlen, -EOPNOTSUPP,
				       "layer '%s' %s: quantized_po2 exponent range %d..%d needs "
				       "%d-bit codes (max 32): unsupported",
				       layer, what, q->min_exp, q->max_exp, w);
		*t = imp_fixed(w, i, true, QNN_RND_TRN, QNN_OVF_WRAP);
		return 0;
	default:
		return hg_fail(err, errlen, -EINVAL, "layer '%s' %s: quantizer has no weight type",
			       layer, what);
	}
}

struct qnn_fixed_type imp_quant_result_type(const struct imp_quant *q)
{
	/* hls4ml utils/config.py _get_precision_from_quantizer (>= 0.7) */
	int integer = q->integer + 1;
	bool is_signed = true;

	if (q->kind == QNN_QK_QUANTIZED_RELU) {
		is_signed = false;
		integer -= 1;
	}
	if (q->bits - integer > 0)
		return imp_fixed(q->bits, integer, is_signed, QNN_RND_CONV, QNN_OVF_SAT);
	/* no fraction bits: hls4ml emits a plain ap_(u)int<integer> */
	return imp_fixed(integer, integer, is_signed, QNN_RND_TRN, QNN_OVF_WRAP);
}
