// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * model_parse.c - validate a .qnn model file and expose it as a struct
 * qnn_model whose pointers point into the caller's buffer.
 *
 * Freestanding (no libc, no floating point, no allocation): the same code
 * runs in the host tools, the daemon and the kernel's simulated
 * accelerator, so everything a later stage relies on is checked here once:
 * every size is bounded by the QNN_MAX_* limits before it is used, every
 * array lies inside the data section, shapes chain from the input to the
 * output, and every code fits its fixed-point type. The engine can then run
 * without re-checking. See hlsgen/docs/model-format.md.
 */
#include "qnn_model.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .qnn parser maps little-endian arrays in place: little-endian hosts only"
#endif

#define QNN_EINVAL     22
#define QNN_EBADMSG    74
#define QNN_EOVERFLOW  75
#define QNN_EOPNOTSUPP 95

#define CRC_OFFSET __builtin_offsetof(struct qnn_file_header, crc32)
/* fraction bits F = width - int_bits of any type stay in this range */
#define QNN_MAX_FRAC_ABS 64

/* ---- error messages without libc ---- */

struct perr {
	char *buf;
	size_t len;
	size_t pos;
};

static void put_char(struct perr *e, char c)
{
	if (e->buf && e->pos + 1 < e->len)
		e->buf[e->pos++] = c;
}

static void put_str(struct perr *e, const char *s)
{
	while (*s)
		put_char(e, *s++);
}

static void put_unsigned(struct perr *e, unsigned long long v, unsigned int base)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		put_char(e, tmp[--n]);
}

/*
 * A printf subset: %s %d %u %x %lu. Enough for messages that name the
 * problem; keeps the file free of libc for the kernel build.
 */
static int fail(struct perr *e, int code, const char *fmt, ...)
{
	__builtin_va_list ap;
	long long sv;

	e->pos = 0;
	__builtin_va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put_char(e, *fmt);
			continue;
		}
		switch (*++fmt) {
		case 's':
			put_str(e, __builtin_va_arg(ap, const char *));
			break;
		case 'd':
			sv = __builtin_va_arg(ap, int);
			if (sv < 0) {
				put_char(e, '-');
				sv = -sv;
			}
			put_unsigned(e, (unsigned long long)sv, 10);
			break;
		case 'u':
			put_unsigned(e, __builtin_va_arg(ap, unsigned int), 10);
			break;
		case 'x':
			put_str(e, "0x");
			put_unsigned(e, __builtin_va_arg(ap, unsigned int), 16);
			break;
		case 'l':
			fmt++; /* %lu */
			put_unsigned(e, __builtin_va_arg(ap, unsigned long), 10);
			break;
		default:
			put_char(e, '%');
			if (!*fmt)
				fmt--;
			else
				put_char(e, *fmt);
		}
	}
	__builtin_va_end(ap);
	if (e->buf && e->len)
		e->buf[e->pos] = 0;
	return -code;
}

/* ---- small checks ---- */

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n--)
		if (*b++)
			return 0;
	return 1;
}

static int name_ok(const char *name)
{
	uint32_t i;

	for (i = 0; i < QNN_NAME_LEN; i++)
		if (!name[i])
			return i > 0;
	return 0;
}

static uint32_t dims_product(uint32_t h, uint32_t w, uint32_t c)
{
	/* callers check each factor <= QNN_MAX_DIM (2^12): fits in 64 bits */
	unsigned long long n = (unsigned long long)h * w * c;

	return n > QNN_MAX_TENSOR ? QNN_MAX_TENSOR + 1 : (uint32_t)n;
}

/*
 * A type a layer uses: width 1..max_width, valid modes, bounded binary
 * point. A type a layer does not use must be all zero.
 */
static int check_type(struct perr *e, const char *where, const char *what,
		      const struct qnn_fixed_type *t, uint32_t max_width, int required)
{
	int frac;

	if (!required) {
		if (!all_zero(t, sizeof(*t)))
			return fail(e, QNN_EINVAL, "%s: %s is set but unused by this layer kind",
				    where, what);
		return 0;
	}
	if (t->width == 0)
		return fail(e, QNN_EINVAL, "%s: %s is missing (width 0)", where, what);
	if (t->width > max_width)
		return fail(e, QNN_EINVAL, "%s: %s width %u out of range (max %u)", where, what,
			    t->width, max_width);
	if (t->is_signed > 1)
		return fail(e, QNN_EINVAL, "%s: %s is_signed must be 0 or 1, got %u", where, what,
			    t->is_signed);
	if (t->rounding >= QNN_RND_COUNT)
		return fail(e, QNN_EINVAL, "%s: %s unknown rounding mode %u", where, what,
			    t->rounding);
	if (t->overflow >= QNN_OVF_COUNT)
		return fail(e, QNN_EINVAL, "%s: %s unknown overflow mode %u", where, what,
			    t->overflow);
	if (t->reserved)
		return fail(e, QNN_EINVAL, "%s: %s reserved field non-zero", where, what);
	frac = (int)t->width - t->int_bits;
	if (t->int_bits < -QNN_MAX_FRAC_ABS || t->int_bits > QNN_MAX_FRAC_ABS ||
	    frac < -QNN_MAX_FRAC_ABS || frac > QNN_MAX_FRAC_ABS)
		return fail(e, QNN_EINVAL, "%s: %s int_bits %d out of range for width %u", where,
			    what, t->int_bits, t->width);
	return 0;
}

