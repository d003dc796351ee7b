// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * libFuzzer target for the wire protocol's frame parser (libclient/proto.c):
 * the input is a byte stream as a client (or a daemon) might send it, fed
 * in chunks the way a socket delivers them. Every complete frame goes
 * through the decoder for its type, with the limits qnnd applies; every
 * accepted payload is re-encoded and must decode to the same thing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qnn_proto.h"

#define N_IN	    72
#define N_OUT	    5
#define MAX_SAMPLES 16
#define MAX_LEN	    (QNN_WIRE_CLASSIFY_SIZE + MAX_SAMPLES * N_IN * 4)

static void check_classify(const uint8_t *p, uint32_t len)
{
	struct qnn_wire_classify c;
	const uint8_t *f;
	float in[MAX_SAMPLES * N_IN];

	if (qnn_proto_get_classify(p, len, N_IN, MAX_SAMPLES, &c, &f))
		return;
	if (c.n_samples < 1 || c.n_samples > MAX_SAMPLES || f != p + QNN_WIRE_CLASSIFY_SIZE ||
	    len != qnn_proto_classify_len(c.n_samples, N_IN))
		abort();
	long bad = qnn_proto_get_floats(in, f, (size_t)c.n_samples * N_IN);

	if (bad != qnn_first_nonfinite(in, (size_t)c.n_samples * N_IN))
		abort();
}

static void check_reply(const uint8_t *p, uint32_t len)
{
	struct qnn_wire_reply r;

	if (qnn_proto_get_reply_hdr(p, len, &r))
		return;
	if (qnn_proto_reply_len(r.n_samples, r.n_out, r.flags) != len)
		abort();
}

static void check_info(const uint8_t *p, uint32_t len)
{
	struct qnn_model_info i, j;
	uint8_t again[QNN_WIRE_INFO_SIZE];

	if (qnn_proto_get_info(p, len, &i))
		return;
	qnn_proto_put_info(again, &i);
	if (qnn_proto_get_info(again, sizeof(again), &j) || memcmp(&i, &j, sizeof(i)))
		abort();
}

static void check_error(const uint8_t *p, uint32_t len)
{
	char msg[QNN_PROTO_MAX_ERRMSG + 1];
	int st;

	if (qnn_proto_get_error(p, len, &st, msg, sizeof(msg)))
		return;
	if (st >= 0 || st < QNN_STATUS_MIN || strlen(msg) > QNN_PROTO_MAX_ERRMSG ||
	    !qnn_strerror(st))
		abort();
}

static void check_stats(const uint8_t *p, uint32_t len)
{
	struct qnn_daemon_stats s, t;
	uint8_t again[QNN_WIRE_STATS_SIZE];

	if (qnn_proto_get_stats(p, len, &s))
		return;
	qnn_proto_put_stats(again, &s);
	if (qnn_proto_get_stats(again, sizeof(again), &t) || memcmp(&s, &t, sizeof(s)))
		abort();
}

/* SHM_REPLY: an accepted layout fits its region and re-encodes to the same bytes. */
static void check_shm(const uint8_t *p, uint32_t len)
{
	struct qnn_wire_shm w, v;
	uint8_t again[QNN_WIRE_SHM_SIZE];

	if (qnn_proto_get_shm(p, len, N_IN, N_OUT, MAX_SAMPLES, &w))
		return;
	if (!w.slots || w.slots > QNN_SHM_MAX_SLOTS || !w.slot_samples ||
	    w.slot_samples > MAX_SAMPLES || w.sq_off < QNN_SHM_CTRL_SIZE ||
	    w.cq_off < w.sq_off + 4ull * w.slots || w.slots_off < w.cq_off + 4ull * w.slots ||
	    w.reply_off < sizeof(struct qnn_shm_req) + 4ull * w.slot_samples * N_IN ||
	    w.slot_size <
		w.reply_off + sizeof(struct qnn_shm_rep) + 12ull * w.slot_samples * N_OUT ||
	    w.region_size < w.slots_off + (uint64_t)w.slots * w.slot_size)
		abort();
	qnn_proto_put_shm(again, &w);
	if (memcmp(again, p, sizeof(again)) ||
	    qnn_proto_get_shm(again, sizeof(again), N_IN, N_OUT, MAX_SAMPLES, &v) ||
	    memcmp(&w, &v, sizeof(w)))
		abort();
}

static void frame(const struct qnn_frame_hdr *h, const uint8_t *p)
{
	switch (h->type) {
	case QNN_MSG_CLASSIFY:
		check_classify(p, h->len);
		break;
	case QNN_MSG_CLASSIFY_REPLY:
		check_reply(p, h->len);
		break;
	case QNN_MSG_INFO_REPLY:
		check_info(p, h->len);
		break;
	case QNN_MSG_ERROR:
		check_error(p, h->len);
		break;
	case QNN_MSG_STATS_REPLY:
		check_stats(p, h->len);
		break;
	case QNN_MSG_SHM_REPLY:
		check_shm(p, h->len);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The first byte picks the chunk size a socket delivers. */
	static uint8_t buf[QNN_PROTO_HDR_SIZE + MAX_LEN + 4096];
	size_t chunk, have = 0, pos = 1;

	if (size < 1)
		return 0;
	chunk = 1 + data[0] % 61;
	while (pos < size || have) {
		size_t take = size - pos < chunk ? size - pos : chunk;

		if (have + take > sizeof(buf))
			take = sizeof(buf) - have;
		memcpy(buf + have, data + pos, take);
		have += take;
		pos += take;
		size_t off = 0;

		for (;;) {
			struct qnn_frame_hdr h;
			int r = qnn_proto_parse_hdr(buf + off, have - off, MAX_LEN, &h);

			if (r == QNN_PROTO_NEED_MORE)
				break;
			if (r < 0)
				return 0; /* the daemon hangs up here */
			if (h.len > MAX_LEN)
				abort();
			if (have - off < QNN_PROTO_HDR_SIZE + h.len)
				break;
			frame(&h, buf + off + QNN_PROTO_HDR_SIZE);
			off += QNN_PROTO_HDR_SIZE + h.len;
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (!take)
			break; /* input exhausted with a partial frame left */
	}
	return 0;
}
