// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * engine.c - qnn_engine.h: bind a model to a caller-owned workspace (checking
 * every assumption the layer kernels make, and planning each layer once),
 * then run samples through the layers one after the other, ping-ponging
 * between two activation buffers of int32 codes.
 *
 * Workspace layout (all offsets 64-byte aligned from the aligned base):
 *   header (struct qnn_ws_header: per-layer plans)
 *   packed weights + bias for each conv/dense layer
 *   activation buffer A, activation buffer B (max_tensor codes each)
 *   scratch (the largest any layer needs)
 */
#include "engine_internal.h"

#define NO_LAYER 0xffffffffu

static size_t align64(size_t v)
{
	return (v + QNN_WS_ALIGN - 1) / QNN_WS_ALIGN * QNN_WS_ALIGN;
}

static uint64_t dims(uint32_t h, uint32_t w, uint32_t c)
{
	return (uint64_t)h * w * c;
}

struct ws_layout {
	size_t header, packed[QNN_MAX_LAYERS], buf_a, buf_b, scratch, scratch_size, total;
	uint64_t max_tensor;
};

static size_t layer_scratch(const struct qnn_layer_rec *r)
{
	if (r->kind == QNN_LAYER_CONV2D)
		return qnn_conv2d_scratch_size(r);
	if (r->kind == QNN_LAYER_DENSE)
		return qnn_dense_scratch_size(r);
	return 0;
}

/* Offsets relative to the 64-byte aligned base; sizes saturate for absurd inputs. */
static int layout(const struct qnn_model *m, struct ws_layout *L)
{
	uint32_t i;
	size_t off, scratch = 64;

	if (!m || !m->hdr || m->n_layers == 0 || m->n_layers > QNN_MAX_LAYERS)
		return -QNN_EINVAL;
	L->max_tensor = dims(m->hdr->in_h, m->hdr->in_w, m->hdr->in_c);
	for (i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;
		uint64_t a, b;

		if (!r)
			return -QNN_EINVAL;
		a = dims(r->in_h, r->in_w, r->in_c);
		b = dims(r->out_h, r->out_w, r->out_c);
		if (a > QNN_MAX_TENSOR || b > QNN_MAX_TENSOR)
			return -QNN_EINVAL;
		L->max_tensor = a > L->max_tensor ? a : L->max_tensor;
		L->max_tensor = b > L->max_tensor ? b : L->max_tensor;
		if (r->kernel_h > QNN_MAX_DIM || r->kernel_w > QNN_MAX_DIM ||
		    r->pad_top > QNN_MAX_DIM || r->pad_bottom > QNN_MAX_DIM ||
		    r->pad_left > QNN_MAX_DIM || r->pad_right > QNN_MAX_DIM)
			return -QNN_EINVAL;
		if (layer_scratch(r) > scratch)
			scratch = layer_scratch(r);
	}
	if (L->max_tensor > QNN_MAX_TENSOR)
		return -QNN_EINVAL;
	off = align64(sizeof(struct qnn_ws_header));
	L->header = 0;
	for (i = 0; i < m->n_layers; i++) {
		L->packed[i] = off;
		off += align64(qnn_mac_packed_size(m->layers[i].rec));
	}
	L->buf_a = off;
	off += align64((size_t)L->max_tensor * 4);
	L->buf_b = off;
	off += align64((size_t)L->max_tensor * 4);
	L->scratch = off;
	L->scratch_size = align64(scratch);
	L->total = off + L->scratch_size + QNN_WS_ALIGN; /* room to align the base */
	return 0;
}

size_t qnn_engine_workspace_size(const struct qnn_model *m)
{
	struct ws_layout L;

	return layout(m, &L) ? 0 : L.total;
}

/* ---- validation: what every kernel relies on ---- */

static int same_in(const struct qnn_layer_rec *r, uint32_t h, uint32_t w, uint32_t c)
{
	return r->in_h == h && r->in_w == w && r->in_c == c;
}

static int window_ok(const struct qnn_layer_rec *r)
{
	uint64_t ph = (uint64_t)r->in_h + r->pad_top + r->pad_bottom;
	uint64_t pw = (uint64_t)r->in_w + r->pad_left + r->pad_right;

	if (!r->kernel_h || !r->kernel_w || !r->stride_h || !r->stride_w)
		return 0;
	if (ph < r->kernel_h || pw < r->kernel_w)
		return 0;
	/* pads smaller than the kernel: every window holds a real pixel */
	if (r->pad_top >= r->kernel_h || r->pad_bottom >= r->kernel_h ||
	    r->pad_left >= r->kernel_w || r->pad_right >= r->kernel_w)
		return 0;
	return r->out_h == (ph - r->kernel_h) / r->stride_h + 1 &&
	       r->out_w == (pw - r->kernel_w) / r->stride_w + 1;
}