/* Every code of an array must be a value of its type (width <= 32). */
static int check_codes(struct perr *e, const char *where, const char *what, const int32_t *v,
		       uint32_t n, const struct qnn_fixed_type *t)
{
	long long lo, hi;
	uint32_t i;

	if (t->is_signed) {
		lo = -(1LL << (t->width - 1));
		hi = (1LL << (t->width - 1)) - 1;
	} else {
		lo = 0;
		hi = (1LL << t->width) - 1;
	}
	for (i = 0; i < n; i++) {
		/* unsigned 32-bit codes are stored as the int32 bit pattern */
		long long c = t->is_signed ? (long long)v[i] : (long long)(uint32_t)v[i];

		if (c < lo || c > hi)
			return fail(e, QNN_EINVAL, "%s: %s[%u] = %d outside its type's range",
				    where, what, i, v[i]);
	}
	return 0;
}

static int check_quantizer(struct perr *e, const char *where, const char *what,
			   const struct qnn_qkeras_quantizer *q, int allowed)
{
	if (!allowed) {
		if (!all_zero(q, sizeof(*q)))
			return fail(e, QNN_EINVAL, "%s: %s is set but unused by this layer kind",
				    where, what);
		return 0;
	}
	if (q->kind >= QNN_QK_COUNT)
		return fail(e, QNN_EINVAL, "%s: %s unknown quantizer kind %u", where, what,
			    q->kind);
	if (!all_zero(q->reserved, sizeof(q->reserved)))
		return fail(e, QNN_EINVAL, "%s: %s reserved bytes non-zero", where, what);
	if (q->kind == QNN_QK_NONE) {
		if (!all_zero(q, sizeof(*q)))
			return fail(e, QNN_EINVAL, "%s: %s has parameters but kind none", where,
				    what);
		return 0;
	}
	if (q->bits < 1 || q->bits > QNN_MAX_CODE_WIDTH)
		return fail(e, QNN_EINVAL, "%s: %s bits %u out of range 1..32", where, what,
			    q->bits);
	if (q->symmetric > 1 || q->keep_negative > 1)
		return fail(e, QNN_EINVAL, "%s: %s symmetric/keep_negative must be 0 or 1", where,
			    what);
	return 0;
}

/* ---- blobs ---- */

struct parse_ctx {
	struct perr e;
	const uint8_t *base;
	uint32_t file_size;
	uint32_t data_start;
	char where[QNN_NAME_LEN + 32];
};

static void set_where(struct parse_ctx *c, uint32_t idx, const char *name)
{
	struct perr w = {c->where, sizeof(c->where), 0};

	put_str(&w, "layer ");
	put_unsigned(&w, idx, 10);
	if (name) {
		put_str(&w, " '");
		put_str(&w, name);
		put_char(&w, '\'');
	}
	w.buf[w.pos] = 0;
}

/*
 * Resolve one blob reference: count must be `want` (0 = must be absent),
 * the bytes must lie in the data section and be 8-aligned. Overlaps between
 * blobs are checked once all are known (check_overlaps).
 */
static int get_blob(struct parse_ctx *c, const char *what, const struct qnn_blob_ref *r,
		    uint32_t want, const void **out)
{
	unsigned long long end;

	*out = 0;
	if (r->count != want) {
		if (want == 0)
			return fail(&c->e, QNN_EINVAL, "%s: %s present (%u elements) but unused",
				    c->where, what, r->count);
		return fail(&c->e, QNN_EINVAL, "%s: %s has %u elements, shape needs %u", c->where,
			    what, r->count, want);
	}
	if (want == 0) {
		if (r->offset)
			return fail(&c->e, QNN_EINVAL, "%s: %s absent but offset %u non-zero",
				    c->where, what, r->offset);
		return 0;
	}
	if (r->offset % 8)
		return fail(&c->e, QNN_EINVAL, "%s: %s offset %u not 8-byte aligned", c->where,
			    what, r->offset);
	if (r->offset < c->data_start)
		return fail(
		    &c->e, QNN_EINVAL,
		    "%s: %s offset %u overlaps the header/layer records (data starts at %u)",
		    c->where, what, r->offset, c->data_start);
	end = (unsigned long long)r->offset + 4ULL * r->count;
	if (end > c->file_size)
		return fail(&c->e, QNN_EOVERFLOW,
			    "%s: %s [%u, +%u elements) runs past the end of the file (%u bytes)",
			    c->where, what, r->offset, r->count, c->file_size);
	*out = c->base + r->offset;
	return 0;
}

