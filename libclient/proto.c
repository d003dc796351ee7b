/* SPDX-License-Identifier: MIT */
/*
 * proto.c - encode and decode the frames of qnn_proto.h. Pure functions on
 * byte buffers (no I/O), shared by libqnn, qnnd, the tests and the fuzzer.
 * Every length is checked before it is used: these run on untrusted input.
 */
#include <math.h>
#include <string.h>

#include "qnn_proto.h"

void qnn_proto_put_hdr(uint8_t out[QNN_PROTO_HDR_SIZE], uint8_t type, uint32_t id, uint32_t len)
{
	qnn_put_u32(out, QNN_PROTO_MAGIC);
	out[4] = QNN_PROTO_VERSION;
	out[5] = type;
	out[6] = 0;
	out[7] = 0;
	qnn_put_u32(out + 8, id);
	qnn_put_u32(out + 12, len);
}

int qnn_proto_parse_hdr(const uint8_t *buf, size_t avail, uint32_t max_len, struct qnn_frame_hdr *h)
{
	if (avail < QNN_PROTO_HDR_SIZE)
		return QNN_PROTO_NEED_MORE;
	h->magic = qnn_get_u32(buf);
	h->version = buf[4];
	h->type = buf[5];
	h->flags = (uint16_t)(buf[6] | buf[7] << 8);
	h->id = qnn_get_u32(buf + 8);
	h->len = qnn_get_u32(buf + 12);
	if (h->magic != QNN_PROTO_MAGIC)
		return QNN_E_PROTO;
	if (h->version != QNN_PROTO_VERSION)
		return QNN_E_VERSION;
	if (h->type == 0 || h->type >= QNN_MSG_TYPE_MAX || h->flags != 0)
		return QNN_E_PROTO;
	if (h->len > max_len || h->len > QNN_PROTO_MAX_LEN)
		return QNN_E_TOO_BIG;
	return QNN_PROTO_HDR_OK;
}

uint32_t qnn_proto_classify_len(uint32_t n_samples, uint32_t n_in)
{
	uint64_t len = (uint64_t)n_samples * n_in * 4u + QNN_WIRE_CLASSIFY_SIZE;

	return len > QNN_PROTO_MAX_LEN ? 0 : (uint32_t)len;
}

uint32_t qnn_proto_reply_len(uint32_t n_samples, uint32_t n_out, uint32_t flags)
{
	uint64_t per = 4u;

	if (flags & QNN_RF_PROBS)
		per += (uint64_t)n_out * 4u;
	if (flags & QNN_RF_LOGITS)
		per += (uint64_t)n_out * 4u;
	uint64_t len = QNN_WIRE_REPLY_SIZE + per * n_samples;
	return len > QNN_PROTO_MAX_LEN ? 0 : (uint32_t)len;
}

void qnn_proto_put_classify(uint8_t *out, const struct qnn_wire_classify *c)
{
	qnn_put_u32(out, c->n_samples);
	qnn_put_u32(out + 4, c->timeout_ms);
	qnn_put_u32(out + 8, c->flags);
	qnn_put_u32(out + 12, 0);
}

int qnn_proto_get_classify(const uint8_t *p, uint32_t len, uint32_t n_in, uint32_t max_samples,
			   struct qnn_wire_classify *c, const uint8_t **floats)
{
	if (len < QNN_WIRE_CLASSIFY_SIZE)
		return QNN_E_PROTO;
	c->n_samples = qnn_get_u32(p);
	c->timeout_ms = qnn_get_u32(p + 4);
	c->flags = qnn_get_u32(p + 8);
	if (qnn_get_u32(p + 12) != 0 || (c->flags & ~QNN_CF_KNOWN))
		return QNN_E_PROTO;
	if (c->n_samples == 0)
		return QNN_E_SHAPE;
	if (c->n_samples > max_samples || c->n_samples > QNN_PROTO_MAX_SAMPLES)
		return QNN_E_TOO_BIG;
	if (n_in == 0 || qnn_proto_classify_len(c->n_samples, n_in) != len)
		return QNN_E_SHAPE;
	*floats = p + QNN_WIRE_CLASSIFY_SIZE;
	return 0;
}

static inline int bits_nonfinite(uint32_t bits)
{
	return (bits & 0x7f800000u) == 0x7f800000u;
}

/* Index of the first non-finite bit pattern in src[0..n), or -1 (the exact scan). */
static long first_nonfinite_bits(const float *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t b;

		memcpy(&b, &src[i], 4);
		if (bits_nonfinite(b))
			return (long)i;
	}
	return -1;
}