static int mac_ok(const struct qnn_layer *l, const struct qnn_fixed_type *in_t)
{
	const struct qnn_layer_rec *r = l->rec;

	if (!l->weights || ((r->flags & QNN_LF_HAS_BIAS) && !l->bias))
		return 0;
	if (qnn_fixed_type_check(&r->weight_t, 32) || qnn_fixed_type_check(&r->accum_t, 64))
		return 0;
	if ((r->flags & QNN_LF_HAS_BIAS) && qnn_fixed_type_check(&r->bias_t, 32))
		return 0;
	if (r->product_t.width && qnn_fixed_type_check(&r->product_t, QNN_MAX_PRODUCT_WIDTH))
		return 0;
	return in_t->width <= 32;
}

static int check_layer(const struct qnn_layer *l, const struct qnn_fixed_type *in_t,
		       struct qnn_layer_plan *p, int reference)
{
	const struct qnn_layer_rec *r = l->rec;
	int produces = 1;

	p->in_t = *in_t;
	p->in_n = (uint32_t)dims(r->in_h, r->in_w, r->in_c);
	p->out_n = (uint32_t)dims(r->out_h, r->out_w, r->out_c);
	if (!p->in_n || !p->out_n)
		return -QNN_EINVAL;
	switch (r->kind) {
	case QNN_LAYER_CONV2D:
		if (!window_ok(r) || !mac_ok(l, in_t))
			return -QNN_EINVAL;
		p->n_taps = r->kernel_h * r->kernel_w * r->in_c;
		p->cout = r->out_c;
		break;
	case QNN_LAYER_DENSE:
		if (r->out_h != 1 || r->out_w != 1 || !mac_ok(l, in_t))
			return -QNN_EINVAL;
		p->n_taps = p->in_n;
		p->cout = r->out_c;
		break;
	case QNN_LAYER_MAXPOOL2D:
		if (!window_ok(r) || r->out_c != r->in_c)
			return -QNN_EINVAL;
		break;
	case QNN_LAYER_RELU:
	case QNN_LAYER_LINEAR:
		if (p->in_n != p->out_n)
			return -QNN_EINVAL;
		break;
	case QNN_LAYER_FLATTEN:
	case QNN_LAYER_DROPOUT:
		if (p->in_n != p->out_n)
			return -QNN_EINVAL;
		produces = 0; /* a reshape: codes and type pass through */
		break;
	case QNN_LAYER_SOFTMAX:
		if (r->out_h != r->in_h || r->out_w != r->in_w || r->out_c != r->in_c)
			return -QNN_EINVAL;
		if (qnn_softmax_resolve(r, in_t, r->in_c, &p->smx))
			return -QNN_EINVAL;
		if (r->softmax_impl != QNN_SOFTMAX_ARGMAX && (!l->exp_table || !l->inv_table))
			return -QNN_EINVAL;
		break;
	default:
		return -QNN_EINVAL;
	}
	if (!produces) {
		p->out_t = *in_t;
		return 0;
	}
	if (qnn_fixed_type_check(&r->result_t, 32))
		return -QNN_EINVAL;
	p->out_t = r->result_t;
	qnn_cast_plan(&p->out_cast, in_t, &r->result_t, reference);
	return 0;
}

/*
 * Relu/linear layers followed by a max pool can run after the pool on a
 * quarter of the codes: max(f(a), f(b)) = f(max(a, b)) for every
 * non-decreasing f (range.c tells which casts are). plan[i].pool_at = k
 * marks layers i..k-1 as such a run ending in pool k. Their own outputs are
 * then never materialized, so this is skipped when they are traced or hold
 * the logits.
 */
static void plan_pool_first(const struct qnn_model *m, struct qnn_ws_header *h, uint32_t logits)
{
	uint32_t i, k;

	for (i = 0; i < m->n_layers; i++)
		h->plan[i].pool_at = 0;
	for (i = 0; i < m->n_layers; i = k + 1) {
		for (k = i; k < m->n_layers; k++) {
			uint16_t kind = m->layers[k].rec->kind;

			if ((kind != QNN_LAYER_RELU && kind != QNN_LAYER_LINEAR) ||
			    !h->plan[k].monotone || k == logits)
				break;
		}
		if (k > i && k < m->n_layers && m->layers[k].rec->kind == QNN_LAYER_MAXPOOL2D)
			h->plan[i].pool_at = k;
	}
}