/*
 * Two arrays sharing bytes would let a writer bug (or an attacker) alias
 * weights with tables; no valid file needs it. All refs are in bounds by now,
 * so the quadratic scan (at most 384 refs) reads only validated fields.
 */
static const struct qnn_blob_ref *blob_at(const struct qnn_layer_rec *r, uint32_t j)
{
	const struct qnn_blob_ref *refs[6] = {&r->weights,   &r->bias,		&r->exp_table,
					      &r->inv_table, &r->float_weights, &r->float_bias};

	return refs[j];
}

static int check_overlaps(struct parse_ctx *c, const struct qnn_layer_rec *recs, uint32_t n)
{
	uint32_t a, b;

	for (a = 0; a < n * 6; a++) {
		const struct qnn_blob_ref *x = blob_at(&recs[a / 6], a % 6);
		unsigned long long xe = x->offset + 4ULL * x->count;

		if (!x->count)
			continue;
		for (b = 0; b < a; b++) {
			const struct qnn_blob_ref *y = blob_at(&recs[b / 6], b % 6);

			if (y->count && x->offset < y->offset + 4ULL * y->count && xe > y->offset) {
				set_where(c, a / 6, recs[a / 6].name);
				return fail(&c->e, QNN_EINVAL,
					    "%s: array at offset %u overlaps an array of layer %u",
					    c->where, x->offset, b / 6);
			}
		}
	}
	return 0;
}

/* ---- geometry ---- */

static int check_dims(struct perr *e, const char *where, const char *what, uint32_t h, uint32_t w,
		      uint32_t ch)
{
	if (!h || !w || !ch)
		return fail(e, QNN_EINVAL, "%s: %s shape %ux%ux%u has a zero dimension", where,
			    what, h, w, ch);
	if (h > QNN_MAX_DIM || w > QNN_MAX_DIM || ch > QNN_MAX_DIM)
		return fail(e, QNN_EOVERFLOW, "%s: %s shape %ux%ux%u exceeds the %u limit", where,
			    what, h, w, ch, QNN_MAX_DIM);
	if (dims_product(h, w, ch) > QNN_MAX_TENSOR)
		return fail(e, QNN_EOVERFLOW, "%s: %s shape %ux%ux%u exceeds %u elements", where,
			    what, h, w, ch, QNN_MAX_TENSOR);
	return 0;
}

/*
 * One spatial axis of a window op (conv or pool), as Keras defines it:
 * valid: out = floor((in - k) / s) + 1, no padding;
 * same:  out = ceil(in / s), total padding max((out-1)*s + k - in, 0)
 *        split with the smaller half first (top/left), like TensorFlow.
 */
static int check_axis(struct perr *e, const char *where, const char *axis, uint8_t padding,
		      uint32_t in, uint32_t out, uint32_t k, uint32_t s, uint32_t pad_a,
		      uint32_t pad_b)
{
	uint32_t want, total, need;

	if (k < 1 || s < 1)
		return fail(e, QNN_EINVAL, "%s: %s kernel %u / stride %u must be >= 1", where, axis,
			    k, s);
	if (k > QNN_MAX_DIM || s > QNN_MAX_DIM)
		return fail(e, QNN_EOVERFLOW, "%s: %s kernel %u / stride %u exceeds %u", where,
			    axis, k, s, QNN_MAX_DIM);
	if (padding == QNN_PAD_VALID) {
		if (pad_a || pad_b)
			return fail(e, QNN_EINVAL, "%s: %s padding 'valid' with non-zero pads",
				    where, axis);
		if (in < k)
			return fail(e, QNN_EINVAL, "%s: %s kernel %u larger than input %u", where,
				    axis, k, in);
		want = (in - k) / s + 1;
		if (out != want)
			return fail(
			    e, QNN_EINVAL,
			    "%s: %s output %u inconsistent with input %u, kernel %u, stride "
			    "%u, valid padding (expected %u)",
			    where, axis, out, in, k, s, want);
		return 0;
	}
	want = (in + s - 1) / s;
	need = (want - 1) * s + k;
	total = need > in ? need - in : 0;
	if (out != want)
		return fail(e, QNN_EINVAL,
			    "%s: %s output %u inconsistent with input %u, stride %u, same padding "
			    "(expected %u)",
			    where, axis, out, in, s, want);
	if (pad_a != total / 2 || pad_b != total - total / 2)
		return fail(e, QNN_EINVAL,
			    "%s: %s pads %u+%u inconsistent with same padding (expected %u+%u)",
			    where, axis, pad_a, pad_b, total / 2, total - total / 2);
	return 0;
}

