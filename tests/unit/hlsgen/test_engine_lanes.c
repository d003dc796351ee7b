// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The SIMD lane paths against the scalar reference kernels, on many random
 * small models (random shapes, strides, paddings, types and modes, random
 * weights and inputs): every layer's output codes must be identical, with
 * the lane paths in SIMD and in their plain C versions (QNN_ENGINE_SCALAR). The
 * reference itself is pinned down by the hand-derived layer tests; this
 * test proves the fast paths (mulhi/mullo/shift lanes, wrap-around sums,
 * the fast casts) are the same function. A third of the conv/dense layers
 * get po2 weights and a product_t (hls4ml's shift type, a random one, or one
 * that keeps every product so the lanes still run).
 */
#include "test_engine_model.h"

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static int32_t rnd_code(const struct qnn_fixed_type *t)
{
	int64_t lo = qnn_fixed_min(t), hi = qnn_fixed_max(t);

	return (int32_t)(lo + (int64_t)(rng = rng * 6364136223846793005ull + 1,
					(rng >> 11) % (uint64_t)(hi - lo + 1)));
}

static struct qnn_fixed_type rnd_type(unsigned wmin, unsigned wmax)
{
	unsigned w = wmin + rnd(wmax - wmin + 1);
	static const uint8_t q[] = {QNN_RND_TRN,  QNN_RND_TRN, QNN_RND_RND,	QNN_RND_CONV,
				    QNN_RND_ZERO, QNN_RND_INF, QNN_RND_MIN_INF, QNN_RND_TRN_ZERO};
	static const uint8_t o[] = {QNN_OVF_WRAP, QNN_OVF_WRAP, QNN_OVF_SAT, QNN_OVF_SAT_SYM,
				    QNN_OVF_SAT_ZERO};

	return tm_type(w, (int)rnd(w + 4) - 2, 1, q[rnd(8)], o[rnd(5)]);
}

/* accumulators: mostly what hls4ml produces (wrapping, TRN), sometimes anything */
static struct qnn_fixed_type rnd_accum(void)
{
	struct qnn_fixed_type t = rnd_type(8, 40);

	if (rnd(3)) {
		t.rounding = QNN_RND_TRN;
		t.overflow = QNN_OVF_WRAP;
	}
	return t;
}

static int32_t wbuf[4][65536], bbuf[4][64];

/* the type of the codes entering the next layer */
static struct qnn_fixed_type cur_in_t(const struct tm *t)
{
	for (uint32_t i = t->m.n_layers; i > 0; i--)
		if (t->rec[i - 1].result_t.width)
			return t->rec[i - 1].result_t;
	return t->hdr.input_t;
}

/* a random ±2^e code of wt (po2 weights) */
static int32_t rnd_po2(const struct qnn_fixed_type *wt)
{
	int32_t v = (int32_t)1 << rnd(wt->width - 1);

	return rnd(2) ? -v : v;
}

/*
 * product_t for po2 weights: hls4ml's ap_fixed<2(We+Wx), We+Wx> (often
 * dropping bits), any random type, or one wide enough to keep every
 * product (the lane paths must then still be taken and agree).
 */
static struct qnn_fixed_type rnd_product(const struct qnn_fixed_type *in,
					 const struct qnn_fixed_type *wt)
{
	int f = qnn_fixed_frac(in) + qnn_fixed_frac(wt);
	unsigned k = rnd(3), we = 2 + rnd(4);

	if (k == 0)
		return tm_type(2 * (we + in->width), (int)(we + in->width), 1, QNN_RND_TRN,
			       QNN_OVF_WRAP);
	if (k == 1)
		return rnd_type(2, 40);
	return tm_type(62, 62 - (f + (int)rnd(3)), 1, QNN_RND_TRN, QNN_OVF_WRAP);
}

static void add_mac(struct tm *t, int conv, int li)
{
	struct qnn_fixed_type wt = rnd_type(2, 8), acc = rnd_accum(), res = rnd_type(6, 16);
	struct qnn_fixed_type in_t = cur_in_t(t);
	struct qnn_layer_rec *r;
	uint32_t cout = 1 + rnd(20), n, i;
	int po2 = !rnd(3);

	if (conv) {
		uint32_t k = 1 + rnd(3), s = 1 + rnd(2);

		if (k > t->h || k > t->w)
			k = 1;
		if (rnd(2) && k > 1) {
			/* 'same' as Keras pads it */
			uint32_t oh = (t->h + s - 1) / s, ow = (t->w + s - 1) / s;
			uint32_t th = (oh - 1) * s + k > t->h ? (oh - 1) * s + k - t->h : 0;
			uint32_t tw = (ow - 1) * s + k > t->w ? (ow - 1) * s + k - t->w : 0;

			r = tm_window(t, QNN_LAYER_CONV2D, k, s, th / 2, th - th / 2, tw / 2,
				      tw - tw / 2, cout);
		} else {
			r = tm_window(t, QNN_LAYER_CONV2D, k, s, 0, 0, 0, 0, cout);
		}
		n = k * k * r->in_c * cout;
	} else {
		r = tm_add(t, QNN_LAYER_DENSE, 1, 1, cout);
		n = r->in_h * r->in_w * r->in_c * cout;
	}
	cr_assert(n <= 65536);
	for (i = 0; i < n; i++)
		wbuf[li][i] = po2 ? rnd_po2(&wt) : rnd_code(&wt);
	for (i = 0; i < cout; i++)
		bbuf[li][i] = rnd_code(&wt);
	tm_weights(t, wbuf[li], rnd(4) ? bbuf[li] : NULL, wt, acc, res);
	if (po2)
		r->product_t = rnd_product(&in_t, &wt);
}

