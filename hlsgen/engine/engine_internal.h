/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * engine_internal.h - what the engine's files share: the per-layer plan
 * that qnn_engine_init() computes once and stores at the start of the
 * caller's workspace, and the layer kernels' entry points.
 */
#ifndef QNN_ENGINE_INTERNAL_H
#define QNN_ENGINE_INTERNAL_H

#include "qnn_engine.h"
#include "qnn_fixed.h"
#include "softmax_rule.h"

#ifndef NULL
#define NULL ((void *)0)
#endif

#define QNN_EINVAL   22
#define QNN_WS_MAGIC 0x51454e47u
#define QNN_WS_ALIGN 64u

/*
 * SIMD is for x86-64 userspace only. The kernel build (-mgeneral-regs-only,
 * no FPU state) and any build without SSE2 get plain scalar C from the same
 * sources: __SSE2__ is not defined under -mgeneral-regs-only.
 */
#if !defined(__KERNEL__) && defined(__x86_64__) && defined(__SSE2__) && defined(__GNUC__) &&       \
    !defined(__clang__) && !defined(QNN_NO_SIMD)
#define QNN_X86_SIMD	1
#define QNN_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define QNN_SIMD_CLONES
#endif

/* How a conv/dense layer's multiply-accumulate is computed. */
enum qnn_mac_path {
	QNN_MAC_GENERIC = 0, /* scalar, int64, every mode exact */
	QNN_MAC_I16 = 1,     /* 16-bit lanes, sums exact mod 2^16 */
	QNN_MAC_I32 = 2,     /* 32-bit lanes, sums exact mod 2^32 */
};

/* The per-product operation of the lane paths. */
enum qnn_lane_op {
	QNN_LOP_MULLO = 0, /* t = x * w'             (w' = w << -s) */
	QNN_LOP_MULHI = 1, /* t = (x' * w') >> 16    (x' = x << a, w' = w << b) */
	QNN_LOP_SHR = 2,   /* t = (x * w + rc) >> s  (32-bit lanes only) */
};

/* One elementwise cast from a source type to a destination type. */
struct qnn_cast {
	struct qnn_fixed_type dst;
	int32_t fs;		   /* source fraction bits */
	int32_t shift;		   /* right shift of the source code (may be <= 0) */
	uint8_t identity;	   /* every source code maps to itself */
	uint8_t fast;		   /* the int32 loops apply (see qnn_cast_plan) */
	uint8_t overflow_possible; /* some rounded source code leaves dst */
};

/* One way to run a conv/dense multiply-accumulate in SIMD lanes. */
struct qnn_lane_plan {
	uint8_t path;	  /* enum qnn_mac_path */
	uint8_t lop;	  /* enum qnn_lane_op */
	uint8_t x_shift;  /* a: x' = x << a (MULHI) */
	uint8_t acc_wrap; /* lane sums are reduced modulo 2^W_acc at the end */
	uint8_t direct;	  /* lane sums are already the result codes */
	int32_t round_c;  /* rc for QNN_LOP_SHR */
	size_t w_off;	  /* packed weights in the workspace */
	size_t b_off;	  /* packed bias (accum codes, int32) */
};