/*
 * Whether any of n bit patterns is non-finite. Blocks of 8 without an early
 * exit, so the compiler vectorises them at -O2; the exact index is searched
 * (first_nonfinite_bits) only when this says there is one.
 */
static int any_nonfinite_bits(const float *src, size_t n)
{
	uint32_t any = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint32_t b[8];

		memcpy(b, src + i, sizeof(b));
		for (int k = 0; k < 8; k++)
			any |= (b[k] & 0x7f800000u) ^ 0x7f800000u ? 0 : 1;
	}
	for (; i < n; i++) {
		uint32_t b;

		memcpy(&b, &src[i], 4);
		any |= (uint32_t)bits_nonfinite(b);
	}
	return any != 0;
}

long qnn_proto_get_floats(float *dst, const uint8_t *src, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	memcpy(dst, src, n * 4); /* the wire order is the host's */
#else
	for (size_t i = 0; i < n; i++) {
		uint32_t b = qnn_get_u32(src + 4 * i);

		memcpy(&dst[i], &b, 4);
	}
#endif
	return any_nonfinite_bits(dst, n) ? first_nonfinite_bits(dst, n) : -1;
}

void qnn_proto_put_floats(uint8_t *dst, const float *src, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t b;

		memcpy(&b, &src[i], 4);
		qnn_put_u32(dst + 4 * i, b);
	}
}

long qnn_first_nonfinite(const float *src, size_t n)
{
	return any_nonfinite_bits(src, n) ? first_nonfinite_bits(src, n) : -1;
}

void qnn_proto_put_reply_hdr(uint8_t *out, const struct qnn_wire_reply *r)
{
	qnn_put_u32(out, r->n_samples);
	qnn_put_u32(out + 4, r->n_out);
	qnn_put_u32(out + 8, r->flags);
	qnn_put_u32(out + 12, r->queue_us);
	qnn_put_u32(out + 16, r->run_us);
	qnn_put_u32(out + 20, 0);
}

int qnn_proto_get_reply_hdr(const uint8_t *p, uint32_t len, struct qnn_wire_reply *r)
{
	if (len < QNN_WIRE_REPLY_SIZE)
		return QNN_E_PROTO;
	r->n_samples = qnn_get_u32(p);
	r->n_out = qnn_get_u32(p + 4);
	r->flags = qnn_get_u32(p + 8);
	r->queue_us = qnn_get_u32(p + 12);
	r->run_us = qnn_get_u32(p + 16);
	if (r->flags & ~(QNN_RF_PROBS | QNN_RF_LOGITS))
		return QNN_E_PROTO;
	if (r->n_samples == 0 || r->n_samples > QNN_PROTO_MAX_SAMPLES || r->n_out == 0)
		return QNN_E_PROTO;
	if (qnn_proto_reply_len(r->n_samples, r->n_out, r->flags) != len)
		return QNN_E_PROTO;
	return 0;
}

static void put_str(uint8_t *out, const char *s, size_t size)
{
	size_t n = s ? strnlen(s, size - 1) : 0;

	memset(out, 0, size);
	if (n)
		memcpy(out, s, n);
}

/*
 * Copies a fixed-size wire string; refuses one without a NUL. Bytes after
 * the NUL are not carried over, so a decoded value re-encodes to the same
 * bytes and no peer garbage reaches the caller.
 */
static int get_str(char *dst, const uint8_t *src, size_t size)
{
	const uint8_t *nul = memchr(src, 0, size);

	if (!nul)
		return QNN_E_PROTO;
	memset(dst, 0, size);
	memcpy(dst, src, (size_t)(nul - src));
	return 0;
}

void qnn_proto_put_info(uint8_t out[QNN_WIRE_INFO_SIZE], const struct qnn_model_info *i)
{
	const uint32_t v[12] = {i->n_in,      i->in_h,
				i->in_w,      i->in_c,
				i->n_out,     i->max_samples,
				i->max_batch, i->max_inflight,
				i->flags,     (uint32_t)i->logits_frac_bits,
				i->model_crc, 0};

	memset(out, 0, QNN_WIRE_INFO_SIZE);
	for (int k = 0; k < 12; k++)
		qnn_put_u32(out + 4 * k, v[k]);
	put_str(out + 48, i->name, sizeof(i->name));
	put_str(out + 96, i->backend, sizeof(i->backend));
}