static int check_window(struct perr *e, const char *where, const struct qnn_layer_rec *r)
{
	int rc;

	if (r->padding > QNN_PAD_SAME)
		return fail(e, QNN_EINVAL, "%s: unknown padding mode %u", where, r->padding);
	rc = check_axis(e, where, "height", r->padding, r->in_h, r->out_h, r->kernel_h, r->stride_h,
			r->pad_top, r->pad_bottom);
	if (rc)
		return rc;
	return check_axis(e, where, "width", r->padding, r->in_w, r->out_w, r->kernel_w,
			  r->stride_w, r->pad_left, r->pad_right);
}

static int no_window(struct perr *e, const char *where, const struct qnn_layer_rec *r)
{
	if (r->kernel_h || r->kernel_w || r->stride_h || r->stride_w || r->pad_top ||
	    r->pad_bottom || r->pad_left || r->pad_right || r->padding)
		return fail(e, QNN_EINVAL, "%s: kernel/stride/padding set but unused by this kind",
			    where);
	return 0;
}

static int same_shape(struct perr *e, const char *where, const struct qnn_layer_rec *r)
{
	if (r->in_h != r->out_h || r->in_w != r->out_w || r->in_c != r->out_c)
		return fail(e, QNN_EINVAL, "%s: output %ux%ux%u must equal input %ux%ux%u", where,
			    r->out_h, r->out_w, r->out_c, r->in_h, r->in_w, r->in_c);
	return 0;
}

/* ---- per-kind rules ---- */

/* Which optional parts a kind uses. */
struct kind_use {
	uint8_t weights;  /* weight_t, bias_t, accum_t, weight/bias blobs, quantizers */
	uint8_t result;	  /* result_t */
	uint8_t window;	  /* kernel/stride/padding */
	uint8_t softmax;  /* softmax fields */
	uint8_t result_q; /* result_q may be set */
};

static const struct kind_use kind_uses[QNN_LAYER_KIND_MAX] = {
    [QNN_LAYER_CONV2D] = {1, 1, 1, 0, 1},    [QNN_LAYER_DENSE] = {1, 1, 0, 0, 1},
    [QNN_LAYER_RELU] = {0, 1, 0, 0, 1},	     [QNN_LAYER_LINEAR] = {0, 1, 0, 0, 1},
    [QNN_LAYER_MAXPOOL2D] = {0, 1, 1, 0, 0}, [QNN_LAYER_FLATTEN] = {0, 0, 0, 0, 0},
    [QNN_LAYER_DROPOUT] = {0, 0, 0, 0, 0},   [QNN_LAYER_SOFTMAX] = {0, 1, 0, 1, 0},
};

static int check_shape_rule(struct perr *e, const char *where, const struct qnn_layer_rec *r)
{
	switch (r->kind) {
	case QNN_LAYER_CONV2D:
		return check_window(e, where, r);
	case QNN_LAYER_MAXPOOL2D:
		if (r->out_c != r->in_c)
			return fail(e, QNN_EINVAL, "%s: pooling changes channels %u -> %u", where,
				    r->in_c, r->out_c);
		return check_window(e, where, r);
	case QNN_LAYER_DENSE:
		if (r->in_h != 1 || r->in_w != 1 || r->out_h != 1 || r->out_w != 1)
			return fail(e, QNN_EINVAL,
				    "%s: dense needs flat tensors (h = w = 1), got %ux%u -> %ux%u",
				    where, r->in_h, r->in_w, r->out_h, r->out_w);
		return 0;
	case QNN_LAYER_FLATTEN:
		if (r->out_h != 1 || r->out_w != 1 ||
		    r->out_c != dims_product(r->in_h, r->in_w, r->in_c))
			return fail(
			    e, QNN_EINVAL, "%s: flatten of %ux%ux%u must be 1x1x%u, got %ux%ux%u",
			    where, r->in_h, r->in_w, r->in_c,
			    dims_product(r->in_h, r->in_w, r->in_c), r->out_h, r->out_w, r->out_c);
		return 0;
	case QNN_LAYER_SOFTMAX:
		if (r->in_h != 1 || r->in_w != 1)
			return fail(e, QNN_EINVAL, "%s: softmax needs a flat input (h = w = 1)",
				    where);
		return same_shape(e, where, r);
	default:
		return same_shape(e, where, r);
	}
}

