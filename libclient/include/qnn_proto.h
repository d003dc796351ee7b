/* SPDX-License-Identifier: MIT */
/*
 * qnn_proto.h - THE wire protocol between libqnn and qnnd (one place; the
 * short spec is libclient/docs/protocol.md).
 *
 * A stream (AF_UNIX SOCK_STREAM) of frames. Every frame is a 16-byte header
 * followed by `len` payload bytes; all integers are little-endian, floats
 * are IEEE-754 single precision bits (little-endian u32).
 *
 *   off size field
 *     0    4 magic    QNN_PROTO_MAGIC ("QNNP")
 *     4    1 version  QNN_PROTO_VERSION
 *     5    1 type     enum qnn_msg_type
 *     6    2 flags    0 (reserved; non-zero is a protocol error)
 *     8    4 id       request id chosen by the client, echoed in the reply
 *    12    4 len      payload bytes that follow
 *
 * Requests (client -> daemon) and their replies (daemon -> client, same id):
 *   INFO      empty                         -> INFO_REPLY (struct qnn_wire_info)
 *   CLASSIFY  qnn_wire_classify + floats    -> CLASSIFY_REPLY, or ERROR
 *   STATS     empty                         -> STATS_REPLY
 * Any request may instead get ERROR (status + message). A frame the daemon
 * cannot parse (bad magic, version, type, flags, a length beyond the
 * limits) gets ERROR with id 0 and the connection is closed; everything
 * else keeps the connection.
 *
 * Lengths are bounded before any allocation: a CLASSIFY payload is exactly
 * QNN_WIRE_CLASSIFY_SIZE + n_samples * n_in * 4 bytes with
 * 1 <= n_samples <= max_samples of the INFO reply; the daemon's frame limit
 * follows from that (qnn_proto_classify_len()). QNN_PROTO_MAX_LEN is the
 * absolute cap any reader applies first.
 *
 * Ordering: the daemon dispatches the requests of one connection in the
 * order they arrived; replies carry the id, so clients must not assume
 * more than that (a BUSY or TIMEOUT error may overtake earlier replies).
 */
#ifndef QNN_PROTO_H
#define QNN_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "qnn.h"

#define QNN_PROTO_MAGIC	      0x504e4e51u /* "QNNP" as a little-endian u32 */
#define QNN_PROTO_VERSION     1
#define QNN_PROTO_HDR_SIZE    16u
#define QNN_PROTO_MAX_LEN     (64u << 20) /* absolute cap on one payload */
#define QNN_PROTO_MAX_SAMPLES 65536u	  /* absolute cap on samples per request */
#define QNN_PROTO_MAX_ERRMSG  240u	  /* message bytes in an ERROR frame */

enum qnn_msg_type {
	QNN_MSG_INFO = 1,
	QNN_MSG_INFO_REPLY = 2,
	QNN_MSG_CLASSIFY = 3,
	QNN_MSG_CLASSIFY_REPLY = 4,
	QNN_MSG_STATS = 5,
	QNN_MSG_STATS_REPLY = 6,
	QNN_MSG_ERROR = 7,
	QNN_MSG_SHM = 8,	   /* c -> d: empty; only when INFO offered QNN_INFO_SHM */
	QNN_MSG_SHM_REPLY = 9,	   /* d -> c: struct qnn_wire_shm + 3 fds (SCM_RIGHTS) */
	QNN_MSG_RELOAD = 10,	   /* c -> d: empty; root or the daemon's own uid only */
	QNN_MSG_RELOAD_REPLY = 11, /* d -> c: QNN_WIRE_RELOAD_SIZE bytes, once it ran */
	QNN_MSG_TYPE_MAX
};

struct qnn_frame_hdr {
	uint32_t magic;
	uint8_t version;
	uint8_t type;
	uint16_t flags;
	uint32_t id;
	uint32_t len;
};

/*
 * INFO_REPLY payload, QNN_WIRE_INFO_SIZE bytes:
 *   u32 n_in, in_h, in_w, in_c, n_out, max_samples, max_batch,
 *       max_inflight, flags (QNN_INFO_*), i32 logits_frac_bits,
 *   u32 model_crc, u32 reserved (0), char name[48], char backend[16],
 *   u32 reserved[4] (0)                     -> 48 + 64 + 16 = 128 bytes
 */
#define QNN_WIRE_INFO_SIZE 128u

