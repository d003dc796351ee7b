// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * A small text format for a network to train, for when there is no Keras
 * JSON at hand (hlsgen/train/README.md). One layer per line, `#` comments:
 *
 *   input 28 28 1
 *   conv2d c1 filters=16 kernel=3 stride=1 padding=valid activation=relu \
 *          kernel_quantizer=quantized_bits(6,0) bias_quantizer=quantized_bits(6,0)
 *   activation a1 quantized_relu(6)        (or relu, linear)
 *   maxpool p1 2                           (window = stride)
 *   flatten f
 *   dropout d 0.5
 *   dense out units=10 kernel_quantizer=quantized_bits(6,0)
 *   softmax s
 *
 * (A trailing backslash continues a line; line numbers in messages count
 * the joined lines as one each.) Quantizer expressions may hold spaces
 * inside their parentheses.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_train.h"

#define MAX_TOK 16

static int fail(char *err, size_t errlen, int line, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "line %d: %s", line, msg);
	return -1;
}

/* Split on blanks outside parentheses; returns the token count or -1. */
static int tokens(char *s, char **tok, int max)
{
	int n = 0, depth = 0;

	while (*s) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		if (n == max)
			return -1;
		tok[n++] = s;
		for (; *s && (depth || !isspace((unsigned char)*s)); s++)
			depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
		if (*s)
			*s++ = 0;
	}
	return n;
}

static int int_val(const char *v, int lo, int hi, int *out)
{
	char *end;
	long x = strtol(v, &end, 10);

	if (end == v || *end || x < lo || x > hi)
		return -1;
	*out = (int)x;
	return 0;
}

static int activation_val(const char *v, int *out)
{
	if (!strcmp(v, "relu"))
		*out = HG_ACT_RELU;
	else if (!strcmp(v, "linear"))
		*out = HG_ACT_LINEAR;
	else
		return -1;
	return 0;
}

/* key=value options of conv2d/dense lines */
static int weights_opts(struct hg_layer_spec *l, char **tok, int n, int line, char *err,
			size_t errlen)
{
	char e[200];

	if (l->kind == HG_L_CONV2D)
		l->sh = l->sw = 1;
	l->use_bias = 1;
	l->prunable = 1;
	for (int i = 2; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		const char *k = tok[i], *v = eq ? eq + 1 : "";
		int x = 0, bad = 0;

		if (!eq)
			return fail(err, errlen, line, "'%s' is not key=value", tok[i]);
		*eq = 0;
		if (!strcmp(k, "filters") || !strcmp(k, "units"))
			bad = int_val(v, 1, 65536, &l->units);
		else if (!strcmp(k, "kernel"))
			bad = int_val(v, 1, 64, &x), l->kh = l->kw = x;
		else if (!strcmp(k, "stride") && l->kind == HG_L_CONV2D)
			bad = int_val(v, 1, 64, &x), l->sh = l->sw = x;
		else if (!strcmp(k, "padding"))
			bad = strcmp(v, "valid") && strcmp(v, "same"),
			l->same_padding = !strcmp(v, "same");
		else if (!strcmp(k, "activation"))
			bad = activation_val(v, &l->activation);
		else if (!strcmp(k, "use_bias"))
			bad = int_val(v, 0, 1, &l->use_bias);
		else if (!strcmp(k, "kernel_quantizer") || !strcmp(k, "bias_quantizer")) {
			struct hg_quantizer *q = k[0] == 'k' ? &l->kernel_q : &l->bias_q;

			if (hg_quantizer_parse(v, q, e, sizeof(e)))
				return fail(err, errlen, line, "%s: %s", k, e);
		} else
			return fail(err, errlen, line, "unknown option '%s'", k);
		if (bad)
			return fail(err, errlen, line, "bad value '%s' for %s", v, k);
	}
	if (l->units < 1)
		return fail(err, errlen, line, "%s needs %s=N", l->name,
			    l->kind == HG_L_CONV2D ? "filters" : "units");
	if (l->kind == HG_L_CONV2D && l->kh < 1)
		return fail(err, errlen, line, "%s needs kernel=K", l->name);
	return 0;
}