static void build(struct tm *t)
{
	struct qnn_fixed_type in_t = rnd_type(4, 16);
	int li = 0;

	tm_begin(t, 3 + rnd(7), 3 + rnd(7), 1 + rnd(4), in_t);
	add_mac(t, 1, li++);
	if (rnd(2))
		tm_add(t, QNN_LAYER_RELU, t->h, t->w, t->c)->result_t = rnd_type(4, 16);
	if (t->h >= 2 && t->w >= 2 && rnd(2))
		tm_window(t, QNN_LAYER_MAXPOOL2D, 2, 2, 0, 0, 0, 0, t->c)->result_t =
		    rnd_type(4, 16);
	if (rnd(2))
		add_mac(t, 1, li++);
	tm_add(t, QNN_LAYER_FLATTEN, 1, 1, t->h * t->w * t->c);
	add_mac(t, 0, li++);
}

struct capture {
	int32_t codes[16][4096];
	uint32_t n[16];
};

static void cap(void *ctx, uint32_t sample, uint32_t layer, const int32_t *codes, uint32_t count)
{
	struct capture *c = ctx;

	(void)sample;
	cr_assert(count <= 4096);
	memcpy(c->codes[layer], codes, count * sizeof(*codes));
	c->n[layer] = count;
}

static struct capture fast, ref;
static int32_t out_codes[4096], out_logits[4096];

Test(engine_lanes, random_models_match_reference)
{
	int32_t x[9 * 9 * 4];

	for (int m = 0; m < 400; m++) {
		struct tm t;

		build(&t);
		for (int s = 0; s < 3; s++) {
			/* sample 0 spans input_t; the others stay small, as real images do,
			 * which lets the engine pick its narrow 16-bit plans */
			int64_t cap_lo = s ? -((int64_t)1 << rnd(12)) : INT64_MIN;

			for (uint32_t i = 0; i < t.hdr.in_h * t.hdr.in_w * t.hdr.in_c; i++) {
				x[i] = rnd_code(&t.hdr.input_t);
				if (s && (x[i] < cap_lo || x[i] > -cap_lo - 1))
					x[i] = (int32_t)(x[i] % (-cap_lo));
			}
			/* odd samples: the lane paths' plain C (what kernel builds run) */
			cr_assert_eq(tm_end(&t, s % 2 ? QNN_ENGINE_SCALAR : 0), 0, "model %d", m);
			cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_CODES, x, 1, NULL, cap, &fast),
				     0);
			cr_assert_eq(tm_end(&t, QNN_ENGINE_REFERENCE), 0);
			cr_assert_eq(qnn_engine_run(&t.e, QNN_INPUT_CODES, x, 1, NULL, cap, &ref),
				     0);
			for (uint32_t l = 0; l < t.m.n_layers; l++)
				for (uint32_t i = 0; i < ref.n[l]; i++)
					cr_assert_eq(fast.codes[l][i], ref.codes[l][i],
						     "model %d sample %d layer %u out %u: %d != %d",
						     m, s, l, i, fast.codes[l][i], ref.codes[l][i]);
			/* untraced runs may reorder activations after pools: same outputs */
			{
				struct qnn_engine_out o = {.codes = out_codes,
							   .logits = out_logits};
				uint32_t last = t.m.n_layers - 1;

				cr_assert_eq(tm_end(&t, 0), 0);
				cr_assert_eq(
				    qnn_engine_run(&t.e, QNN_INPUT_CODES, x, 1, &o, NULL, NULL), 0);
				for (uint32_t i = 0; i < ref.n[last]; i++) {
					cr_assert_eq(out_codes[i], ref.codes[last][i], "model %d",
						     m);
					cr_assert_eq(out_logits[i], ref.codes[last][i], "model %d",
						     m);
				}
			}
		}
		tm_free(&t);
	}
}