struct qnn_layer_plan {
	struct qnn_fixed_type in_t;  /* codes entering the layer */
	struct qnn_fixed_type out_t; /* codes leaving it */
	uint32_t in_n, out_n;	     /* elements per sample */
	int64_t in_lo, in_hi;	     /* every code entering lies in [in_lo, in_hi] */
	int64_t out_lo, out_hi;	     /* ... and every code leaving (range.c) */
	uint8_t monotone;	     /* relu/linear: x <= y implies f(x) <= f(y) */
	uint32_t pool_at;	     /* see pool_first() in engine.c; 0 = none */
	struct qnn_cast out_cast;    /* relu/linear/pool: in_t -> out_t;
				      * conv/dense: accum_t -> result_t */
	/* conv/dense */
	uint32_t n_taps; /* kh * kw * cin, or n_in */
	uint32_t cout;	 /* output channels */
	uint32_t cpad;	 /* cout rounded up to 16 lanes */
	int32_t p_shift; /* s = F_x + F_w - F_acc */
	/*
	 * lane[0] holds for every input the layer can receive; lane[1], when
	 * has_narrow, is a 16-bit plan valid only while every input code lies
	 * in [narrow_lo, narrow_hi], chosen per sample after a min/max scan.
	 */
	struct qnn_lane_plan lane[2];
	size_t tap_off; /* conv: workspace offset of a uint32 [n_taps] table, or 0 */
	uint8_t has_narrow;
	int64_t narrow_lo, narrow_hi;
	/* softmax */
	struct qnn_softmax_types smx;
};

/* Layout of the start of the workspace. */
struct qnn_ws_header {
	uint32_t magic;
	uint32_t n_layers;
	const struct qnn_model *model;
	size_t buf_a, buf_b; /* two activation buffers, max_tensor int32 each */
	size_t scratch;	     /* per-layer scratch */
	size_t scratch_size;
	struct qnn_layer_plan plan[QNN_MAX_LAYERS];
};

static inline void *qnn_ws_at(const struct qnn_engine *e, size_t off)
{
	return (char *)e->ws + off;
}

static inline const struct qnn_ws_header *qnn_ws_hdr(const struct qnn_engine *e)
{
	return (const struct qnn_ws_header *)e->ws;
}

/* input.c: IEEE-754 float bits -> input_t codes, counting NaN/Inf */
void qnn_input_from_f32(int32_t *dst, const uint32_t *src, uint32_t n,
			const struct qnn_fixed_type *t, uint32_t *nonfinite);

/* range.c: what codes a layer can produce, from what it can receive */
void qnn_range_layer(const struct qnn_layer_rec *r, struct qnn_layer_plan *p);

/* ---- casts (activation.c) ---- */
/* reference: always the general qnn_fixed_convert() (tests compare the two) */
void qnn_cast_plan(struct qnn_cast *c, const struct qnn_fixed_type *src,
		   const struct qnn_fixed_type *dst, int reference);
void qnn_cast_array(int32_t *dst, const int32_t *src, uint32_t n, const struct qnn_cast *c);
int qnn_type_within(const struct qnn_fixed_type *inner, const struct qnn_fixed_type *outer);
/* the overflow step of t on int32 values (t at most 32 bits) */
void qnn_overflow_array(int32_t *d, uint32_t n, const struct qnn_fixed_type *t);

/* ---- layers: each reads in[] (plan->in_n codes) and writes out[] ---- */
void qnn_layer_relu(const struct qnn_layer_plan *p, const int32_t *in, int32_t *out);
void qnn_layer_linear(const struct qnn_layer_plan *p, const int32_t *in, int32_t *out);
void qnn_layer_maxpool(const struct qnn_layer *l, const struct qnn_layer_plan *p, const int32_t *in,
		       int32_t *out);
/* the pool's maxima without its result cast */
void qnn_pool_max(const struct qnn_layer_rec *r, const int32_t *in, int32_t *out);
/* a relu or linear layer applied in place to n codes */
void qnn_layer_act_n(const struct qnn_layer_rec *r, const struct qnn_layer_plan *p, int32_t *d,
		     uint32_t n);
void qnn_layer_softmax(const struct qnn_layer *l, const struct qnn_layer_plan *p, const int32_t *in,
		       int32_t *out);
void qnn_layer_conv2d(const struct qnn_engine *e, const struct qnn_layer *l,
		      const struct qnn_layer_plan *p, const int32_t *in, int32_t *out);
void qnn_layer_dense(const struct qnn_engine *e, const struct qnn_layer *l,
		     const struct qnn_layer_plan *p, const int32_t *in, int32_t *out);