static int check_softmax(struct parse_ctx *c, uint32_t idx, const struct qnn_layer_rec *r,
			 struct qnn_layer *l)
{
	struct perr *e = &c->e;
	int tables, rc;

	if (r->softmax_impl >= QNN_SOFTMAX_IMPL_COUNT)
		return fail(e, QNN_EINVAL, "%s: unknown softmax implementation %u", c->where,
			    r->softmax_impl);
	if (r->softmax_rule >= QNN_SMX_RULE_COUNT)
		return fail(e, QNN_EINVAL, "%s: unknown softmax table rule %u", c->where,
			    r->softmax_rule);
	tables = r->softmax_impl != QNN_SOFTMAX_ARGMAX;
	if (tables) {
		/* table indices are the top log2(size) bits of a value */
		if (r->table_size < 2 || r->table_size > QNN_MAX_TABLE ||
		    (r->table_size & (r->table_size - 1)))
			return fail(e, r->table_size > QNN_MAX_TABLE ? QNN_EOVERFLOW : QNN_EINVAL,
				    "%s: softmax table_size %u must be a power of two in 2..%u",
				    c->where, r->table_size, QNN_MAX_TABLE);
	} else if (r->table_size) {
		return fail(e, QNN_EINVAL, "%s: argmax softmax has table_size %u (no tables)",
			    c->where, r->table_size);
	}
	/* hls4ml 1.2+ only: optional (width 0 = hls4ml's default) */
	rc = check_type(e, c->where, "inp_norm_t", &r->inp_norm_t, QNN_MAX_CODE_WIDTH,
			r->softmax_rule == QNN_SMX_RULE_HLS4ML_12 && r->inp_norm_t.width);
	if (!rc)
		rc = check_type(e, c->where, "inv_inp_t", &r->inv_inp_t, QNN_MAX_CODE_WIDTH,
				r->softmax_rule == QNN_SMX_RULE_HLS4ML_12 && r->inv_inp_t.width);
	if (rc)
		return rc;
	rc = check_type(e, c->where, "exp_table_t", &r->exp_table_t, QNN_MAX_CODE_WIDTH, tables);
	if (!rc)
		rc = check_type(e, c->where, "inv_table_t", &r->inv_table_t, QNN_MAX_CODE_WIDTH,
				tables);
	if (!rc)
		rc = get_blob(c, "exp_table", &r->exp_table, tables ? r->table_size : 0,
			      (const void **)&l->exp_table);
	if (!rc)
		rc = get_blob(c, "inv_table", &r->inv_table, tables ? r->table_size : 0,
			      (const void **)&l->inv_table);
	if (rc || !tables)
		return rc;
	rc = check_codes(e, c->where, "exp_table", l->exp_table, r->table_size, &r->exp_table_t);
	if (!rc)
		rc = check_codes(e, c->where, "inv_table", l->inv_table, r->table_size,
				 &r->inv_table_t);
	return rc;
}

static int no_softmax(struct parse_ctx *c, const struct qnn_layer_rec *r)
{
	if (r->softmax_impl || r->softmax_rule || r->table_size ||
	    !all_zero(&r->exp_table_t, sizeof(r->exp_table_t)) ||
	    !all_zero(&r->inv_table_t, sizeof(r->inv_table_t)) ||
	    !all_zero(&r->inp_norm_t, sizeof(r->inp_norm_t)) ||
	    !all_zero(&r->inv_inp_t, sizeof(r->inv_inp_t)) || r->exp_table.count ||
	    r->exp_table.offset || r->inv_table.count || r->inv_table.offset)
		return fail(&c->e, QNN_EINVAL, "%s: softmax fields set on a non-softmax layer",
			    c->where);
	return 0;
}

static int check_params(struct parse_ctx *c, uint32_t idx, const struct qnn_layer_rec *r,
			struct qnn_layer *l)
{
	struct perr *e = &c->e;
	unsigned long long n_w;
	uint32_t n_b;
	int has_bias = !!(r->flags & QNN_LF_HAS_BIAS);
	int rc;

	if (r->kind == QNN_LAYER_CONV2D)
		n_w = (unsigned long long)r->kernel_h * r->kernel_w * r->in_c * r->out_c;
	else
		n_w = (unsigned long long)r->in_c * r->out_c;
	if (n_w > QNN_MAX_PARAMS)
		return fail(e, QNN_EOVERFLOW, "%s: %lu weights exceed the %u limit", c->where,
			    (unsigned long)n_w, QNN_MAX_PARAMS);
	n_b = has_bias ? r->out_c : 0;

