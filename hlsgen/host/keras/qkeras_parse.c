// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qkeras_parse.c - the one parser of QKeras quantizers (hlsgen_qkeras.h),
 * for the importer and the trainer alike: the string form users write and
 * QKeras prints ("quantized_bits(6,0,alpha=1)", "quantized_relu", "none")
 * and the JSON form of a model ({"class_name": ..., "config": {...}}).
 *
 * Both forms become the same list of arguments, bound to the parameters of
 * QKeras' constructor by position or keyword, then checked: anything that
 * changes the arithmetic and is not modelled (alpha='auto', stochastic
 * rounding, sigmoid, leaky slopes, ...) is refused by name. What a consumer
 * cannot represent on top of that (hls4ml's types for the importer, the
 * trainer's exponent range) it checks itself.
 */
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_error.h"
#include "hlsgen_qkeras.h"

#define MAX_ARGS 12

/* One argument: None, a number (True/False are 1/0) or a string. */
struct qarg {
	char key[32]; /* "" for positional */
	bool is_none, is_str;
	double num;
	char str[32];
};

struct qcall {
	char cls[32];
	struct qarg a[MAX_ARGS];
	int n;
};

/* ---- the two forms, as one argument list ---- */

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

static int value_from_text(struct qarg *a, char *v, const char *text, char *err, size_t errlen)
{
	size_t n;
	char *end;

	trim(v);
	n = strlen(v);
	if (!strcasecmp(v, "None")) {
		a->is_none = true;
	} else if (!strcasecmp(v, "True") || !strcasecmp(v, "False")) {
		a->num = v[0] == 'T' || v[0] == 't';
	} else if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
		a->is_str = true;
		snprintf(a->str, sizeof(a->str), "%.*s", (int)n - 2, v + 1);
	} else {
		a->num = strtod(v, &end);
		if (end == v || *end)
			return hg_fail(err, errlen, -EINVAL,
				       "quantizer '%s': argument '%s' not understood", text, v);
	}
	return 0;
}

