// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Criterion units for the wire codec (libclient/proto.c): every check a reader applies. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "qnn_proto.h"

static uint8_t hdr[QNN_PROTO_HDR_SIZE];
static struct qnn_frame_hdr h;

Test(proto_hdr, roundtrip)
{
	qnn_proto_put_hdr(hdr, QNN_MSG_CLASSIFY, 0xdeadbeef, 1234);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, sizeof(hdr), 4096, &h), QNN_PROTO_HDR_OK);
	cr_assert_eq(h.magic, QNN_PROTO_MAGIC);
	cr_assert_eq(h.type, QNN_MSG_CLASSIFY);
	cr_assert_eq(h.id, 0xdeadbeef);
	cr_assert_eq(h.len, 1234);
	/* little-endian on the wire whatever the host */
	cr_assert_eq(hdr[0], 'Q');
	cr_assert_eq(hdr[3], 'P');
	cr_assert_eq(hdr[12], 1234 & 0xff);
}

Test(proto_hdr, needs_sixteen_bytes)
{
	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	for (size_t n = 0; n < QNN_PROTO_HDR_SIZE; n++)
		cr_assert_eq(qnn_proto_parse_hdr(hdr, n, 4096, &h), QNN_PROTO_NEED_MORE, "n=%zu",
			     n);
}

Test(proto_hdr, rejects_bad_fields)
{
	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	hdr[0] ^= 1;
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_PROTO);
	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	hdr[4] = 2;
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_VERSION);
	qnn_proto_put_hdr(hdr, 0, 1, 0);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_PROTO);
	qnn_proto_put_hdr(hdr, QNN_MSG_TYPE_MAX, 1, 0);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_PROTO);
	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	hdr[7] = 0x80;
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_PROTO);
}

Test(proto_hdr, length_bounds)
{
	qnn_proto_put_hdr(hdr, QNN_MSG_CLASSIFY, 1, 4097);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_E_TOO_BIG);
	qnn_proto_put_hdr(hdr, QNN_MSG_CLASSIFY, 1, 4096);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 4096, &h), QNN_PROTO_HDR_OK);
	/* the absolute cap applies even when the caller allows more */
	qnn_proto_put_hdr(hdr, QNN_MSG_CLASSIFY, 1, 0xffffffffu);
	cr_assert_eq(qnn_proto_parse_hdr(hdr, 16, 0xffffffffu, &h), QNN_E_TOO_BIG);
}

Test(proto_classify, lengths)
{
	cr_assert_eq(qnn_proto_classify_len(1, 784), 16 + 784 * 4);
	cr_assert_eq(qnn_proto_classify_len(65536, 65536), 0, "overflow must give 0");
	cr_assert_eq(qnn_proto_reply_len(2, 10, 0), 24 + 2 * 4);
	cr_assert_eq(qnn_proto_reply_len(2, 10, QNN_RF_PROBS | QNN_RF_LOGITS), 24 + 2 * (4 + 80));
	cr_assert_eq(qnn_proto_reply_len(0xffffffffu, 10, QNN_RF_PROBS), 0);
}

static uint8_t buf[16 + 4 * 4 * 8];

static uint32_t make_classify(uint32_t n, uint32_t n_in, uint32_t flags)
{
	struct qnn_wire_classify c = {.n_samples = n, .timeout_ms = 250, .flags = flags};
	float in[32];

	for (int i = 0; i < 32; i++)
		in[i] = (float)i * 0.25f;
	qnn_proto_put_classify(buf, &c);
	qnn_proto_put_floats(buf + 16, in, (size_t)n * n_in);
	return qnn_proto_classify_len(n, n_in);
}

Test(proto_classify, valid_request)
{
	struct qnn_wire_classify c;
	const uint8_t *f;
	float out[8];
	uint32_t len = make_classify(2, 4, QNN_CF_WANT_PROBS);

	cr_assert_eq(qnn_proto_get_classify(buf, len, 4, 8, &c, &f), 0);
	cr_assert_eq(c.n_samples, 2);
	cr_assert_eq(c.timeout_ms, 250);
	cr_assert_eq(c.flags, QNN_CF_WANT_PROBS);
	cr_assert_eq(qnn_proto_get_floats(out, f, 8), -1);
	cr_assert_float_eq(out[7], 1.75f, 0);
}