/*
 * CLASSIFY payload: QNN_WIRE_CLASSIFY_SIZE bytes, then n_samples * n_in
 * floats.
 *   u32 n_samples
 *   u32 timeout_ms   deadline from the daemon's receipt; 0 = none. A request
 *                    not dispatched by then is answered QNN_E_TIMEOUT.
 *   u32 flags        QNN_CF_* (what the reply should carry)
 *   u32 reserved     0
 */
#define QNN_WIRE_CLASSIFY_SIZE 16u
#define QNN_CF_WANT_PROBS      0x1u
#define QNN_CF_WANT_LOGITS     0x2u
#define QNN_CF_KNOWN	       (QNN_CF_WANT_PROBS | QNN_CF_WANT_LOGITS)

struct qnn_wire_classify {
	uint32_t n_samples;
	uint32_t timeout_ms;
	uint32_t flags;
};

/*
 * CLASSIFY_REPLY payload: QNN_WIRE_REPLY_SIZE bytes, then
 *   u32 classes[n_samples]
 *   u32 probs[n_samples * n_out]   float bits, when flags & QNN_RF_PROBS
 *   i32 logits[n_samples * n_out]  codes, when flags & QNN_RF_LOGITS
 * header:
 *   u32 n_samples, u32 n_out, u32 flags (QNN_RF_*),
 *   u32 queue_us (receipt -> dispatch), u32 run_us (dispatch -> completion),
 *   u32 reserved (0)
 */
#define QNN_WIRE_REPLY_SIZE 24u
#define QNN_RF_PROBS	    0x1u
#define QNN_RF_LOGITS	    0x2u

struct qnn_wire_reply {
	uint32_t n_samples;
	uint32_t n_out;
	uint32_t flags;
	uint32_t queue_us;
	uint32_t run_us;
};

/* ERROR payload: i32 status (enum qnn_status), u32 msg_len, msg bytes (no NUL). */
#define QNN_WIRE_ERROR_SIZE 8u

/*
 * RELOAD asks the daemon to read its configuration and model again (what SIGHUP does)
 * and is answered once a reload that started after it has finished: RELOAD_REPLY when
 * it was applied, ERROR QNN_E_RELOAD with the reason when it was refused (the daemon
 * keeps serving the previous setup), QNN_E_PERM for other users. Requests that arrive
 * while a reload runs are coalesced into one more reload after it.
 * RELOAD_REPLY payload, QNN_WIRE_RELOAD_SIZE bytes:
 *   u64 generation  configuration generation now in effect (1 at start, +1 per applied reload)
 *   u32 coalesced   reload requests (SIGHUPs and RELOAD frames) that reload answered
 *   u32 reserved    0
 */
#define QNN_WIRE_RELOAD_SIZE 16u

/*
 * STATS_REPLY payload: u32 count, u32 reserved (0), u64 values[count]
 * (in enum qnn_stat_index order; a newer daemon may send more, an older
 * fewer), char backend[16], char model[48].
 */
enum qnn_stat_index {
	QNN_STAT_UPTIME_MS,
	QNN_STAT_CLIENTS,
	QNN_STAT_CONNECTIONS_TOTAL,
	QNN_STAT_REQUESTS,
	QNN_STAT_SAMPLES,
	QNN_STAT_BATCHES,
	QNN_STAT_BUSY,
	QNN_STAT_TIMEOUTS,
	QNN_STAT_ERRORS,
	QNN_STAT_NONFINITE,
	QNN_STAT_QUEUE_DEPTH,
	QNN_STAT_INFLIGHT_BATCHES,
	QNN_STAT_SAMPLES_PER_S_X1000,
	QNN_STAT_BATCH_AVG_X1000,
	QNN_STAT_LATENCY_P50_US,
	QNN_STAT_LATENCY_P99_US,
	QNN_STAT_RELOADS,
	QNN_STAT_BACKEND_FAILURES,
	QNN_STAT_COUNT
};
#define QNN_WIRE_STATS_MAX_COUNT 256u