size_t qnn_conv2d_scratch_size(const struct qnn_layer_rec *r);
size_t qnn_dense_scratch_size(const struct qnn_layer_rec *r);

/* ---- multiply-accumulate ---- */

/* mac_generic.c: the reference */
int64_t qnn_mac_bias(const struct qnn_layer *l, uint32_t co);
int64_t qnn_mac_product(const struct qnn_layer_rec *r, int64_t x, int64_t w, int32_t fp);
void qnn_mac_generic(const struct qnn_layer *l, const struct qnn_fixed_type *in_t, const int32_t *x,
		     uint32_t n_taps, uint32_t cout, int32_t *out);

/* mac_plan.c: choose a lane path, pack weights */
size_t qnn_mac_packed_size(const struct qnn_layer_rec *r);
int qnn_mac_plan(struct qnn_layer_plan *p, const struct qnn_layer *l, void *ws, size_t off,
		 int reference);

/*
 * mac_lanes.c: a whole layer of lane sums. Output pixel p (row-major, px_w
 * per row) reads its window from x at origin (p / px_w) * row_step +
 * (p % px_w) * col_step, tap t at tap_off[t] from there (t when NULL).
 */
struct qnn_lane_job {
	const void *x;		 /* lane-typed inputs (int16 or int32) */
	const uint32_t *tap_off; /* [n_taps] offsets within a window, or NULL */
	uint32_t n_taps;
	uint32_t n_px;	     /* output pixels */
	uint32_t px_w;	     /* output pixels per row */
	uint32_t row_step;   /* elements between vertically adjacent windows */
	uint32_t col_step;   /* elements between horizontally adjacent windows */
	const void *w;	     /* packed [n_taps][cpad] */
	const int32_t *bias; /* [cpad] accum codes */
	uint32_t cpad;
	uint32_t cout; /* lanes stored per pixel */
	uint8_t lop;
	uint8_t scalar;		/* plain C even where SIMD exists (QNN_ENGINE_SCALAR) */
	int32_t shift, round_c; /* QNN_LOP_SHR */
	int32_t *acc;		/* out: [n_px][cout] lane values, sign-extended */
};
void qnn_mac_lanes(const struct qnn_lane_job *j, uint8_t path);

/*
 * The part of a lane job that the layer's plan and the chosen lane plan
 * decide, the same for conv2d and dense; each adds its input geometry and
 * where the sums go. Set up once per layer call, outside the MAC loops.
 */
static inline struct qnn_lane_job qnn_lane_job_from_plan(const struct qnn_engine *e,
							 const struct qnn_layer_plan *p,
							 const struct qnn_lane_plan *lp)
{
	struct qnn_lane_job j = {
	    .n_taps = p->n_taps,
	    .n_px = 1,
	    .px_w = 1,
	    .w = qnn_ws_at(e, lp->w_off),
	    .bias = qnn_ws_at(e, lp->b_off),
	    .cpad = p->cpad,
	    .cout = p->cout,
	    .lop = lp->lop,
	    .scalar = (uint8_t) !!(e->flags & QNN_ENGINE_SCALAR),
	    .shift = p->p_shift,
	    .round_c = lp->round_c,
	};

	return j;
}

/* mac_finish.c: lane sums -> accum codes -> result codes */
void qnn_mac_finish(const struct qnn_layer *l, const struct qnn_layer_plan *p,
		    const struct qnn_lane_plan *lp, const int32_t *acc, uint32_t n_px, int32_t *tmp,
		    int32_t *out);
/* copy codes into lane type (int16 or int32), pre-shifted by x_shift */
void qnn_mac_load_x(const struct qnn_lane_plan *lp, void *dst, size_t di, const int32_t *src,
		    uint32_t n);
/* the lane plan for this input: the narrow one when every code allows it */
const struct qnn_lane_plan *qnn_mac_choose(const struct qnn_layer_plan *p, const int32_t *in);

#endif /* QNN_ENGINE_INTERNAL_H */