Test(proto_classify, invalid_requests)
{
	struct qnn_wire_classify c;
	const uint8_t *f;
	uint32_t len = make_classify(2, 4, 0);

	cr_assert_eq(qnn_proto_get_classify(buf, 15, 4, 8, &c, &f), QNN_E_PROTO, "short");
	cr_assert_eq(qnn_proto_get_classify(buf, len - 4, 4, 8, &c, &f), QNN_E_SHAPE, "length");
	cr_assert_eq(qnn_proto_get_classify(buf, len, 5, 8, &c, &f), QNN_E_SHAPE, "n_in");
	cr_assert_eq(qnn_proto_get_classify(buf, len, 4, 1, &c, &f), QNN_E_TOO_BIG, "max_samples");
	make_classify(0, 4, 0);
	cr_assert_eq(qnn_proto_get_classify(buf, 16, 4, 8, &c, &f), QNN_E_SHAPE, "zero samples");
	len = make_classify(1, 4, 0x80);
	cr_assert_eq(qnn_proto_get_classify(buf, len, 4, 8, &c, &f), QNN_E_PROTO, "unknown flag");
	len = make_classify(1, 4, 0);
	buf[12] = 1;
	cr_assert_eq(qnn_proto_get_classify(buf, len, 4, 8, &c, &f), QNN_E_PROTO, "reserved");
}

Test(proto_floats, nonfinite_detected)
{
	float in[6] = {0, 1, -2.5f, 1e-40f, 3, 4}; /* a denormal is finite */
	uint8_t w[24];
	float out[6];

	qnn_proto_put_floats(w, in, 6);
	cr_assert_eq(qnn_proto_get_floats(out, w, 6), -1);
	cr_assert_eq(qnn_first_nonfinite(in, 6), -1);
	const float bad[3] = {NAN, INFINITY, -INFINITY};

	for (int k = 0; k < 3; k++) {
		in[4] = bad[k];
		qnn_proto_put_floats(w, in, 6);
		cr_assert_eq(qnn_proto_get_floats(out, w, 6), 4, "kind %d", k);
		cr_assert_eq(qnn_first_nonfinite(in, 6), 4, "kind %d", k);
	}
}

/* The scan goes in blocks: every length, every position, the first of two, exact copies. */
Test(proto_floats, nonfinite_every_position_and_length)
{
	enum { N = 41 };
	const uint32_t bad[] = {0x7fc00000u, 0xffc00001u, 0x7f800000u, 0xff800000u, 0x7f800001u};
	const float finite[4] = {3.4028235e38f, -0.0f, 1e-40f, -1}; /* largest, -0, denormal */
	float in[N], out[N];
	uint8_t w[4 * N];

	for (int n = 1; n <= N; n++) {
		for (int i = 0; i < n; i++)
			in[i] = finite[i % 4];
		qnn_proto_put_floats(w, in, (size_t)n);
		cr_assert_eq(qnn_proto_get_floats(out, w, (size_t)n), -1, "n %d", n);
		cr_assert_eq(qnn_first_nonfinite(in, (size_t)n), -1, "n %d", n);
		cr_assert_eq(memcmp(out, in, 4 * (size_t)n), 0, "n %d: bits copied", n);
		for (int p = 0; p < n; p++) {
			float save = in[p];

			memcpy(&in[p], &bad[(p + n) % 5], 4);
			if (p + 3 < n)
				in[n - 1] = NAN; /* a later one does not hide the first */
			qnn_proto_put_floats(w, in, (size_t)n);
			cr_assert_eq(qnn_proto_get_floats(out, w, (size_t)n), p, "n %d p %d", n, p);
			cr_assert_eq(qnn_first_nonfinite(in, (size_t)n), p, "n %d p %d", n, p);
			cr_assert_eq(memcmp(out, in, 4 * (size_t)n), 0, "n %d p %d: bits", n, p);
			in[p] = save;
			in[n - 1] = -1;
		}
	}
}

Test(proto_reply, header_checks)
{
	struct qnn_wire_reply r = {.n_samples = 3,
				   .n_out = 10,
				   .flags = QNN_RF_PROBS,
				   .queue_us = 7,
				   .run_us = 9},
			      back;
	uint8_t p[QNN_WIRE_REPLY_SIZE];
	uint32_t len = qnn_proto_reply_len(3, 10, QNN_RF_PROBS);

	qnn_proto_put_reply_hdr(p, &r);
	cr_assert_eq(qnn_proto_get_reply_hdr(p, len, &back), 0);
	cr_assert_eq(back.n_samples, 3);
	cr_assert_eq(back.queue_us, 7);
	cr_assert_eq(back.run_us, 9);
	cr_assert_eq(qnn_proto_get_reply_hdr(p, len + 4, &back), QNN_E_PROTO);
	cr_assert_eq(qnn_proto_get_reply_hdr(p, 10, &back), QNN_E_PROTO);
	r.flags = 0x10;
	qnn_proto_put_reply_hdr(p, &r);
	cr_assert_eq(qnn_proto_get_reply_hdr(p, len, &back), QNN_E_PROTO);
}