/*
 * ---- The shared-memory data path (optional, negotiated; same version) ----
 *
 * A 1-sample request over the socket costs two socket round trips of
 * syscalls and wake-ups (client send, daemon recv, daemon send, client
 * recv), more than the sample's own compute on a CPU backend. So, after
 * the handshake, a client whose INFO_REPLY has QNN_INFO_SHM may send SHM;
 * the daemon answers SHM_REPLY carrying three file descriptors (SCM_RIGHTS,
 * in this order): a memfd of region_size bytes (created, sized and sealed
 * against shrinking and growing by the daemon, so the client cannot make
 * the daemon fault), the "kick" eventfd (client -> daemon) and the "notify"
 * eventfd (daemon -> client). Or ERROR: the client then stays on the
 * socket (the fallback, also for daemons without QNN_INFO_SHM).
 *
 * The region (native byte order: both ends are on one host):
 *   QNN_SHM_CTRL_SIZE bytes of control words, each on its own cache line:
 *     sq_tail        client-written: submissions posted so far
 *     d_need_kick    daemon sets 1 when it wants a kick; a client that
 *                    posts takes it (exchange with 0) and, if it was 1,
 *                    writes the kick eventfd
 *     cq_tail        daemon-written: completions posted so far
 *     c_need_notify  client sets 1 when it wants a notify; the daemon that
 *                    posts takes it and, if it was 1, writes notify
 *   u32 sq[slots]   at sq_off: slot indices, in submission order
 *   u32 cq[slots]   at cq_off: slot indices, in completion order
 *   slots * slot_size bytes at slots_off; a slot is a request
 *   (struct qnn_shm_req, then slot_samples * n_in floats) and, at
 *   reply_off inside the slot, a reply (struct qnn_shm_rep, then
 *   u32 classes[slot_samples], u32 probs[slot_samples * n_out] float bits,
 *   i32 logits[slot_samples * n_out]).
 * A client owns a slot from taking it until its index comes back in cq;
 * the daemon owns it from reading its index in sq until it posts it in cq.
 * Each side keeps its own head and its own view of which slots it owns:
 * the daemon copies a request out of the region before validating it (the
 * client could change it under it), and any inconsistency (an index out of
 * range or not the client's to give, more entries than slots) closes that
 * client's connection: a bad ring hurts only its owner.
 *
 * Ordering with the socket: a request's sock_seq is the number of CLASSIFY
 * frames the client had sent on the socket before it; the daemon holds a
 * ring entry back until it has read that many, so one connection's requests
 * are dispatched in the order they were made, whichever way they travelled.
 * Requests larger than slot_samples, INFO and STATS use the socket.
 */
#define QNN_WIRE_SHM_SIZE 32u
struct qnn_wire_shm {
	uint32_t slots;	       /* ring entries = slots, <= max_inflight */
	uint32_t slot_samples; /* largest request a slot holds */
	uint32_t slot_size;    /* bytes per slot (multiple of 64) */
	uint32_t reply_off;    /* reply offset inside a slot */
	uint32_t region_size;  /* memfd size */
	uint32_t sq_off, cq_off, slots_off;
};

#define QNN_SHM_CTRL_SIZE     256u
#define QNN_SHM_MAX_SLOTS     1024u
#define QNN_SHM_SLOT_IN_BYTES 16384u /* input floats per slot: 16 KiB (at least 1 sample) */

struct qnn_shm_ctrl {
	uint32_t sq_tail;
	uint8_t pad0[60];
	uint32_t d_need_kick;
	uint8_t pad1[60];
	uint32_t cq_tail;
	uint8_t pad2[60];
	uint32_t c_need_notify;
	uint8_t pad3[60];
};

struct qnn_shm_req {
	uint32_t id;	     /* echoed in the reply */
	uint32_t n_samples;  /* 1..slot_samples */
	uint32_t timeout_ms; /* as in CLASSIFY */
	uint32_t flags;	     /* QNN_CF_* */
	uint32_t sock_seq;   /* CLASSIFY frames sent on the socket before this one */
	uint32_t reserved[3];
};

struct qnn_shm_rep {
	uint32_t id;
	int32_t status; /* QNN_OK or a negative enum qnn_status */
	uint32_t n_samples, n_out;
	uint32_t flags; /* QNN_RF_* */
	uint32_t queue_us, run_us;
	uint32_t reserved;
};

/* The layout for a model: fills everything but slots (set it first). 0 or QNN_E_TOO_BIG. */
int qnn_shm_layout(struct qnn_wire_shm *w, uint32_t n_in, uint32_t n_out, uint32_t max_samples);
void qnn_proto_put_shm(uint8_t out[QNN_WIRE_SHM_SIZE], const struct qnn_wire_shm *w);
/* Decodes and checks a SHM_REPLY payload against the model (recomputes the layout). */
int qnn_proto_get_shm(const uint8_t *p, uint32_t len, uint32_t n_in, uint32_t n_out,
		      uint32_t max_samples, struct qnn_wire_shm *w);

