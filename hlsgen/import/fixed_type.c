// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * fixed_type.c - hls4ml's fixed-point type spellings and the conversion of
 * a real value to a code of such a type, as the ap_fixed library does it
 * (docs/semantics.md section 1): round the exact value by the Q mode, then apply
 * the O mode. Host-side (double arithmetic is exact here: the inputs are
 * float32 values scaled by powers of two).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hlsgen_text.h"
#include "import_internal.h"

struct qnn_fixed_type imp_fixed(int width, int int_bits, bool is_signed, int rnd, int ovf)
{
	struct qnn_fixed_type t = {(uint8_t)width, is_signed,	      (uint8_t)rnd,
				   (uint8_t)ovf,   (int16_t)int_bits, 0};
	return t;
}

bool imp_type_eq(const struct qnn_fixed_type *a, const struct qnn_fixed_type *b)
{
	return a->width == b->width && a->is_signed == b->is_signed && a->rounding == b->rounding &&
	       a->overflow == b->overflow && a->int_bits == b->int_bits;
}

bool imp_type_holds(const struct qnn_fixed_type *a, const struct qnn_fixed_type *x)
{
	return (a->is_signed || !x->is_signed) &&
	       a->int_bits - a->is_signed >= x->int_bits - x->is_signed &&
	       a->width - a->int_bits >= x->width - x->int_bits;
}

static const char *const rnd_names[QNN_RND_COUNT] = {
    "AP_TRN", "AP_RND", "AP_RND_CONV", "AP_RND_ZERO", "AP_RND_INF", "AP_RND_MIN_INF", "AP_TRN_ZERO",
};
static const char *const ovf_names[QNN_OVF_COUNT] = {"AP_WRAP", "AP_SAT", "AP_SAT_SYM",
						     "AP_SAT_ZERO"};

const char *imp_type_str(const struct qnn_fixed_type *t, char *buf, size_t len)
{
	const char *base = t->is_signed ? "ap_fixed" : "ap_ufixed";

	if (!t->width)
		snprintf(buf, len, "none");
	else if (t->rounding == QNN_RND_TRN && t->overflow == QNN_OVF_WRAP)
		snprintf(buf, len, "%s<%u,%d>", base, t->width, t->int_bits);
	else
		snprintf(buf, len, "%s<%u,%d,%s,%s>", base, t->width, t->int_bits,
			 rnd_names[t->rounding % QNN_RND_COUNT],
			 ovf_names[t->overflow % QNN_OVF_COUNT]);
	return buf;
}

/* "AP_RND_CONV" or hls4ml's newer "RND_CONV" */
static int mode_index(const char *tok, const char *const *names, int n)
{
	for (int i = 0; i < n; i++) {
		if (!strcasecmp(tok, names[i]) || !strcasecmp(tok, names[i] + 3))
			return i;
	}
	return -1;
}

static int parse_int(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return errno || end == s || *hg_trim(end) ? -1 : 0;
}