Test(proto_info, roundtrip_and_checks)
{
	struct qnn_model_info i = {.n_in = 784,
				   .in_h = 28,
				   .in_w = 28,
				   .in_c = 1,
				   .n_out = 10,
				   .max_samples = 64,
				   .max_batch = 64,
				   .max_inflight = 32,
				   .flags = QNN_INFO_HAS_LOGITS,
				   .logits_frac_bits = -3,
				   .model_crc = 0x12345678},
			      back;
	uint8_t p[QNN_WIRE_INFO_SIZE];

	strcpy(i.name, "mnist_cnn");
	strcpy(i.backend, "sw");
	qnn_proto_put_info(p, &i);
	cr_assert_eq(qnn_proto_get_info(p, sizeof(p), &back), 0);
	cr_assert_eq(memcmp(&i, &back, sizeof(i)), 0);
	cr_assert_eq(qnn_proto_get_info(p, sizeof(p) - 1, &back), QNN_E_PROTO);
	memset(p + 48, 'x', 48); /* name without NUL */
	cr_assert_eq(qnn_proto_get_info(p, sizeof(p), &back), QNN_E_PROTO);
	i.in_h = 27; /* shape and n_in disagree */
	qnn_proto_put_info(p, &i);
	cr_assert_eq(qnn_proto_get_info(p, sizeof(p), &back), QNN_E_PROTO);
}

