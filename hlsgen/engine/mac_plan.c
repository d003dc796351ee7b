// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * mac_plan.c - decide, once per conv/dense layer, whether its
 * multiply-accumulate can run in 16- or 32-bit SIMD lanes and still give
 * exactly the codes of the reference (mac_generic.c), and pack the weights
 * for it.
 *
 * A lane sum is taken modulo 2^16 or 2^32. That is exact when
 *   - the accumulator wraps (AP_WRAP) and is no wider than the lane: every
 *     per-product cast and every addition is then itself a reduction
 *     modulo 2^W, and reductions commute; or
 *   - nothing can overflow: |bias| + sum_k max_x |x * w_k| (after the
 *     per-product shift) fits the accumulator and the lane.
 * The per-product cast to accum_t must also be exact in the lane:
 *   - s = F_x + F_w - F_acc <= 0: t = x * (w << -s), a plain multiply;
 *   - s > 0 with AP_TRN (floor): in 16-bit lanes t = mulhi(x << a, w << b)
 *     with a + b = 16 - s, which is floor(x * w / 2^s) when both shifted
 *     operands fit 16 bits; in 32-bit lanes t = (x * w) >> s when x * w
 *     fits 31 bits; AP_RND adds 2^(s-1) first.
 * Anything else (other rounding modes per product, saturating sums that
 * can overflow, 64-bit accumulators) takes the generic path.
 * A layer with a product_t (po2 weights) uses the lanes only while that
 * cast provably changes nothing (prod_exact below): hls4ml's shift type
 * drops bits from the magnitude before the sign is applied, which no lane
 * op here reproduces.
 */
#include "engine_internal.h"

#define LANES	    16u
#define QNN_U64_MAX (~(uint64_t)0)

static uint32_t round_up(uint32_t v, uint32_t m)
{
	return (v + m - 1) / m * m;
}

/* lane[0] (int32 or int16 weights) then lane[1] (int16 weights), each with bias */
static size_t pack_bytes(uint64_t taps, uint64_t cpad, unsigned wsize)
{
	return (size_t)(((taps * cpad * wsize + cpad * 4) + 63) / 64 * 64);
}

size_t qnn_mac_packed_size(const struct qnn_layer_rec *r)
{
	uint64_t taps, cpad;

	if (r->kind == QNN_LAYER_CONV2D)
		taps = (uint64_t)r->kernel_h * r->kernel_w * r->in_c;
	else if (r->kind == QNN_LAYER_DENSE)
		taps = (uint64_t)r->in_h * r->in_w * r->in_c;
	else
		return 0;
	cpad = round_up(r->out_c, LANES);
	return pack_bytes(taps, cpad, 4) + pack_bytes(taps, cpad, 2) +
	       (size_t)((taps * 4 + 63) / 64 * 64);
}

/*
 * A conv window's taps, in kernel order (fh, fw, cin), as offsets from the
 * window's origin in the padded input plane (mac_lanes.c walks them).
 */
static void plan_taps(struct qnn_layer_plan *p, const struct qnn_layer_rec *r, void *ws, size_t off)
{
	uint32_t *t = (uint32_t *)((char *)ws + off);
	uint32_t pw = r->in_w + r->pad_left + r->pad_right, kh, kw, c, n = 0;

	p->tap_off = 0;
	if (r->kind != QNN_LAYER_CONV2D)
		return;
	for (kh = 0; kh < r->kernel_h; kh++)
		for (kw = 0; kw < r->kernel_w; kw++)
			for (c = 0; c < r->in_c; c++)
				t[n++] = (kh * pw + kw) * r->in_c + c;
	p->tap_off = off;
}

static uint64_t uabs(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? QNN_U64_MAX : a + b;
}