/* "quantized_relu(3, 1)", "quantized_bits(6,0,alpha='auto')", "quantized_relu" */
static int call_from_text(const char *text, struct qcall *c, char *err, size_t errlen)
{
	char buf[256], *open, *close, *tok, *save = NULL;

	if (strlen(text) >= sizeof(buf))
		return hg_fail(err, errlen, -EINVAL, "quantizer '%.40s...' too long", text);
	strcpy(buf, text);
	trim(buf);
	open = strchr(buf, '(');
	if (!open) {
		snprintf(c->cls, sizeof(c->cls), "%.31s", buf);
		return 0;
	}
	close = buf + strlen(buf) - 1;
	if (*close != ')')
		return hg_fail(err, errlen, -EINVAL,
			       "'%s' is not a quantizer expression like quantized_bits(6,0)", text);
	*close = 0;
	*open = 0;
	trim(buf);
	snprintf(c->cls, sizeof(c->cls), "%.31s", buf);
	for (tok = strtok_r(open + 1, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct qarg *a = &c->a[c->n];
		char *eq = strchr(tok, '='), *v = tok;
		int rc;

		if (c->n == MAX_ARGS)
			return hg_fail(err, errlen, -EINVAL, "quantizer '%s': too many arguments",
				       text);
		memset(a, 0, sizeof(*a));
		if (eq) {
			*eq = 0;
			v = eq + 1;
			trim(tok);
			snprintf(a->key, sizeof(a->key), "%.31s", tok);
		}
		trim(v);
		if (!*v && !eq)
			continue; /* "quantized_relu()" or a trailing comma */
		rc = value_from_text(a, v, text, err, errlen);
		if (rc)
			return rc;
		c->n++;
	}
	return 0;
}

static int call_from_json(struct json_object *j, struct qcall *c, char *err, size_t errlen)
{
	struct json_object *cls, *cfg;

	if (!json_object_object_get_ex(j, "class_name", &cls) ||
	    !json_object_object_get_ex(j, "config", &cfg) ||
	    !json_object_is_type(cfg, json_type_object))
		return hg_fail(err, errlen, -EINVAL, "quantizer object lacks class_name/config");
	snprintf(c->cls, sizeof(c->cls), "%s", json_object_get_string(cls));
	json_object_object_foreach(cfg, key, val)
	{
		struct qarg *a = &c->a[c->n];

		if (!strcmp(key, "__passive_serialization__"))
			continue;
		if (c->n == MAX_ARGS)
			return hg_fail(err, errlen, -EINVAL, "quantizer %s: too many arguments",
				       c->cls);
		if (json_object_is_type(val, json_type_object) ||
		    json_object_is_type(val, json_type_array))
			return hg_fail(err, errlen, -EINVAL,
				       "quantizer argument %s is not a scalar", key);
		memset(a, 0, sizeof(*a));
		snprintf(a->key, sizeof(a->key), "%.31s", key);
		if (!val) {
			a->is_none = true;
		} else if (json_object_is_type(val, json_type_string)) {
			a->is_str = true;
			snprintf(a->str, sizeof(a->str), "%s", json_object_get_string(val));
		} else {
			a->num = json_object_get_double(val);
		}
		c->n++;
	}
	return 0;
}

/* ---- binding to QKeras' constructors ---- */

static const char *const bits_params[] = {
    "bits",	     "integer",	      "symmetric",
    "keep_negative", "alpha",	      "use_stochastic_rounding",
    "scale_axis",    "qnoise_factor", "var_name",
    "use_ste",	     "use_variables", NULL};
static const char *const relu_params[] = {"bits",
					  "integer",
					  "use_sigmoid",
					  "negative_slope",
					  "use_stochastic_rounding",
					  "relu_upper_bound",
					  "is_quantized_clip",
					  "qnoise_factor",
					  "var_name",
					  "use_ste",
					  "use_variables",
					  NULL};
static const char *const po2_params[] = {"bits",
					 "max_value",
					 "use_stochastic_rounding",
					 "quadratic_approximation",
					 "log2_rounding",
					 "qnoise_factor",
					 "var_name",
					 "use_ste",
					 "use_variables",
					 NULL};

/* The arguments by parameter position (NULL: not given). */
struct qbound {
	const char *cls;
	const struct qarg *v[MAX_ARGS];
};

static int param_index(const char *const *names, const char *key)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

static int bind(const struct qcall *c, const char *const *names, unsigned flags, struct qbound *b,
		char *err, size_t errlen)
{
	int n_names = 0, npos = 0;

	while (names[n_names])
		n_names++;
	memset(b, 0, sizeof(*b));
	b->cls = c->cls;
	for (int i = 0; i < c->n; i++) {
		const struct qarg *a = &c->a[i];
		int at = a->key[0] ? param_index(names, a->key) : npos++;

		if (at < 0 || at >= n_names) {
			/* a newer QKeras may write arguments we do not know */
			if (flags & HG_QK_LENIENT)
				continue;
			return hg_fail(err, errlen, -EINVAL, "%s: unknown argument '%s'", c->cls,
				       a->key[0] ? a->key : "(positional)");
		}
		b->v[at] = a;
	}
	return 0;
}

static bool given(const struct qarg *a)
{
	return a && !a->is_none;
}

/* A number argument, or dflt when absent or None. */
static int num_arg(const struct qbound *b, int at, const char *name, double dflt, double *out,
		   char *err, size_t errlen)
{
	const struct qarg *a = b->v[at];

	*out = dflt;
	if (!given(a))
		return 0;
	if (a->is_str)
		return hg_fail(err, errlen, -EINVAL, "%s: bad %s '%s'", b->cls, name, a->str);
	*out = a->num;
	return 0;
}

static int int_arg(const struct qbound *b, int at, const char *name, int dflt, int *out, char *err,
		   size_t errlen)
{
	double v;
	int rc = num_arg(b, at, name, dflt, &v, err, errlen);

	if (rc)
		return rc;
	if (v != floor(v) || v < -64 || v > 64)
		return hg_fail(err, errlen, -EINVAL, "%s: bad %s %g", b->cls, name, v);
	*out = (int)v;
	return 0;
}

/* A flag that changes the arithmetic when set: refused unless false/None. */
static int refuse_set(const struct qbound *b, int at, const char *name, char *err, size_t errlen)
{
	const struct qarg *a = b->v[at];

	if (!given(a) || (!a->is_str && a->num == 0))
		return 0;
	return hg_fail(err, errlen, -EOPNOTSUPP, "%s: %s is not supported", b->cls, name);
}

static int refuse_unless(const struct qbound *b, int at, const char *name, double want, char *err,
			 size_t errlen)
{
	const struct qarg *a = b->v[at];

	if (!given(a) || (!a->is_str && a->num == want))
		return 0;
	if (a->is_str)
		return hg_fail(err, errlen, -EOPNOTSUPP, "%s: %s='%s' is not supported", b->cls,
			       name, a->str);
	return hg_fail(err, errlen, -EOPNOTSUPP, "%s: %s=%g is not supported (only %g/None)",
		       b->cls, name, a->num, want);
}

static int bits_range(const struct qbound *b, int bits, char *err, size_t errlen)
{
	if (bits < 1 || bits > 32)
		return hg_fail(err, errlen, -EINVAL, "%s: bits=%d out of range 1..32", b->cls,
			       bits);
	return 0;
}

/* ---- per quantizer ---- */

static int parse_bits(const struct qbound *b, struct hg_quantizer *q, char *err, size_t errlen)
{
	double keep = 1;
	int rc;

	q->kind = HG_Q_BITS;
	rc = int_arg(b, 0, "bits", 8, &q->bits, err, errlen);
	rc = rc ? rc : int_arg(b, 1, "integer", 0, &q->integer, err, errlen);
	rc = rc ? rc : int_arg(b, 2, "symmetric", 0, &q->symmetric, err, errlen);
	rc = rc ? rc : num_arg(b, 3, "keep_negative", 1, &keep, err, errlen);
	rc = rc ? rc : bits_range(b, q->bits, err, errlen);
	/* alpha None and alpha 1 both mean no scale; anything else needs an
	 * ApplyAlpha layer in hls4ml, which is not modelled */
	rc = rc ? rc : refuse_unless(b, 4, "alpha", 1.0, err, errlen);
	rc = rc ? rc : refuse_set(b, 5, "use_stochastic_rounding", err, errlen);
	rc = rc ? rc : refuse_set(b, 6, "scale_axis", err, errlen);
	rc = rc ? rc : refuse_unless(b, 7, "qnoise_factor", 1.0, err, errlen);
	q->symmetric = q->symmetric != 0;
	q->keep_negative = keep != 0;
	return rc;
}

static int parse_relu(const struct qbound *b, struct hg_quantizer *q, char *err, size_t errlen)
{
	const struct qarg *clip = b->v[6];
	int rc;

	q->kind = HG_Q_RELU;
	rc = int_arg(b, 0, "bits", 8, &q->bits, err, errlen);
	rc = rc ? rc : int_arg(b, 1, "integer", 0, &q->integer, err, errlen);
	rc = rc ? rc : bits_range(b, q->bits, err, errlen);
	rc = rc ? rc : refuse_set(b, 2, "use_sigmoid", err, errlen);
	rc = rc ? rc : refuse_unless(b, 3, "negative_slope", 0.0, err, errlen);
	rc = rc ? rc : refuse_set(b, 4, "use_stochastic_rounding", err, errlen);
	rc = rc ? rc : refuse_set(b, 5, "relu_upper_bound", err, errlen);
	if (!rc && clip && (clip->is_str || (!clip->is_none && clip->num == 0)))
		rc = hg_fail(err, errlen, -EOPNOTSUPP,
			     "%s: is_quantized_clip=False is not supported", b->cls);
	rc = rc ? rc : refuse_unless(b, 7, "qnoise_factor", 1.0, err, errlen);
	return rc;
}

static int parse_po2(const struct qbound *b, struct hg_quantizer *q, char *err, size_t errlen)
{
	const struct qarg *round = b->v[4];
	double max;
	int rc;

	q->kind = HG_Q_PO2;
	rc = int_arg(b, 0, "bits", 8, &q->bits, err, errlen);
	rc = rc ? rc : num_arg(b, 1, "max_value", -1, &max, err, errlen);
	rc = rc ? rc : bits_range(b, q->bits, err, errlen);
	if (rc)
		return rc;
	if (given(b->v[1])) {
		q->max_value = (float)max;
		q->has_max = 1;
		if (!(q->max_value >= 0.0f) || isinf(q->max_value))
			return hg_fail(err, errlen, -EINVAL, "%s: bad max_value %g", b->cls, max);
	}
	rc = refuse_set(b, 2, "use_stochastic_rounding", err, errlen);
	rc = rc ? rc : refuse_set(b, 3, "quadratic_approximation", err, errlen);
	if (!rc && given(round) && (!round->is_str || strcmp(round->str, "rnd")))
		rc = hg_fail(err, errlen, -EOPNOTSUPP,
			     "%s: log2_rounding other than 'rnd' is not supported", b->cls);
	rc = rc ? rc : refuse_unless(b, 5, "qnoise_factor", 1.0, err, errlen);
	return rc;
}

static int parse_call(const struct qcall *c, unsigned flags, struct hg_quantizer *q, char *err,
		      size_t errlen)
{
	static const struct {
		const char *cls;
		const char *const *params;
		int (*parse)(const struct qbound *, struct hg_quantizer *, char *, size_t);
	} kinds[] = {
	    {"quantized_bits", bits_params, parse_bits},
	    {"quantized_relu", relu_params, parse_relu},
	    {"quantized_po2", po2_params, parse_po2},
	};
	struct qbound b;

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(c->cls, kinds[i].cls))
			continue;
		int rc = bind(c, kinds[i].params, flags, &b, err, errlen);

		return rc ? rc : kinds[i].parse(&b, q, err, errlen);
	}
	return hg_fail(err, errlen, -EOPNOTSUPP,
		       "quantizer '%s' is not supported (quantized_bits, quantized_relu, "
		       "quantized_po2)",
		       c->cls);
}