Test(proto_error, roundtrip_and_checks)
{
	uint8_t p[QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	char msg[64], longmsg[400];
	int st;
	uint32_t len = qnn_proto_put_error(p, QNN_E_BUSY, "queue full");

	cr_assert_eq(len, 8 + 10);
	cr_assert_eq(qnn_proto_get_error(p, len, &st, msg, sizeof(msg)), 0);
	cr_assert_eq(st, QNN_E_BUSY);
	cr_assert_str_eq(msg, "queue full");
	cr_assert_eq(qnn_proto_get_error(p, len - 1, &st, msg, sizeof(msg)), QNN_E_PROTO);
	memset(longmsg, 'a', sizeof(longmsg) - 1);
	longmsg[sizeof(longmsg) - 1] = 0;
	len = qnn_proto_put_error(p, QNN_E_PROTO, longmsg);
	cr_assert_eq(len, 8 + QNN_PROTO_MAX_ERRMSG, "messages are capped");
	/* a peer's non-negative or unknown status is still reported as an error */
	len = qnn_proto_put_error(p, 5, "odd");
	cr_assert_eq(qnn_proto_get_error(p, len, &st, NULL, 0), 0);
	cr_assert_eq(st, QNN_E_PROTO);
	len = qnn_proto_put_error(p, -1000, "odd");
	cr_assert_eq(qnn_proto_get_error(p, len, &st, NULL, 0), 0);
	cr_assert_eq(st, QNN_E_PROTO);
}

Test(proto_stats, roundtrip_and_forward_compat)
{
	struct qnn_daemon_stats s = {.uptime_ms = 1,
				     .requests = 1ull << 40,
				     .latency_p99_us = 99,
				     .backend_failures = 3},
				back;
	uint8_t p[QNN_WIRE_STATS_SIZE + 16];

	strcpy(s.backend, "null");
	strcpy(s.model, "m");
	qnn_proto_put_stats(p, &s);
	cr_assert_eq(qnn_proto_get_stats(p, QNN_WIRE_STATS_SIZE, &back), 0);
	cr_assert_eq(memcmp(&s, &back, sizeof(s)), 0);
	cr_assert_eq(qnn_proto_get_stats(p, QNN_WIRE_STATS_SIZE - 1, &back), QNN_E_PROTO);
	/* a newer daemon with two more counters: still readable */
	uint8_t q[QNN_WIRE_STATS_SIZE + 16] = {0};

	qnn_put_u32(q, QNN_STAT_COUNT + 2);
	memcpy(q + 8, p + 8, 8 * QNN_STAT_COUNT);
	memcpy(q + 8 + 8 * (QNN_STAT_COUNT + 2), p + 8 + 8 * QNN_STAT_COUNT, 64);
	cr_assert_eq(qnn_proto_get_stats(q, sizeof(q), &back), 0);
	cr_assert_eq(back.latency_p99_us, 99);
	cr_assert_str_eq(back.backend, "null");
}

/* Found by fuzz_frame: bytes after a string's NUL must not survive decoding. */
Test(proto_stats, string_padding_not_carried_over)
{
	struct qnn_daemon_stats s = {0}, back, again;
	uint8_t p[QNN_WIRE_STATS_SIZE], q[QNN_WIRE_STATS_SIZE];

	strcpy(s.backend, "sw");
	qnn_proto_put_stats(p, &s);
	memcpy(p + 8 + 8 * QNN_STAT_COUNT + 3, "junk", 4); /* after "sw\0" */
	cr_assert_eq(qnn_proto_get_stats(p, sizeof(p), &back), 0);
	cr_assert_str_eq(back.backend, "sw");
	for (size_t i = 2; i < sizeof(back.backend); i++)
		cr_assert_eq(back.backend[i], 0, "byte %zu of backend kept peer garbage", i);
	qnn_proto_put_stats(q, &back);
	cr_assert_eq(qnn_proto_get_stats(q, sizeof(q), &again), 0);
	cr_assert_eq(memcmp(&back, &again, sizeof(back)), 0);
}

Test(strerror, every_status_named)
{
	for (int st = 0; st >= QNN_STATUS_MIN; st--)
		cr_assert_neq(strcmp(qnn_strerror(st), "unknown qnn status"), 0, "status %d", st);
	cr_assert_str_eq(qnn_strerror(1), "unknown qnn status");
	cr_assert_str_eq(qnn_strerror(QNN_STATUS_MIN - 1), "unknown qnn status");
}

Test(proto_shm, layout_bounds_and_roundtrip)
{
	struct qnn_wire_shm w = {.slots = 64}, v;
	uint8_t sb[QNN_WIRE_SHM_SIZE];

	/* MNIST: 784 floats = 3136 bytes, 5 samples fit in 16 KiB */
	cr_assert_eq(qnn_shm_layout(&w, 784, 10, 256), 0);
	cr_assert_eq(w.slot_samples, 5);
	cr_assert_eq(w.reply_off % 64, 0);
	cr_assert_eq(w.slot_size % 64, 0);
	cr_assert_geq(w.reply_off, sizeof(struct qnn_shm_req) + 5 * 784 * 4);
	cr_assert_geq(w.slot_size, w.reply_off + sizeof(struct qnn_shm_rep) + 5 * 4 + 5 * 10 * 8);
	cr_assert_geq(w.sq_off, sizeof(struct qnn_shm_ctrl));
	cr_assert_geq(w.cq_off, w.sq_off + 64 * 4);
	cr_assert_geq(w.slots_off, w.cq_off + 64 * 4);
	cr_assert_geq(w.region_size, w.slots_off + 64ull * w.slot_size);
	cr_assert_eq(w.region_size % 4096, 0);
	/* max_samples caps a slot; a sample larger than 16 KiB still gets one */
	cr_assert_eq(qnn_shm_layout(&w, 72, 5, 3), 0);
	cr_assert_eq(w.slot_samples, 3);
	cr_assert_eq(qnn_shm_layout(&w, 100000, 5, 8), 0);
	cr_assert_eq(w.slot_samples, 1);
	/* slot count bounds */
	w.slots = 0;
	cr_assert_eq(qnn_shm_layout(&w, 72, 5, 8), QNN_E_TOO_BIG);
	w.slots = QNN_SHM_MAX_SLOTS + 1;
	cr_assert_eq(qnn_shm_layout(&w, 72, 5, 8), QNN_E_TOO_BIG);
	/* the reply is checked against the layout both ends compute */
	w.slots = 16;
	cr_assert_eq(qnn_shm_layout(&w, 72, 5, 8), 0);
	qnn_proto_put_shm(sb, &w);
	cr_assert_eq(qnn_proto_get_shm(sb, sizeof(sb), 72, 5, 8, &v), 0);
	cr_assert_eq(memcmp(&w, &v, sizeof(w)), 0);
	cr_assert_eq(qnn_proto_get_shm(sb, sizeof(sb) - 1, 72, 5, 8, &v), QNN_E_PROTO);
	cr_assert_eq(qnn_proto_get_shm(sb, sizeof(sb), 700, 5, 8, &v), QNN_E_PROTO,
		     "a layout for another model");
	for (unsigned k = 1; k < 8; k++) {
		uint8_t bad[QNN_WIRE_SHM_SIZE];

		memcpy(bad, sb, sizeof(bad));
		qnn_put_u32(bad + 4 * k, qnn_get_u32(bad + 4 * k) + 64);
		cr_assert_eq(qnn_proto_get_shm(bad, sizeof(bad), 72, 5, 8, &v), QNN_E_PROTO,
			     "field %u changed", k);
	}
	/* the new frame types parse; one past them does not */
	qnn_proto_put_hdr(sb, QNN_MSG_SHM_REPLY, 1, QNN_WIRE_SHM_SIZE);
	cr_assert_eq(qnn_proto_parse_hdr(sb, 16, 1024, &h), QNN_PROTO_HDR_OK);
	qnn_proto_put_hdr(sb, QNN_MSG_TYPE_MAX, 1, 0);
	cr_assert_eq(qnn_proto_parse_hdr(sb, 16, 1024, &h), QNN_E_PROTO);
}