static int layer_line(struct hg_net_spec *s, char **tok, int n, int line, char *err, size_t errlen)
{
	struct hg_layer_spec *l;
	char e[200];

	if (s->n_layers == HG_MAX_LAYERS)
		return fail(err, errlen, line, "more than %d layers", HG_MAX_LAYERS);
	if (n < 2)
		return fail(err, errlen, line, "'%s' needs a layer name", tok[0]);
	l = &s->layers[s->n_layers];
	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", tok[1]);
	if (!strcmp(tok[0], "conv2d") || !strcmp(tok[0], "dense")) {
		l->kind = tok[0][0] == 'c' ? HG_L_CONV2D : HG_L_DENSE;
		if (weights_opts(l, tok, n, line, err, errlen))
			return -1;
	} else if (!strcmp(tok[0], "activation")) {
		l->kind = HG_L_ACT;
		if (n != 3)
			return fail(err, errlen, line, "activation NAME relu|linear|QUANTIZER");
		if (activation_val(tok[2], &l->activation)) {
			if (hg_quantizer_parse(tok[2], &l->act_q, e, sizeof(e)))
				return fail(err, errlen, line, "%s", e);
			l->activation = HG_ACT_QUANT;
		}
	} else if (!strcmp(tok[0], "maxpool")) {
		l->kind = HG_L_MAXPOOL;
		if (n != 3 || int_val(tok[2], 1, 64, &l->kh))
			return fail(err, errlen, line, "maxpool NAME SIZE");
		l->kw = l->sh = l->sw = l->kh;
	} else if (!strcmp(tok[0], "flatten") || !strcmp(tok[0], "softmax")) {
		l->kind = tok[0][0] == 'f' ? HG_L_FLATTEN : HG_L_SOFTMAX;
	} else if (!strcmp(tok[0], "dropout")) {
		char *end;

		l->kind = HG_L_DROPOUT;
		l->rate = n == 3 ? strtof(tok[2], &end) : -1.0f;
		if (n != 3 || *end || !(l->rate >= 0.0f && l->rate < 1.0f))
			return fail(err, errlen, line, "dropout NAME RATE (0 <= RATE < 1)");
	} else {
		return fail(err, errlen, line, "unknown layer kind '%s'", tok[0]);
	}
	s->n_layers++;
	return 0;
}

int hg_spec_from_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen)
{
	char *copy = strdup(text), *tok[MAX_TOK];
	int line = 0, rc = -1, have_input = 0;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "model");
	if (!copy)
		return fail(err, errlen, 0, "out of memory");
	/* join continuation lines */
	for (char *p = copy; (p = strstr(p, "\\\n"));)
		p[0] = p[1] = ' ';
	for (char *ln = copy, *next; ln; ln = next) {
		char *hash;
		int n;

		next = strchr(ln, '\n');
		if (next)
			*next++ = 0;
		hash = strchr(ln, '#');
		line++;
		if (hash)
			*hash = 0;
		n = tokens(ln, tok, MAX_TOK);
		if (n < 0) {
			fail(err, errlen, line, "too many fields");
			goto out;
		}
		if (!n)
			continue;
		if (!strcmp(tok[0], "input")) {
			if (n != 4 || have_input || int_val(tok[1], 1, 4096, &s->in_h) ||
			    int_val(tok[2], 1, 4096, &s->in_w) ||
			    int_val(tok[3], 1, 4096, &s->in_c)) {
				fail(err, errlen, line,
				     "one 'input H W C' line, before the layers");
				goto out;
			}
			have_input = 1;
		} else if (!have_input) {
			fail(err, errlen, line, "the first line must be 'input H W C'");
			goto out;
		} else if (layer_line(s, tok, n, line, err, errlen)) {
			goto out;
		}
	}
	if (!have_input || !s->n_layers) {
		fail(err, errlen, line, "no input line or no layers");
		goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}