int hg_qkeras_parse(const char *text, unsigned flags, struct hg_quantizer *q, char *err,
		    size_t errlen)
{
	struct qcall c;
	int rc;

	memset(q, 0, sizeof(*q));
	memset(&c, 0, sizeof(c));
	rc = call_from_text(text, &c, err, errlen);
	return rc ? rc : parse_call(&c, flags, q, err, errlen);
}

int hg_qkeras_parse_json(struct json_object *j, unsigned flags, struct hg_quantizer *q, char *err,
			 size_t errlen)
{
	struct qcall c;
	int rc;

	memset(q, 0, sizeof(*q));
	if (!j || json_object_is_type(j, json_type_null))
		return 0;
	if (json_object_is_type(j, json_type_string))
		return hg_qkeras_parse(json_object_get_string(j), flags, q, err, errlen);
	if (!json_object_is_type(j, json_type_object))
		return hg_fail(err, errlen, -EINVAL, "quantizer not understood");
	memset(&c, 0, sizeof(c));
	rc = call_from_json(j, &c, err, errlen);
	return rc ? rc : parse_call(&c, flags, q, err, errlen);
}

void hg_quantizer_po2_exponents(const struct hg_quantizer *q, int *min_exp, int *max_exp)
{
	/* QKeras: the exponent needs its own sign bit unless max_value <= 1 */
	int need_sign = !(q->has_max && q->max_value <= 1.0f);
	int effect = q->bits - 1 - need_sign;

	*min_exp = effect >= 0 ? -(1 << effect) : 0;
	*max_exp = effect >= 0 ? (1 << effect) - 1 : -1;
}