int qnn_engine_init(struct qnn_engine *e, const struct qnn_model *m, void *ws, size_t ws_size)
{
	struct ws_layout L;
	struct qnn_ws_header *h;
	const struct qnn_layer_rec *prev = NULL;
	const struct qnn_fixed_type *in_t;
	int64_t lo, hi;
	size_t base;
	uint32_t i;

	if (!e || !ws || layout(m, &L) || ws_size < L.total)
		return -QNN_EINVAL;
	if (qnn_fixed_type_check(&m->hdr->input_t, 32))
		return -QNN_EINVAL;
	base = (size_t)((QNN_WS_ALIGN - ((uintptr_t)ws & (QNN_WS_ALIGN - 1))) & (QNN_WS_ALIGN - 1));
	e->model = m;
	e->ws = (char *)ws + base;
	e->ws_size = ws_size - base;
	e->flags &= QNN_ENGINE_REFERENCE | QNN_ENGINE_SCALAR;
	h = e->ws;
	h->magic = 0;
	h->n_layers = m->n_layers;
	h->model = m;
	h->buf_a = L.buf_a;
	h->buf_b = L.buf_b;
	h->scratch = L.scratch;
	h->scratch_size = L.scratch_size;
	in_t = &m->hdr->input_t;
	lo = qnn_fixed_min(in_t);
	hi = qnn_fixed_max(in_t);
	for (i = 0; i < m->n_layers; i++) {
		const struct qnn_layer *l = &m->layers[i];
		struct qnn_layer_plan *p = &h->plan[i];
		const struct qnn_layer_rec *r = l->rec;

		if (prev ? !same_in(r, prev->out_h, prev->out_w, prev->out_c)
			 : !same_in(r, m->hdr->in_h, m->hdr->in_w, m->hdr->in_c))
			return -QNN_EINVAL;
		p->in_lo = lo;
		p->in_hi = hi;
		if (check_layer(l, in_t, p, e->flags & QNN_ENGINE_REFERENCE))
			return -QNN_EINVAL;
		qnn_range_layer(r, p);
		lo = p->out_lo;
		hi = p->out_hi;
		if ((r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE) &&
		    qnn_mac_plan(p, l, e->ws, L.packed[i], e->flags & QNN_ENGINE_REFERENCE))
			return -QNN_EINVAL;
		in_t = &p->out_t;
		prev = r;
	}
	if (dims(prev->out_h, prev->out_w, prev->out_c) != m->hdr->n_out)
		return -QNN_EINVAL;
	/* the logits are the codes entering a final softmax */
	if (prev->kind == QNN_LAYER_SOFTMAX)
		e->logits_layer = m->n_layers >= 2 ? m->n_layers - 2 : NO_LAYER;
	else
		e->logits_layer = m->n_layers - 1;
	plan_pool_first(m, h, e->flags & QNN_ENGINE_REFERENCE ? 0 : e->logits_layer);
	if (e->flags & QNN_ENGINE_REFERENCE)
		for (i = 0; i < m->n_layers; i++)
			h->plan[i].pool_at = 0;
	h->magic = QNN_WS_MAGIC;
	return 0;
}

const struct qnn_fixed_type *qnn_engine_logits_type(const struct qnn_engine *e)
{
	const struct qnn_ws_header *h = qnn_ws_hdr(e);

	if (e->logits_layer == NO_LAYER)
		return &e->model->hdr->input_t;
	return &h->plan[e->logits_layer].out_t;
}

/* ---- running ---- */

static void load_input(const struct qnn_engine *e, enum qnn_input_kind kind, const void *in,
		       uint32_t s, int32_t *dst, uint32_t *nonfinite)
{
	const struct qnn_fixed_type *t = &e->model->hdr->input_t;
	uint32_t n = e->model->n_in, i;

	if (kind == QNN_INPUT_CODES) {
		const int32_t *c = (const int32_t *)in + (size_t)s * n;

		/* a code outside input_t cannot exist on the wire: reduce it as the type would */
		for (i = 0; i < n; i++)
			dst[i] = (int32_t)qnn_fixed_overflow(c[i], 0, t);
		return;
	}
	qnn_input_from_f32(dst, (const uint32_t *)in + (size_t)s * n, n, t, nonfinite);
}

/* flatten and dropout move no data: their output is their input */
static int passes_through(const struct qnn_layer_rec *r)
{
	return r->kind == QNN_LAYER_FLATTEN || r->kind == QNN_LAYER_DROPOUT;
}