int imp_type_parse(const char *s, struct imp_type *out, char *err, size_t errlen)
{
	char buf[128], *args, *tok, *save = NULL, *f[5];
	bool is_signed, is_int;
	long w, i = 0;
	int nf = 0, q = QNN_RND_TRN, o = QNN_OVF_WRAP;

	memset(out, 0, sizeof(*out));
	if (!s || strlen(s) >= sizeof(buf))
		return hg_fail(err, errlen, -EINVAL, "bad precision '%s'", s ? s : "(null)");
	strcpy(buf, s);
	char *p = hg_trim(buf);

	if (!strcasecmp(p, "auto")) {
		out->is_auto = true;
		return 0;
	}
	args = strchr(p, '<');
	if (!args || p[strlen(p) - 1] != '>')
		return hg_fail(err, errlen, -EINVAL,
			       "precision '%s' not understood (expected ap_fixed<W,I>, "
			       "ap_int<W>, fixed<W,I>, ... or auto)",
			       s);
	*args++ = 0;
	p[strlen(p)] = 0;
	args[strlen(args) - 1] = 0;
	char *name = hg_trim(p);
	if (!strcmp(name, "ap_fixed") || !strcmp(name, "fixed")) {
		is_signed = true, is_int = false;
	} else if (!strcmp(name, "ap_ufixed") || !strcmp(name, "ufixed")) {
		is_signed = false, is_int = false;
	} else if (!strcmp(name, "ap_int") || !strcmp(name, "int")) {
		is_signed = true, is_int = true;
	} else if (!strcmp(name, "ap_uint") || !strcmp(name, "uint")) {
		is_signed = false, is_int = true;
	} else {
		return hg_fail(err, errlen, -EINVAL, "precision '%s': type '%s' unsupported", s,
			       name);
	}
	for (tok = strtok_r(args, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (nf == 5)
			return hg_fail(err, errlen, -EINVAL, "precision '%s': too many parameters",
				       s);
		f[nf++] = hg_trim(tok);
	}
	if (nf < 1 || parse_int(f[0], &w) || w < 1)
		return hg_fail(err, errlen, -EINVAL, "precision '%s': bad width", s);
	if (is_int) {
		if (nf != 1)
			return hg_fail(err, errlen, -EINVAL,
				       "precision '%s': one parameter expected", s);
		i = w;
	} else {
		if (nf < 2 || parse_int(f[1], &i))
			return hg_fail(err, errlen, -EINVAL, "precision '%s': bad integer bits", s);
		if (nf >= 3 && (q = mode_index(f[2], rnd_names, QNN_RND_COUNT)) < 0)
			return hg_fail(err, errlen, -EINVAL,
				       "precision '%s': unknown rounding mode '%s'", s, f[2]);
		if (nf >= 4 && (o = mode_index(f[3], ovf_names, QNN_OVF_COUNT)) < 0)
			return hg_fail(err, errlen, -EINVAL,
				       "precision '%s': overflow mode '%s' unsupported", s, f[3]);
		long nbits;
		if (nf == 5 && (parse_int(f[4], &nbits) || nbits != 0))
			return hg_fail(err, errlen, -EINVAL,
				       "precision '%s': saturation bits N=%s unsupported", s, f[4]);
	}
	if (w > QNN_MAX_ACCUM_WIDTH || i < -64 || i > 64 || w - i > 64 || w - i < -64)
		return hg_fail(err, errlen, -EINVAL, "precision '%s' outside the supported range",
			       s);
	out->t = imp_fixed((int)w, (int)i, is_signed, q, o);
	return 0;
}

/* ---- value conversion ---- */

static double round_mode(double v, double x, int mode)
{
	double fl = floor(v), rem = v - fl; /* both exact */

	switch (mode) {
	case QNN_RND_RND:
		return fl + (rem >= 0.5);
	case QNN_RND_CONV:
		return fl + (rem > 0.5 || (rem == 0.5 && fmod(fl, 2.0) != 0.0));
	case QNN_RND_ZERO:
		return fl + (rem > 0.5 || (rem == 0.5 && x < 0));
	case QNN_RND_INF:
		return fl + (rem > 0.5 || (rem == 0.5 && x >= 0));
	case QNN_RND_MIN_INF:
		return fl + (rem > 0.5);
	case QNN_RND_TRN_ZERO:
		return fl + (x < 0 && rem != 0);
	default:
		return fl;
	}
}

int imp_to_code(double x, const struct qnn_fixed_type *t, int32_t *code, bool *exact)
{
	int frac = (int)t->width - t->int_bits;
	double lo, hi, v, k;

	if (isnan(x))
		return -ERANGE;
	lo = t->is_signed ? -ldexp(1.0, t->width - 1) : 0.0;
	hi = t->is_signed ? ldexp(1.0, t->width - 1) - 1 : ldexp(1.0, t->width) - 1;
	if (isinf(x)) {
		/* the library saturates under SAT modes; WRAP of inf is 0 in practice */
		k = t->overflow == QNN_OVF_WRAP || t->overflow == QNN_OVF_SAT_ZERO ? 0
		    : x > 0							   ? hi
										   : lo;
		if (t->overflow == QNN_OVF_SAT_SYM && x < 0 && t->is_signed)
			k = -hi;
		*code = (int32_t)(int64_t)k;
		*exact = false;
		return 0;
	}
	v = ldexp(x, frac);
	k = round_mode(v, x, t->rounding);
	*exact = k == v;
	if (k < lo || k > hi) {
		*exact = false;
		switch (t->overflow) {
		case QNN_OVF_SAT:
			k = k < lo ? lo : hi;
			break;
		case QNN_OVF_SAT_SYM:
			k = k < lo ? (t->is_signed ? -hi : 0) : hi;
			if (t->is_signed && k < -hi)
				k = -hi;
			break;
		case QNN_OVF_SAT_ZERO:
			k = 0;
			break;
		default: {
			/* keep the low W bits (fmod is exact), sign-extend if signed */
			double m = ldexp(1.0, t->width);

			k = fmod(k, m);
			if (k < 0)
				k += m;
			if (t->is_signed && k > hi)
				k -= m;
		}
		}
	} else if (t->overflow == QNN_OVF_SAT_SYM && t->is_signed && k == lo) {
		k = -hi;
		*exact = false;
	}
	/* unsigned 32-bit codes travel as their int32 bit pattern */
	*code = (int32_t)(uint32_t)(int64_t)k;
	return 0;
}

int imp_literal_code(double x, const struct qnn_fixed_type *t, int32_t *code, bool *exact)
{
	int frac = (int)t->width - t->int_bits;
	char lit[512];
	double d;
	int rc;

	if (isnan(x) || isinf(x))
		return imp_to_code(x, t, code, exact);
	snprintf(lit, sizeof(lit), "%.*f", frac > 0 ? frac : 0, x);
	d = strtod(lit, NULL);
	rc = imp_to_code(d, t, code, exact);
	if (!rc)
		*exact = *exact && d == x;
	return rc;
}