/* |t| of one product after the per-product shift, before any overflow step */
static uint64_t shifted_abs(int64_t prod, int32_t s, unsigned q)
{
	if (s > 0)
		return uabs(qnn_fixed_round_shift(prod, (uint32_t)s, q));
	if (prod != 0 && (s < -62 || uabs(prod) > (QNN_U64_MAX >> -s)))
		return QNN_U64_MAX;
	return uabs(prod) << -s;
}

struct mac_facts {
	int64_t xmin, xmax; /* input code range */
	uint64_t max_w;	    /* max |w| */
	uint64_t max_prod;  /* max |x * w| */
	uint64_t bound;	    /* max over outputs of |bias| + sum |t| */
	int32_t s;	    /* per-product right shift */
	int wraps;	    /* accum_t wraps */
	int prod_exact;	    /* product_t (if any) keeps every product */
};

/*
 * product_t is the identity on every product: it keeps all fraction bits
 * and, being signed, holds +-max |x * w| (so the negation cannot wrap).
 */
static int product_exact(const struct qnn_layer_rec *r, const struct qnn_layer_plan *p,
			 uint64_t max_prod)
{
	const struct qnn_fixed_type *pt = &r->product_t;
	int32_t up = qnn_fixed_frac(pt) - qnn_fixed_frac(&p->in_t) - qnn_fixed_frac(&r->weight_t);

	if (!pt->width)
		return 1;
	if (!pt->is_signed || up < 0 || up > 62)
		return 0;
	return max_prod <= ((uint64_t)qnn_fixed_max(pt) >> up);
}

/* facts about the products for inputs in [xmin, xmax] */
static void gather_facts(const struct qnn_layer *l, const struct qnn_layer_plan *p, int64_t xmin,
			 int64_t xmax, struct mac_facts *f)
{
	const struct qnn_layer_rec *r = l->rec;
	unsigned q = r->accum_t.rounding;
	uint32_t co, k;

	f->xmin = xmin;
	f->xmax = xmax;
	f->s =
	    qnn_fixed_frac(&p->in_t) + qnn_fixed_frac(&r->weight_t) - qnn_fixed_frac(&r->accum_t);
	f->wraps = r->accum_t.overflow == QNN_OVF_WRAP;
	f->max_w = 0;
	f->max_prod = 0;
	f->bound = 0;
	for (co = 0; co < p->cout; co++) {
		uint64_t sum = uabs(qnn_mac_bias(l, co));

		for (k = 0; k < p->n_taps; k++) {
			int64_t w = l->weights[(size_t)k * p->cout + co];
			uint64_t a = shifted_abs(f->xmin * w, f->s, q);
			uint64_t b = shifted_abs(f->xmax * w, f->s, q);

			f->max_w = uabs(w) > f->max_w ? uabs(w) : f->max_w;
			f->max_prod =
			    uabs(f->xmin * w) > f->max_prod ? uabs(f->xmin * w) : f->max_prod;
			f->max_prod =
			    uabs(f->xmax * w) > f->max_prod ? uabs(f->xmax * w) : f->max_prod;
			sum = sat_add(sum, a > b ? a : b);
		}
		f->bound = sum > f->bound ? sum : f->bound;
	}
	f->prod_exact = product_exact(r, p, f->max_prod);
}

/* lane sums modulo 2^lane_bits reproduce the accumulator exactly */
static int sums_exact(const struct qnn_layer_rec *r, const struct mac_facts *f, unsigned lane_bits,
		      uint8_t *acc_wrap)
{
	uint64_t acc_max = (uint64_t)qnn_fixed_max(&r->accum_t);
	uint64_t lane_max = ((uint64_t)1 << (lane_bits - 1)) - 1;

	/* wrapped codes go back to int32: unsigned ones need a spare bit */
	if (f->wraps && r->accum_t.width <= lane_bits &&
	    (r->accum_t.is_signed || r->accum_t.width < 32)) {
		*acc_wrap = 1;
		return 1;
	}
	*acc_wrap = 0;
	/*
	 * No partial sum can leave [-bound, bound]: no overflow step ever acts
	 * (SAT_SYM's bound -max included). The inputs must be lane integers too.
	 * Unsigned accumulators would also need a lower bound: not worth it.
	 */
	return r->accum_t.is_signed && f->bound <= lane_max && f->bound <= acc_max &&
	       f->xmin >= -(int64_t)lane_max - 1 && f->xmax <= (int64_t)lane_max;
}