int qnn_proto_get_info(const uint8_t *p, uint32_t len, struct qnn_model_info *i)
{
	if (len != QNN_WIRE_INFO_SIZE)
		return QNN_E_PROTO;
	memset(i, 0, sizeof(*i));
	i->n_in = qnn_get_u32(p);
	i->in_h = qnn_get_u32(p + 4);
	i->in_w = qnn_get_u32(p + 8);
	i->in_c = qnn_get_u32(p + 12);
	i->n_out = qnn_get_u32(p + 16);
	i->max_samples = qnn_get_u32(p + 20);
	i->max_batch = qnn_get_u32(p + 24);
	i->max_inflight = qnn_get_u32(p + 28);
	i->flags = qnn_get_u32(p + 32);
	i->logits_frac_bits = (int32_t)qnn_get_u32(p + 36);
	i->model_crc = qnn_get_u32(p + 40);
	if (get_str(i->name, p + 48, sizeof(i->name)) ||
	    get_str(i->backend, p + 96, sizeof(i->backend)))
		return QNN_E_PROTO;
	if (i->n_in == 0 || i->n_out == 0 || i->max_samples == 0 || i->max_inflight == 0 ||
	    (uint64_t)i->in_h * i->in_w * i->in_c != i->n_in ||
	    i->max_samples > QNN_PROTO_MAX_SAMPLES ||
	    qnn_proto_classify_len(i->max_samples, i->n_in) == 0 ||
	    qnn_proto_reply_len(i->max_samples, i->n_out, QNN_RF_PROBS | QNN_RF_LOGITS) == 0)
		return QNN_E_PROTO;
	return 0;
}

uint32_t qnn_proto_put_error(uint8_t *out, int status, const char *msg)
{
	size_t n = msg ? strnlen(msg, QNN_PROTO_MAX_ERRMSG) : 0;

	qnn_put_u32(out, (uint32_t)status);
	qnn_put_u32(out + 4, (uint32_t)n);
	if (n)
		memcpy(out + QNN_WIRE_ERROR_SIZE, msg, n);
	return QNN_WIRE_ERROR_SIZE + (uint32_t)n;
}

int qnn_proto_get_error(const uint8_t *p, uint32_t len, int *status, char *msg, size_t msglen)
{
	if (len < QNN_WIRE_ERROR_SIZE)
		return QNN_E_PROTO;
	int32_t st = (int32_t)qnn_get_u32(p);
	uint32_t n = qnn_get_u32(p + 4);

	if (n > QNN_PROTO_MAX_ERRMSG || n != len - QNN_WIRE_ERROR_SIZE)
		return QNN_E_PROTO;
	/* An unknown or non-negative status from the peer is still an error. */
	*status = (st < QNN_STATUS_MIN || st >= 0) ? QNN_E_PROTO : st;
	if (msg && msglen) {
		size_t c = n < msglen - 1 ? n : msglen - 1;

		memcpy(msg, p + QNN_WIRE_ERROR_SIZE, c);
		msg[c] = 0;
	}
	return 0;
}

static uint64_t *stat_slot(struct qnn_daemon_stats *s, unsigned k)
{
	uint64_t *v[QNN_STAT_COUNT] = {
	    [QNN_STAT_UPTIME_MS] = &s->uptime_ms,
	    [QNN_STAT_CLIENTS] = &s->clients,
	    [QNN_STAT_CONNECTIONS_TOTAL] = &s->connections_total,
	    [QNN_STAT_REQUESTS] = &s->requests,
	    [QNN_STAT_SAMPLES] = &s->samples,
	    [QNN_STAT_BATCHES] = &s->batches,
	    [QNN_STAT_BUSY] = &s->busy_rejects,
	    [QNN_STAT_TIMEOUTS] = &s->timeouts,
	    [QNN_STAT_ERRORS] = &s->errors,
	    [QNN_STAT_NONFINITE] = &s->nonfinite_rejects,
	    [QNN_STAT_QUEUE_DEPTH] = &s->queue_depth,
	    [QNN_STAT_INFLIGHT_BATCHES] = &s->inflight_batches,
	    [QNN_STAT_SAMPLES_PER_S_X1000] = &s->samples_per_s_x1000,
	    [QNN_STAT_BATCH_AVG_X1000] = &s->batch_avg_x1000,
	    [QNN_STAT_LATENCY_P50_US] = &s->latency_p50_us,
	    [QNN_STAT_LATENCY_P99_US] = &s->latency_p99_us,
	    [QNN_STAT_RELOADS] = &s->reloads,
	    [QNN_STAT_BACKEND_FAILURES] = &s->backend_failures,
	};
	return k < QNN_STAT_COUNT ? v[k] : NULL;
}