	rc = check_type(e, c->where, "weight_t", &r->weight_t, QNN_MAX_CODE_WIDTH, 1);
	if (!rc)
		rc = check_type(e, c->where, "bias_t", &r->bias_t, QNN_MAX_CODE_WIDTH, has_bias);
	if (!rc)
		rc = check_type(e, c->where, "accum_t", &r->accum_t, QNN_MAX_ACCUM_WIDTH, 1);
	/* product_t is optional (width 0: exact products) */
	if (!rc)
		rc = check_type(e, c->where, "product_t", &r->product_t, QNN_MAX_PRODUCT_WIDTH,
				r->product_t.width != 0);
	if (!rc)
		rc = get_blob(c, "weights", &r->weights, (uint32_t)n_w, (const void **)&l->weights);
	if (!rc)
		rc = get_blob(c, "bias", &r->bias, n_b, (const void **)&l->bias);
	/* the float copies are optional: absent, or exactly as many */
	if (!rc)
		rc = get_blob(c, "float_weights", &r->float_weights,
			      r->float_weights.count ? (uint32_t)n_w : 0,
			      (const void **)&l->float_weights);
	if (!rc)
		rc = get_blob(c, "float_bias", &r->float_bias, r->float_bias.count ? n_b : 0,
			      (const void **)&l->float_bias);
	if (!rc && r->float_bias.count && !n_b)
		rc = fail(e, QNN_EINVAL, "%s: float_bias without a bias", c->where);
	if (!rc)
		rc = check_codes(e, c->where, "weights", l->weights, (uint32_t)n_w, &r->weight_t);
	if (!rc && has_bias)
		rc = check_codes(e, c->where, "bias", l->bias, n_b, &r->bias_t);
	if (!rc)
		rc = check_quantizer(e, c->where, "weight_q", &r->weight_q, 1);
	if (!rc)
		rc = check_quantizer(e, c->where, "bias_q", &r->bias_q, has_bias);
	return rc;
}

static int no_params(struct parse_ctx *c, const struct qnn_layer_rec *r)
{
	struct perr *e = &c->e;
	int rc;

	if (r->flags & QNN_LF_HAS_BIAS)
		return fail(e, QNN_EINVAL, "%s: has_bias flag on a layer without parameters",
			    c->where);
	rc = check_type(e, c->where, "weight_t", &r->weight_t, 0, 0);
	if (!rc)
		rc = check_type(e, c->where, "bias_t", &r->bias_t, 0, 0);
	/*
	 * minor 2: a 1.2+ softmax may give the type of its exp terms and sum;
	 * a max pool its accumulator (check_chain: it must hold the input)
	 */
	if (!rc)
		rc = check_type(e, c->where, "accum_t", &r->accum_t, QNN_MAX_ACCUM_WIDTH,
				r->accum_t.width && (r->kind == QNN_LAYER_MAXPOOL2D ||
						     (r->kind == QNN_LAYER_SOFTMAX &&
						      r->softmax_rule == QNN_SMX_RULE_HLS4ML_12)));
	if (!rc)
		rc = check_type(e, c->where, "product_t", &r->product_t, 0, 0);
	if (!rc && (r->weights.count || r->weights.offset || r->bias.count || r->bias.offset ||
		    r->float_weights.count || r->float_weights.offset || r->float_bias.count ||
		    r->float_bias.offset))
		rc = fail(e, QNN_EINVAL, "%s: weight/bias arrays on a layer without parameters",
			  c->where);
	if (!rc)
		rc = check_quantizer(e, c->where, "weight_q", &r->weight_q, 0);
	if (!rc)
		rc = check_quantizer(e, c->where, "bias_q", &r->bias_q, 0);
	return rc;
}

static int check_layer(struct parse_ctx *c, uint32_t idx, const struct qnn_layer_rec *r,
		       struct qnn_layer *l)
{
	struct perr *e = &c->e;
	const struct kind_use *u;
	int rc;

	set_where(c, idx, 0);
	if (!name_ok(r->name))
		return fail(e, QNN_EINVAL, "%s: name empty or not NUL-terminated", c->where);
	set_where(c, idx, r->name);
	if (r->kind == 0 || r->kind >= QNN_LAYER_KIND_MAX)
		return fail(e, QNN_EINVAL, "%s: unknown layer kind %u", c->where, r->kind);
	u = &kind_uses[r->kind];
	if (r->flags & ~QNN_LF_KNOWN_FLAGS)
		return fail(e, QNN_EINVAL, "%s: unknown flags %x", c->where,
			    (unsigned int)(r->flags & ~QNN_LF_KNOWN_FLAGS));
	if (r->reserved0 || !all_zero(r->reserved, sizeof(r->reserved)))
		return fail(e, QNN_EINVAL, "%s: reserved bytes non-zero", c->where);

