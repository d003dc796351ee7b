// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Parses QKeras quantizer expressions as users write them on the command
 * line or QKeras prints them: "quantized_bits(6,0,alpha=1)",
 * "quantized_relu(6)", "quantized_po2(4, max_value=1)". Positional order
 * follows QKeras' constructors. Anything that changes the arithmetic and
 * is not supported (alpha='auto', stochastic rounding, sigmoid, leaky
 * slopes) is refused by name instead of being silently ignored.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_error.h"
#include "hlsgen_qkeras.h"

#define MAX_ARGS 12

struct qarg {
	char key[32]; /* "" for positional */
	char val[32];
};

static void trim(char *s)
{
	size_t n = strlen(s);
	size_t i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = 0;
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
	n = strlen(s);
	if (n >= 2 && (s[0] == '\'' || s[0] == '"') && s[n - 1] == s[0]) {
		memmove(s, s + 1, n - 2);
		s[n - 2] = 0;
	}
}

static int split_args(const char *inner, struct qarg *a, int *na, char *err, size_t errlen)
{
	char buf[256];
	char *save = NULL;

	if (strlen(inner) >= sizeof(buf))
		return hg_fail(err, errlen, -1, "quantizer arguments too long");
	strcpy(buf, inner);
	*na = 0;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		if (*na == MAX_ARGS)
			return hg_fail(err, errlen, -1, "too many quantizer arguments");
		memset(&a[*na], 0, sizeof(a[*na]));
		if (eq) {
			*eq = 0;
			snprintf(a[*na].key, sizeof(a[*na].key), "%s", tok);
			snprintf(a[*na].val, sizeof(a[*na].val), "%s", eq + 1);
			trim(a[*na].key);
		} else {
			snprintf(a[*na].val, sizeof(a[*na].val), "%s", tok);
		}
		trim(a[*na].val);
		if (!a[*na].val[0] && !eq && !a[*na].key[0])
			continue; /* "quantized_relu()" or a trailing comma */
		(*na)++;
	}
	return 0;
}

/* Truth value of "1", "0", "True", "False", "None" (None counts as false). */
static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "1") || !strcasecmp(v, "true")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "none")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int parse_int(const char *v, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (end == v || *end || x < -64 || x > 64)
		return -1;
	*out = (int)x;
	return 0;
}

/* Position of a named parameter in the constructor, or -1. */
static int param_index(const char *const *names, const char *key)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], key))
			return i;
	return -1;
}

/* Resolve positional and keyword arguments into vals[] by position. */
static int bind_args(const char *qname, const char *const *names, const struct qarg *a, int na,
		     const char **vals, char *err, size_t errlen)
{
	int n_names = 0;

	while (names[n_names])
		n_names++;
	for (int i = 0; i < n_names; i++)
		vals[i] = NULL;
	for (int i = 0; i < na; i++) {
		int at = a[i].key[0] ? param_index(names, a[i].key) : i;

		if (at < 0 || at >= n_names)
			return hg_fail(err, errlen, -1, "%s: unknown argument '%s'", qname,
				       a[i].key[0] ? a[i].key : a[i].val);
		vals[at] = a[i].val;
	}
	return 0;
}

static int refuse_if_set(const char *qname, const char *what, const char *v, char *err,
			 size_t errlen)
{
	int b;

	if (!v)
		return 0;
	if (parse_bool(v, &b) == 0 && !b)
		return 0;
	return hg_fail(err, errlen, -1, "%s: %s=%s is not supported", qname, what, v);
}

static int parse_bits(const struct qarg *a, int na, struct hg_quantizer *q, char *err,
		      size_t errlen)
{
	static const char *const names[] = {
	    "bits",	     "integer",	      "symmetric",
	    "keep_negative", "alpha",	      "use_stochastic_rounding",
	    "scale_axis",    "qnoise_factor", "var_name",
	    "use_ste",	     "use_variables", NULL};
	const char *v[11];

	if (bind_args("quantized_bits", names, a, na, v, err, errlen))
		return -1;
	q->kind = HG_Q_BITS;
	q->bits = 8;
	q->keep_negative = 1;
	if (v[0] && parse_int(v[0], &q->bits))
		return hg_fail(err, errlen, -1, "quantized_bits: bad bits '%s'", v[0]);
	if (v[1] && parse_int(v[1], &q->integer))
		return hg_fail(err, errlen, -1, "quantized_bits: bad integer '%s'", v[1]);
	if (v[2] && parse_bool(v[2], &q->symmetric))
		return hg_fail(err, errlen, -1, "quantized_bits: bad symmetric '%s'", v[2]);
	if (v[3] && parse_bool(v[3], &q->keep_negative))
		return hg_fail(err, errlen, -1, "quantized_bits: bad keep_negative '%s'", v[3]);
	if (v[4] && strcasecmp(v[4], "none") && strtod(v[4], NULL) != 1.0)
		return hg_fail(err, errlen, -1,
			       "quantized_bits: alpha=%s is not supported (only 1/None)", v[4]);
	if (refuse_if_set("quantized_bits", "use_stochastic_rounding", v[5], err, errlen))
		return -1;
	if (v[7] && strtod(v[7], NULL) != 1.0)
		return hg_fail(err, errlen, -1, "quantized_bits: qnoise_factor=%s is not supported",
			       v[7]);
	if (q->bits < 1 || q->bits > 32)
		return hg_fail(err, errlen, -1, "quantized_bits: bits=%d out of range 1..32",
			       q->bits);
	return 0;
}