static int fits16(int64_t lo, int64_t hi, unsigned sh)
{
	return lo * ((int64_t)1 << sh) >= -32768 && hi * ((int64_t)1 << sh) <= 32767;
}

/* x << a and w << b both fit int16, a + b = 16 - s */
static int find_mulhi_split(const struct mac_facts *f, uint8_t *a_out)
{
	int64_t wlo = -(int64_t)f->max_w, whi = (int64_t)f->max_w;
	unsigned total = 16u - (unsigned)f->s, a;

	for (a = 0; a <= total; a++)
		if (fits16(f->xmin, f->xmax, a) && fits16(wlo, whi, total - a)) {
			*a_out = (uint8_t)a;
			return 1;
		}
	return 0;
}

static int plan_i16(struct qnn_lane_plan *p, const struct qnn_layer_rec *r,
		    const struct mac_facts *f)
{
	if (f->max_w > 32767 || !f->prod_exact)
		return 0;
	if (!sums_exact(r, f, 16, &p->acc_wrap))
		return 0;
	if (f->s <= 0) {
		/* exact sums need each x * (w << -s) in range: the bound covers it */
		if (!p->acc_wrap && f->s < -14)
			return 0;
		p->lop = QNN_LOP_MULLO;
		p->x_shift = 0;
		return 1;
	}
	if (f->s > 16 || r->accum_t.rounding != QNN_RND_TRN)
		return 0;
	p->lop = QNN_LOP_MULHI;
	return find_mulhi_split(f, &p->x_shift);
}

static int plan_i32(struct qnn_lane_plan *p, const struct qnn_layer_rec *r,
		    const struct mac_facts *f)
{
	if (!f->prod_exact || !sums_exact(r, f, 32, &p->acc_wrap))
		return 0;
	p->x_shift = 0;
	if (f->s <= 0) {
		if (!p->acc_wrap && f->s < -30)
			return 0;
		p->lop = QNN_LOP_MULLO;
		return 1;
	}
	if (f->s > 30)
		return 0;
	if (r->accum_t.rounding != QNN_RND_TRN && r->accum_t.rounding != QNN_RND_RND)
		return 0;
	p->round_c = r->accum_t.rounding == QNN_RND_RND ? (int32_t)1 << (f->s - 1) : 0;
	if (f->max_prod + (uint64_t)p->round_c > 0x7fffffffu)
		return 0;
	p->lop = QNN_LOP_SHR;
	return 1;
}

/* weights shifted for the lane op, padded to cpad lanes with zeros */
static void pack(const struct qnn_layer_plan *p, const struct qnn_lane_plan *lp,
		 const struct qnn_layer *l, void *ws)
{
	uint32_t k, co;
	int32_t s = p->p_shift;
	unsigned b = lp->lop == QNN_LOP_MULHI ? 16u - (unsigned)s - lp->x_shift : 0u;
	int16_t *w16 = (int16_t *)((char *)ws + lp->w_off);
	int32_t *w32 = (int32_t *)((char *)ws + lp->w_off);
	int32_t *bias = (int32_t *)((char *)ws + lp->b_off);

	for (k = 0; k < p->n_taps; k++)
		for (co = 0; co < p->cpad; co++) {
			int64_t w = co < p->cout ? l->weights[(size_t)k * p->cout + co] : 0;
			uint64_t u;

			if (lp->lop == QNN_LOP_MULLO) /* modulo the lane: what the lane keeps */
				u = -s >= 64 ? 0 : (uint64_t)w << -s;
			else if (lp->lop == QNN_LOP_MULHI)
				u = (uint64_t)w << b;
			else
				u = (uint64_t)w;
			if (lp->path == QNN_MAC_I16)
				w16[(size_t)k * p->cpad + co] = (int16_t)(uint16_t)u;
			else
				w32[(size_t)k * p->cpad + co] = (int32_t)(uint32_t)u;
		}
	for (co = 0; co < p->cpad; co++)
		bias[co] = co < p->cout ? (int32_t)(uint32_t)(uint64_t)qnn_mac_bias(l, co) : 0;
}