/* ---- codec (libclient/proto.c; used by libqnn, qnnd, tests, fuzzer) ---- */

/* Results of qnn_proto_parse_hdr() besides a negative enum qnn_status. */
#define QNN_PROTO_NEED_MORE 0 /* fewer than QNN_PROTO_HDR_SIZE bytes */
#define QNN_PROTO_HDR_OK    1

void qnn_proto_put_hdr(uint8_t out[QNN_PROTO_HDR_SIZE], uint8_t type, uint32_t id, uint32_t len);

/*
 * Parse a header from buf[0..avail). Checks magic, version, type, flags and
 * len <= max_len. Returns QNN_PROTO_NEED_MORE, QNN_PROTO_HDR_OK, or
 * QNN_E_PROTO / QNN_E_VERSION / QNN_E_TOO_BIG.
 */
int qnn_proto_parse_hdr(const uint8_t *buf, size_t avail, uint32_t max_len,
			struct qnn_frame_hdr *h);

/* Payload bytes of a CLASSIFY request of n samples of n_in floats (0 on overflow). */
uint32_t qnn_proto_classify_len(uint32_t n_samples, uint32_t n_in);
/* Payload bytes of a CLASSIFY_REPLY (0 on overflow). */
uint32_t qnn_proto_reply_len(uint32_t n_samples, uint32_t n_out, uint32_t flags);

void qnn_proto_put_classify(uint8_t *out, const struct qnn_wire_classify *c);
/*
 * Decode and validate a CLASSIFY payload of len bytes against the model
 * (n_in) and the daemon's max_samples. On success *floats points at the
 * n_samples * n_in input floats inside p (possibly unaligned: use
 * qnn_proto_get_floats()). Returns 0 or QNN_E_PROTO / QNN_E_SHAPE / QNN_E_TOO_BIG.
 */
int qnn_proto_get_classify(const uint8_t *p, uint32_t len, uint32_t n_in, uint32_t max_samples,
			   struct qnn_wire_classify *c, const uint8_t **floats);

/* Copy n little-endian floats; returns the index of the first NaN/Inf or -1. */
long qnn_proto_get_floats(float *dst, const uint8_t *src, size_t n);
void qnn_proto_put_floats(uint8_t *dst, const float *src, size_t n);
/* Returns the index of the first NaN/Inf element of src[0..n), or -1. */
long qnn_first_nonfinite(const float *src, size_t n);

void qnn_proto_put_reply_hdr(uint8_t *out, const struct qnn_wire_reply *r);
/* Validates a reply payload's header and total length. 0 or QNN_E_PROTO. */
int qnn_proto_get_reply_hdr(const uint8_t *p, uint32_t len, struct qnn_wire_reply *r);

void qnn_proto_put_info(uint8_t out[QNN_WIRE_INFO_SIZE], const struct qnn_model_info *i);
int qnn_proto_get_info(const uint8_t *p, uint32_t len, struct qnn_model_info *i);

/* Writes the ERROR payload into out (>= QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG); returns its
 * length. */
uint32_t qnn_proto_put_error(uint8_t *out, int status, const char *msg);
/* Decodes an ERROR payload; msg gets a NUL-terminated copy (may be NULL). */
int qnn_proto_get_error(const uint8_t *p, uint32_t len, int *status, char *msg, size_t msglen);

/* STATS_REPLY payload bytes for QNN_STAT_COUNT values. */
#define QNN_WIRE_STATS_SIZE (8u + 8u * QNN_STAT_COUNT + 64u)
void qnn_proto_put_stats(uint8_t out[QNN_WIRE_STATS_SIZE], const struct qnn_daemon_stats *s);
int qnn_proto_get_stats(const uint8_t *p, uint32_t len, struct qnn_daemon_stats *s);

/* Little-endian helpers. */
static inline void qnn_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint32_t qnn_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void qnn_put_u64(uint8_t *p, uint64_t v)
{
	qnn_put_u32(p, (uint32_t)v);
	qnn_put_u32(p + 4, (uint32_t)(v >> 32));
}

static inline uint64_t qnn_get_u64(const uint8_t *p)
{
	return (uint64_t)qnn_get_u32(p) | (uint64_t)qnn_get_u32(p + 4) << 32;
}

#endif /* QNN_PROTO_H */