static int parse_relu(const struct qarg *a, int na, struct hg_quantizer *q, char *err,
		      size_t errlen)
{
	static const char *const names[] = {"bits",
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
	const char *v[11];
	int clip = 1;

	if (bind_args("quantized_relu", names, a, na, v, err, errlen))
		return -1;
	q->kind = HG_Q_RELU;
	q->bits = 8;
	if (v[0] && parse_int(v[0], &q->bits))
		return hg_fail(err, errlen, -1, "quantized_relu: bad bits '%s'", v[0]);
	if (v[1] && parse_int(v[1], &q->integer))
		return hg_fail(err, errlen, -1, "quantized_relu: bad integer '%s'", v[1]);
	if (refuse_if_set("quantized_relu", "use_sigmoid", v[2], err, errlen) ||
	    (v[3] && strtod(v[3], NULL) != 0.0 &&
	     hg_fail(err, errlen, -1, "quantized_relu: negative_slope=%s is not supported",
		     v[3])) ||
	    refuse_if_set("quantized_relu", "use_stochastic_rounding", v[4], err, errlen) ||
	    (v[5] && strcasecmp(v[5], "none") &&
	     hg_fail(err, errlen, -1, "quantized_relu: relu_upper_bound is not supported")))
		return -1;
	if (v[6] && (parse_bool(v[6], &clip) || !clip))
		return hg_fail(err, errlen, -1,
			       "quantized_relu: is_quantized_clip=%s is not supported", v[6]);
	if (v[7] && strtod(v[7], NULL) != 1.0)
		return hg_fail(err, errlen, -1, "quantized_relu: qnoise_factor=%s is not supported",
			       v[7]);
	if (q->bits < 1 || q->bits > 32)
		return hg_fail(err, errlen, -1, "quantized_relu: bits=%d out of range 1..32",
			       q->bits);
	return 0;
}

static int parse_po2(const struct qarg *a, int na, struct hg_quantizer *q, char *err, size_t errlen)
{
	static const char *const names[] = {"bits",
					    "max_value",
					    "use_stochastic_rounding",
					    "quadratic_approximation",
					    "log2_rounding",
					    "qnoise_factor",
					    "var_name",
					    "use_ste",
					    "use_variables",
					    NULL};
	const char *v[9];

	if (bind_args("quantized_po2", names, a, na, v, err, errlen))
		return -1;
	q->kind = HG_Q_PO2;
	q->bits = 8;
	if (v[0] && parse_int(v[0], &q->bits))
		return hg_fail(err, errlen, -1, "quantized_po2: bad bits '%s'", v[0]);
	if (v[1] && strcasecmp(v[1], "none")) {
		char *end;

		q->max_value = strtof(v[1], &end);
		if (end == v[1] || *end || !(q->max_value >= 0.0f) || isinf(q->max_value))
			return hg_fail(err, errlen, -1, "quantized_po2: bad max_value '%s'", v[1]);
		q->has_max = 1;
	}
	if (refuse_if_set("quantized_po2", "use_stochastic_rounding", v[2], err, errlen) ||
	    refuse_if_set("quantized_po2", "quadratic_approximation", v[3], err, errlen))
		return -1;
	if (v[4] && strcmp(v[4], "rnd"))
		return hg_fail(err, errlen, -1, "quantized_po2: log2_rounding=%s is not supported",
			       v[4]);
	if (v[5] && strtod(v[5], NULL) != 1.0)
		return hg_fail(err, errlen, -1, "quantized_po2: qnoise_factor=%s is not supported",
			       v[5]);
	/* exponents need at least one bit besides the signs */
	if (q->bits < 2 + !(q->has_max && q->max_value <= 1.0f) || q->bits > 8)
		return hg_fail(err, errlen, -1, "quantized_po2: bits=%d out of the supported range",
			       q->bits);
	return 0;
}

int hg_quantizer_parse(const char *text, struct hg_quantizer *q, char *err, size_t errlen)
{
	char name[48];
	const char *open = strchr(text, '(');
	const char *close = strrchr(text, ')');
	struct qarg a[MAX_ARGS];
	int na = 0;
	char inner[256];

	memset(q, 0, sizeof(*q));
	while (isspace((unsigned char)*text))
		text++;
	if (!strcmp(text, "none") || !strcmp(text, "None") || !*text)
		return 0;
	if (!open || !close || close < open || (size_t)(open - text) >= sizeof(name) ||
	    (size_t)(close - open - 1) >= sizeof(inner))
		return hg_fail(err, errlen, -1,
			       "'%s' is not a quantizer expression like quantized_bits(6,0)", text);
	memcpy(name, text, (size_t)(open - text));
	name[open - text] = 0;
	trim(name);
	memcpy(inner, open + 1, (size_t)(close - open - 1));
	inner[close - open - 1] = 0;
	for (const char *p = close + 1; *p; p++)
		if (!isspace((unsigned char)*p))
			return hg_fail(err, errlen, -1, "trailing text after quantizer '%s'", text);
	if (split_args(inner, a, &na, err, errlen))
		return -1;
	if (!strcmp(name, "quantized_bits"))
		return parse_bits(a, na, q, err, errlen);
	if (!strcmp(name, "quantized_relu"))
		return parse_relu(a, na, q, err, errlen);
	if (!strcmp(name, "quantized_po2"))
		return parse_po2(a, na, q, err, errlen);
	return hg_fail(err, errlen, -1,
		       "quantizer '%s' is not supported (quantized_bits, quantized_relu, "
		       "quantized_po2)",
		       name);
}