void qnn_proto_put_stats(uint8_t out[QNN_WIRE_STATS_SIZE], const struct qnn_daemon_stats *s)
{
	qnn_put_u32(out, QNN_STAT_COUNT);
	qnn_put_u32(out + 4, 0);
	for (unsigned k = 0; k < QNN_STAT_COUNT; k++)
		qnn_put_u64(out + 8 + 8 * k, *stat_slot((struct qnn_daemon_stats *)s, k));
	put_str(out + 8 + 8 * QNN_STAT_COUNT, s->backend, sizeof(s->backend));
	put_str(out + 8 + 8 * QNN_STAT_COUNT + 16, s->model, sizeof(s->model));
}

int qnn_proto_get_stats(const uint8_t *p, uint32_t len, struct qnn_daemon_stats *s)
{
	if (len < 8)
		return QNN_E_PROTO;
	uint32_t count = qnn_get_u32(p);

	if (count > QNN_WIRE_STATS_MAX_COUNT || len != 8 + 8 * count + 64)
		return QNN_E_PROTO;
	memset(s, 0, sizeof(*s));
	for (unsigned k = 0; k < count && k < QNN_STAT_COUNT; k++)
		*stat_slot(s, k) = qnn_get_u64(p + 8 + 8 * k);
	if (get_str(s->backend, p + 8 + 8 * count, sizeof(s->backend)) ||
	    get_str(s->model, p + 8 + 8 * count + 16, sizeof(s->model)))
		return QNN_E_PROTO;
	return 0;
}

static uint32_t align64(uint64_t v)
{
	return (uint32_t)((v + 63) & ~(uint64_t)63);
}

/* The region's layout follows from the model and the slot count alone: both ends compute it. */
int qnn_shm_layout(struct qnn_wire_shm *w, uint32_t n_in, uint32_t n_out, uint32_t max_samples)
{
	uint64_t per = (uint64_t)n_in * 4, ss, req, rep, size;

	if (!w->slots || w->slots > QNN_SHM_MAX_SLOTS || !n_in || !n_out || !max_samples ||
	    per > QNN_PROTO_MAX_LEN || n_out > QNN_PROTO_MAX_LEN / 12)
		return QNN_E_TOO_BIG;
	ss = QNN_SHM_SLOT_IN_BYTES / per;
	if (ss < 1)
		ss = 1;
	if (ss > max_samples)
		ss = max_samples;
	req = align64(sizeof(struct qnn_shm_req) + ss * per);
	rep = align64(sizeof(struct qnn_shm_rep) + ss * 4 + ss * n_out * 8);
	w->slot_samples = (uint32_t)ss;
	w->reply_off = (uint32_t)req;
	if (req + rep > (64u << 20))
		return QNN_E_TOO_BIG;
	w->slot_size = (uint32_t)(req + rep);
	w->sq_off = QNN_SHM_CTRL_SIZE;
	w->cq_off = align64(w->sq_off + 4ull * w->slots);
	w->slots_off = align64(w->cq_off + 4ull * w->slots);
	size = (uint64_t)w->slots_off + (uint64_t)w->slots * w->slot_size;
	if (size > (1u << 30))
		return QNN_E_TOO_BIG;
	w->region_size = (uint32_t)((size + 4095) & ~(uint64_t)4095);
	return 0;
}

void qnn_proto_put_shm(uint8_t out[QNN_WIRE_SHM_SIZE], const struct qnn_wire_shm *w)
{
	const uint32_t v[8] = {w->slots,       w->slot_samples, w->slot_size, w->reply_off,
			       w->region_size, w->sq_off,	w->cq_off,    w->slots_off};

	for (int k = 0; k < 8; k++)
		qnn_put_u32(out + 4 * k, v[k]);
}

int qnn_proto_get_shm(const uint8_t *p, uint32_t len, uint32_t n_in, uint32_t n_out,
		      uint32_t max_samples, struct qnn_wire_shm *w)
{
	struct qnn_wire_shm want = {0};

	if (len != QNN_WIRE_SHM_SIZE)
		return QNN_E_PROTO;
	want.slots = qnn_get_u32(p);
	if (qnn_shm_layout(&want, n_in, n_out, max_samples))
		return QNN_E_PROTO;
	const uint32_t got[8] = {want.slots,	 want.slot_samples, want.slot_size,
				 want.reply_off, want.region_size,  want.sq_off,
				 want.cq_off,	 want.slots_off};

	for (int k = 0; k < 8; k++)
		if (qnn_get_u32(p + 4 * k) != got[k])
			return QNN_E_PROTO;
	*w = want;
	return 0;
}