	rc = check_dims(e, c->where, "input", r->in_h, r->in_w, r->in_c);
	if (!rc)
		rc = check_dims(e, c->where, "output", r->out_h, r->out_w, r->out_c);
	if (!rc && !u->window)
		rc = no_window(e, c->where, r);
	if (!rc)
		rc = check_shape_rule(e, c->where, r);
	if (!rc)
		rc = check_type(e, c->where, "result_t", &r->result_t, QNN_MAX_CODE_WIDTH,
				u->result);
	if (!rc)
		rc = u->weights ? check_params(c, idx, r, l) : no_params(c, r);
	if (!rc)
		rc = u->softmax ? check_softmax(c, idx, r, l) : no_softmax(c, r);
	if (!rc)
		rc = check_quantizer(e, c->where, "result_q", &r->result_q, u->result_q);
	return rc;
}

/* ---- header ---- */

static int check_header(struct parse_ctx *c, const struct qnn_file_header *h, size_t len)
{
	struct perr *e = &c->e;
	unsigned long long need;

	if (h->magic != QNN_MODEL_MAGIC)
		return fail(e, QNN_EINVAL, "bad magic %x (not a .qnn model file)", h->magic);
	if (h->version_major != QNN_MODEL_VERSION_MAJOR)
		return fail(e, QNN_EOPNOTSUPP,
			    "unknown major version %u.%u (this parser reads %u.x)",
			    h->version_major, h->version_minor, QNN_MODEL_VERSION_MAJOR);
	if (h->header_size != QNN_HEADER_SIZE)
		return fail(e, QNN_EINVAL, "header_size %u, expected %u", h->header_size,
			    QNN_HEADER_SIZE);
	if (h->layer_rec_size != QNN_LAYER_REC_SIZE)
		return fail(e, QNN_EINVAL, "layer_rec_size %u, expected %u", h->layer_rec_size,
			    QNN_LAYER_REC_SIZE);
	if (h->file_size > QNN_MAX_FILE_SIZE)
		return fail(e, QNN_EOVERFLOW, "file_size %u exceeds the %u limit", h->file_size,
			    QNN_MAX_FILE_SIZE);
	if (h->file_size > len)
		return fail(e, QNN_EINVAL, "truncated: header says %u bytes, have %lu",
			    h->file_size, (unsigned long)len);
	if (h->file_size < len)
		return fail(e, QNN_EINVAL, "%lu trailing bytes after the %u-byte file",
			    (unsigned long)(len - h->file_size), h->file_size);
	if (h->n_layers == 0)
		return fail(e, QNN_EINVAL, "model has no layers");
	if (h->n_layers > QNN_MAX_LAYERS)
		return fail(e, QNN_EOVERFLOW, "%u layers exceed the %u limit", h->n_layers,
			    QNN_MAX_LAYERS);
	need = QNN_HEADER_SIZE + (unsigned long long)h->n_layers * QNN_LAYER_REC_SIZE;
	if (need > h->file_size)
		return fail(e, QNN_EINVAL,
			    "truncated: %u layer records need %lu bytes, file has %u", h->n_layers,
			    (unsigned long)need, h->file_size);
	c->data_start = (uint32_t)need;
	return 0;
}

static int check_crc(struct parse_ctx *c, const uint8_t *p, const struct qnn_file_header *h)
{
	static const uint8_t zero4[4];
	uint32_t crc;

	crc = qnn_crc32(0, p, CRC_OFFSET);
	crc = qnn_crc32(crc, zero4, 4);
	crc = qnn_crc32(crc, p + CRC_OFFSET + 4, h->file_size - CRC_OFFSET - 4);
	if (crc != h->crc32)
		return fail(&c->e, QNN_EBADMSG, "bad checksum: header says %x, contents give %x",
			    h->crc32, crc);
	return 0;
}

static int check_model_fields(struct parse_ctx *c, const struct qnn_file_header *h)
{
	struct perr *e = &c->e;
	int rc;

	if (h->flags)
		return fail(e, QNN_EINVAL, "unknown header flags %x", h->flags);
	if (!all_zero(h->reserved, sizeof(h->reserved)))
		return fail(e, QNN_EINVAL, "header reserved bytes non-zero");
	if (!name_ok(h->name))
		return fail(e, QNN_EINVAL, "model name empty or not NUL-terminated");
	rc = check_dims(e, "model", "input", h->in_h, h->in_w, h->in_c);
	if (!rc)
		rc = check_type(e, "model", "input_t", &h->input_t, QNN_MAX_CODE_WIDTH, 1);
	if (!rc && (h->n_out == 0 || h->n_out > QNN_MAX_TENSOR))
		rc = fail(e, h->n_out ? QNN_EOVERFLOW : QNN_EINVAL, "model n_out %u out of range",
			  h->n_out);
	return rc;
}