/* a signed accumulator as wide as the lane needs no reduction: the lane is it */
static void set_direct(const struct qnn_layer_plan *p, struct qnn_lane_plan *lp,
		       const struct qnn_layer_rec *r)
{
	lp->direct = lp->path != QNN_MAC_GENERIC && p->out_cast.identity &&
		     (!lp->acc_wrap || (r->accum_t.is_signed &&
					r->accum_t.width == (lp->path == QNN_MAC_I16 ? 16 : 32)));
}

/*
 * A 16-bit plan for a narrower input interval, when the full interval needs
 * 32-bit lanes: the first layer sees whatever floats arrive, so its type's
 * whole range, while real images use a small part of it. Widest first.
 */
static void plan_narrow(struct qnn_layer_plan *p, const struct qnn_layer *l, void *ws)
{
	struct qnn_lane_plan *lp = &p->lane[1];
	struct mac_facts f;
	int k;

	for (k = 15; k >= 1; k--) {
		int64_t lo = -((int64_t)1 << k), hi = ((int64_t)1 << k) - 1;

		lo = lo > p->in_lo ? lo : p->in_lo;
		hi = hi < p->in_hi ? hi : p->in_hi;
		if (lo > hi)
			continue;
		gather_facts(l, p, lo, hi, &f);
		if (plan_i16(lp, l->rec, &f)) {
			lp->path = QNN_MAC_I16;
			p->has_narrow = 1;
			p->narrow_lo = lo;
			p->narrow_hi = hi;
			pack(p, lp, l, ws);
			set_direct(p, lp, l->rec);
			return;
		}
	}
}

int qnn_mac_plan(struct qnn_layer_plan *p, const struct qnn_layer *l, void *ws, size_t off,
		 int reference)
{
	const struct qnn_layer_rec *r = l->rec;
	struct qnn_lane_plan *lp = &p->lane[0];
	struct mac_facts f;
	size_t wide = pack_bytes(p->n_taps, round_up(p->cout, LANES), 4);
	static const struct qnn_lane_plan none;

	p->cpad = round_up(p->cout, LANES);
	p->lane[0] = none;
	p->lane[1] = none;
	p->has_narrow = 0;
	p->tap_off = 0;
	lp->w_off = off;
	lp->b_off = off + (size_t)p->n_taps * p->cpad * 4; /* see pack_bytes() */
	p->lane[1].w_off = off + wide;
	p->lane[1].b_off = off + wide + (size_t)p->n_taps * p->cpad * 2;
	qnn_cast_plan(&p->out_cast, &r->accum_t, &r->result_t, reference);
	/* what the previous layers can produce (range.c), not just the type */
	gather_facts(l, p, p->in_lo, p->in_hi, &f);
	p->p_shift = f.s;
	if (reference)
		return 0;
	if (plan_i16(lp, r, &f))
		lp->path = QNN_MAC_I16;
	else if (plan_i32(lp, r, &f))
		lp->path = QNN_MAC_I32;
	if (lp->path != QNN_MAC_GENERIC)
		pack(p, lp, l, ws);
	set_direct(p, lp, r);
	if (lp->path != QNN_MAC_I16)
		plan_narrow(p, l, ws);
	plan_taps(p, r, ws, off + wide + pack_bytes(p->n_taps, p->cpad, 2));
	return 0;
}