static void run_layer(const struct qnn_engine *e, uint32_t i, const int32_t *a, int32_t *b)
{
	const struct qnn_layer *l = &e->model->layers[i];
	const struct qnn_layer_plan *p = &qnn_ws_hdr(e)->plan[i];

	switch (l->rec->kind) {
	case QNN_LAYER_CONV2D:
		qnn_layer_conv2d(e, l, p, a, b);
		break;
	case QNN_LAYER_DENSE:
		qnn_layer_dense(e, l, p, a, b);
		break;
	case QNN_LAYER_RELU:
		qnn_layer_relu(p, a, b);
		break;
	case QNN_LAYER_LINEAR:
		qnn_layer_linear(p, a, b);
		break;
	case QNN_LAYER_MAXPOOL2D:
		qnn_layer_maxpool(l, p, a, b);
		break;
	case QNN_LAYER_SOFTMAX:
		qnn_layer_softmax(l, p, a, b);
		break;
	default:
		break;
	}
}

/* layers i..k-1 (relu/linear) then pool k, computed as pool, then i..k-1 */
static void run_pool_first(const struct qnn_engine *e, uint32_t i, uint32_t k, const int32_t *a,
			   int32_t *b)
{
	const struct qnn_ws_header *h = qnn_ws_hdr(e);
	uint32_t n = h->plan[k].out_n, j;

	qnn_pool_max(e->model->layers[k].rec, a, b);
	for (j = i; j < k; j++)
		qnn_layer_act_n(e->model->layers[j].rec, &h->plan[j], b, n);
	qnn_cast_array(b, b, n, &h->plan[k].out_cast);
}

static void copy_codes(int32_t *dst, const int32_t *src, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[i];
}

static void emit(const struct qnn_engine *e, const int32_t *codes, uint32_t s,
		 struct qnn_engine_out *out)
{
	const struct qnn_ws_header *h = qnn_ws_hdr(e);
	const struct qnn_fixed_type *t = &h->plan[h->n_layers - 1].out_t;
	uint32_t n = e->model->n_out, i, best = 0;

	if (out->codes)
		copy_codes(out->codes + (size_t)s * n, codes, n);
	if (out->values)
		for (i = 0; i < n; i++)
			out->values[(size_t)s * n + i] = qnn_fixed_to_f32(codes[i], t);
	if (out->classes) {
		for (i = 1; i < n; i++)
			if (codes[i] > codes[best])
				best = i; /* strictly greater: the lowest index wins ties */
		out->classes[s] = (uint16_t)best;
	}
}

int qnn_engine_run(struct qnn_engine *e, enum qnn_input_kind kind, const void *in, uint32_t n,
		   struct qnn_engine_out *out, qnn_trace_fn trace, void *trace_ctx)
{
	const struct qnn_ws_header *h;
	uint32_t s, i, nonfinite = 0;

	if (!e || !e->ws || !e->model)
		return -QNN_EINVAL;
	h = qnn_ws_hdr(e);
	if (h->magic != QNN_WS_MAGIC || h->model != e->model)
		return -QNN_EINVAL;
	if ((kind != QNN_INPUT_F32 && kind != QNN_INPUT_CODES) || (n && !in))
		return -QNN_EINVAL;
	for (s = 0; s < n; s++) {
		int32_t *bufs[2] = {qnn_ws_at(e, h->buf_a), qnn_ws_at(e, h->buf_b)};
		int32_t *cur = bufs[0];

		load_input(e, kind, in, s, cur, &nonfinite);
		if (out && out->logits && e->logits_layer == NO_LAYER)
			copy_codes(out->logits + (size_t)s * e->model->n_out, cur, e->model->n_out);
		for (i = 0; i < h->n_layers; i++) {
			uint32_t k = h->plan[i].pool_at;

			if (k && !trace) {
				int32_t *next = cur == bufs[0] ? bufs[1] : bufs[0];

				run_pool_first(e, i, k, cur, next);
				cur = next;
				i = k;
			} else if (!passes_through(e->model->layers[i].rec)) {
				int32_t *next = cur == bufs[0] ? bufs[1] : bufs[0];

				run_layer(e, i, cur, next);
				cur = next;
			}
			if (trace)
				trace(trace_ctx, s, i, cur, h->plan[i].out_n);
			if (out && out->logits && i == e->logits_layer)
				copy_codes(out->logits + (size_t)s * e->model->n_out, cur,
					   e->model->n_out);
		}
		if (out)
			emit(e, cur, s, out);
	}
	if (out)
		out->nonfinite = nonfinite;
	return 0;
}