/* the type of layer i's input codes: the last result_t before it, or input_t */
static const struct qnn_fixed_type *input_type(uint32_t i, const struct qnn_layer_rec *r,
					       const struct qnn_file_header *h)
{
	while (i--) {
		r--;
		if (r->result_t.width)
			return &r->result_t;
	}
	return &h->input_t;
}

/*
 * A max pool's accum_t is informative (the engine takes the plain max): valid
 * only when it holds every value of the input type, so the max is unchanged.
 */
static int check_pool_accum(struct parse_ctx *c, uint32_t i, const struct qnn_layer_rec *r,
			    const struct qnn_file_header *h)
{
	const struct qnn_fixed_type *a = &r->accum_t, *x = input_type(i, r, h);

	if (r->kind != QNN_LAYER_MAXPOOL2D || !a->width)
		return 0;
	if ((a->is_signed || !x->is_signed) &&
	    a->int_bits - a->is_signed >= x->int_bits - x->is_signed &&
	    (int)a->width - a->int_bits >= (int)x->width - x->int_bits)
		return 0;
	return fail(&c->e, QNN_EINVAL, "%s: accum_t does not hold the input type exactly",
		    c->where);
}

static int check_chain(struct parse_ctx *c, uint32_t i, const struct qnn_layer_rec *r,
		       const struct qnn_file_header *h)
{
	uint32_t ph, pw, pc;

	if (i == 0) {
		ph = h->in_h;
		pw = h->in_w;
		pc = h->in_c;
	} else {
		ph = r[-1].out_h;
		pw = r[-1].out_w;
		pc = r[-1].out_c;
	}
	if (r->in_h != ph || r->in_w != pw || r->in_c != pc)
		return fail(&c->e, QNN_EINVAL, "%s: input %ux%ux%u does not match the %s %ux%ux%u",
			    c->where, r->in_h, r->in_w, r->in_c,
			    i ? "previous layer's output" : "model's input", ph, pw, pc);
	return check_pool_accum(c, i, r, h);
}

int qnn_model_parse(const void *buf, size_t len, struct qnn_model *m, char *err, size_t errlen)
{
	struct parse_ctx ctx_store; /* small: fits a kernel stack */
	struct parse_ctx *c = &ctx_store;
	const struct qnn_file_header *h = buf;
	const struct qnn_layer_rec *recs;
	uint32_t i, out = 0;
	int rc;

	c->e.buf = err;
	c->e.len = errlen;
	c->e.pos = 0;
	c->base = buf;
	if (err && errlen)
		err[0] = 0;
	if (!m)
		return fail(&c->e, QNN_EINVAL, "no output model");
	for (i = 0; i < sizeof(*m); i++)
		((uint8_t *)m)[i] = 0;
	if (!buf)
		return fail(&c->e, QNN_EINVAL, "no buffer");
	if ((unsigned long)buf % 8)
		return fail(&c->e, QNN_EINVAL, "buffer not 8-byte aligned");
	if (len < QNN_HEADER_SIZE)
		return fail(&c->e, QNN_EINVAL, "truncated: %lu bytes, the header alone is %u",
			    (unsigned long)len, QNN_HEADER_SIZE);
	rc = check_header(c, h, len);
	if (!rc)
		rc = check_crc(c, buf, h);
	if (!rc)
		rc = check_model_fields(c, h);
	if (rc)
		return rc;
	c->file_size = h->file_size;

	recs = (const struct qnn_layer_rec *)((const uint8_t *)buf + QNN_HEADER_SIZE);
	m->max_tensor = dims_product(h->in_h, h->in_w, h->in_c);
	for (i = 0; i < h->n_layers; i++) {
		m->layers[i].rec = &recs[i];
		rc = check_layer(c, i, &recs[i], &m->layers[i]);
		if (!rc)
			rc = check_chain(c, i, &recs[i], h);
		if (rc)
			return rc;
		out = dims_product(recs[i].out_h, recs[i].out_w, recs[i].out_c);
		if (out > m->max_tensor)
			m->max_tensor = out;
	}
	rc = check_overlaps(c, recs, h->n_layers);
	if (rc)
		return rc;
	if (out != h->n_out)
		return fail(&c->e, QNN_EINVAL, "header n_out %u but the last layer outputs %u",
			    h->n_out, out);
	m->hdr = h;
	m->n_layers = h->n_layers;
	m->n_in = dims_product(h->in_h, h->in_w, h->in_c);
	m->n_out = h->n_out;
	return 0;
}
