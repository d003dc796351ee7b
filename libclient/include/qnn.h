/* SPDX-License-Identifier: MIT */
/*
 * qnn.h - libqnn: classify samples on the qnn accelerator through the qnnd
 * daemon. No root, no DMA, no device knowledge: the daemon batches the
 * requests of every client into the accelerator's batches.
 *
 *   qnn_client *c;
 *   if (qnn_connect(NULL, &c) == QNN_OK) {         // $QNN_SOCKET or default
 *           int cls = qnn_classify_one(c, image, probs, 1000);
 *           ...
 *           qnn_close(c);
 *   }
 *
 * Inputs: n_in floats per sample, (h, w, c) order, the values the model
 *   was trained on (for the MNIST models here: pixels / 255, the rule the
 *   tools apply to uint8 files, see hlsgen_io.h).
 *
 * Outputs, exactly:
 *   probs   the accelerator's output stream converted to float, one value
 *           per class: for the usual models the hls4ml softmax layer's
 *           result, computed with lookup tables in fixed point. They are
 *           COARSE (e.g. multiples of 2^-8 for an ap_fixed<16,6> softmax,
 *           they need not sum to 1, several classes can share the maximum).
 *           Bit-identical to what the FPGA emits. The name is historical:
 *           they are probabilities only as far as the model's softmax
 *           configuration allows; one whose inverse table saturates gives
 *           outputs summing to far more than 1 (`hlsgen import` warns).
 *   logits  the fixed-point codes entering the final softmax (the last
 *           layer's outputs when the model has no softmax), as exact floats
 *           (code * 2^-logits_frac_bits). Only when the backend has them
 *           (software backend: yes; FPGA device: no, it streams out only
 *           the softmax): struct qnn_outputs.flags says.
 *   class   argmax of the outputs, the LOWEST index wins a tie (ties are
 *           common with coarse softmax tables).
 *
 * Thread safety: one qnn_client may be used by any number of threads at
 * once (requests from different threads are multiplexed on its connection).
 *
 * Errors: functions return QNN_OK (0) or a negative enum qnn_status;
 * qnn_strerror() names it. The same numbers travel on the wire.
 *
 * Reconnect: if the daemon restarted since the previous call, a call
 * reconnects once, transparently (classification has no side effects, so
 * a request lost with the old connection is simply sent again). If the
 * model's shape changed meanwhile the call fails with QNN_E_MODEL_CHANGED.
 */
#ifndef QNN_H
#define QNN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define QNN_API_VERSION 1

/* Where the daemon listens unless QNN_SOCKET or an argument says otherwise. */
#define QNN_DEFAULT_SOCKET "/run/qnn/qnnd.sock"
#define QNN_SOCKET_ENV	   "QNN_SOCKET"

/* timeout_ms arguments: milliseconds, or this for "wait as long as it takes". */
#define QNN_TIMEOUT_INFINITE (-1)

enum qnn_status {
	QNN_OK = 0,
	QNN_E_INVAL = -1,	   /* bad argument (NULL, n == 0, ...) */
	QNN_E_NOMEM = -2,	   /* out of memory */
	QNN_E_CONNECT = -3,	   /* cannot connect to the daemon's socket */
	QNN_E_TIMEOUT = -4,	   /* the call's timeout or the request's deadline passed */
	QNN_E_BUSY = -5,	   /* the daemon's queue is full: retry later */
	QNN_E_NONFINITE = -6,	   /* an input element is NaN or +-Inf */
	QNN_E_PROTO = -7,	   /* malformed frame (a bug, or not a qnnd socket) */
	QNN_E_VERSION = -8,	   /* protocol version not supported by the peer */
	QNN_E_SHAPE = -9,	   /* request size does not match the model */
	QNN_E_TOO_BIG = -10,	   /* frame or sample count beyond the limits */
	QNN_E_DISCONNECTED = -11,  /* connection lost while the request was pending */
	QNN_E_BACKEND = -12,	   /* the accelerator (or engine) failed the batch */
	QNN_E_SHUTDOWN = -13,	   /* the daemon is stopping */
	QNN_E_LIMIT = -14,	   /* too many requests in flight on this connection */
	QNN_E_MODEL_CHANGED = -15, /* the daemon now serves a model of another shape */
	QNN_E_IO = -16,		   /* socket error (errno in qnn_last_errno()) */
	QNN_E_PERM = -17,	   /* the daemon refused this user */
	QNN_E_NOMODEL = -18,	   /* the daemon has no model loaded */
	QNN_E_INTERNAL = -19,	   /* a bug: please report */
	QNN_E_QUOTA = -20,	   /* this user's share of the daemon is used up */
	QNN_E_RELOAD = -21,	   /* a reload was refused: the previous setup stays */
};
#define QNN_STATUS_MIN QNN_E_RELOAD

/* Human-readable name of a status (never NULL). */
const char *qnn_strerror(int status);

typedef struct qnn_client qnn_client;

/*
 * Connect to qnnd. path: the socket path, or NULL for $QNN_SOCKET, or
 * QNN_DEFAULT_SOCKET when that is unset or empty. Fetches the model info.
 * Returns QNN_OK and *out, or a negative status.
 */
int qnn_connect(const char *path, qnn_client **out);

/* Close the connection; pending asynchronous requests are dropped. */
void qnn_close(qnn_client *c);

/* The socket path a NULL path resolves to (environment, then default). */
const char *qnn_default_socket(void);

#define QNN_INFO_HAS_LOGITS 0x1u /* the backend reports logits */
#define QNN_INFO_SHM	    0x2u /* the daemon offers the shared-memory data path */

struct qnn_model_info {
	uint32_t n_in;		   /* floats per input sample = in_h * in_w * in_c */
	uint32_t in_h, in_w, in_c; /* (h, w, c) order, channels last */
	uint32_t n_out;		   /* outputs (classes) per sample */
	uint32_t max_samples;	   /* samples per wire request (calls split larger ones) */
	uint32_t max_batch;	   /* the daemon's batch size */
	uint32_t max_inflight;	   /* requests one connection may have pending */
	uint32_t flags;		   /* QNN_INFO_* */
	int32_t logits_frac_bits;  /* logit = code * 2^-logits_frac_bits */
	uint32_t model_crc;	   /* crc32 of the .qnn file the daemon serves */
	char name[48];		   /* model name, NUL-terminated */
	char backend[16];	   /* "sw", "dev", "null" */
};

/* The model the daemon serves (cached from the connection's handshake). */
int qnn_get_model_info(qnn_client *c, struct qnn_model_info *info);

#define QNN_OUT_HAS_LOGITS 0x1u /* out: logits were filled */

/* Where a classification writes its results. Any pointer may be NULL. */
struct qnn_outputs {
	int32_t *classes; /* [n]: argmax, lowest index wins */
	float *probs;	  /* [n * n_out]: the accelerator's (softmax) outputs */
	float *logits;	  /* [n * n_out]: when the backend has them, else untouched */
	uint32_t flags;	  /* out: QNN_OUT_* */
};

/*
 * Classify n samples (n * n_in floats, each sample in (h, w, c) order)
 * synchronously. Samples beyond max_samples are split into several
 * pipelined requests. NaN/Inf inputs are refused with QNN_E_NONFINITE
 * before anything is sent. timeout_ms bounds the whole call (and is sent
 * as the requests' deadline); QNN_TIMEOUT_INFINITE waits for ever.
 */
int qnn_classify(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out, int timeout_ms);

/* One sample: returns its class (>= 0) or a negative status. probs may be NULL. */
int qnn_classify_one(qnn_client *c, const float *in, float *probs, int timeout_ms);

/*
 * Asynchronous form, for pipelining: qnn_submit() sends the request and
 * returns at once (the input may be reused immediately; out's arrays must
 * stay valid until the completion is reaped). n may not need more wire
 * requests than there are free in-flight slots (QNN_E_LIMIT otherwise:
 * reap first). The completion fd (qnn_completion_fd) becomes readable
 * (POLLIN / EPOLLIN) when qnn_reap() may have something to return; it is
 * level-triggered and owned by the library. Asynchronous requests are not
 * re-sent after a reconnect: they complete with QNN_E_DISCONNECTED.
 */
struct qnn_completion {
	uint64_t ticket; /* as returned by qnn_submit() */
	void *user;	 /* as passed to qnn_submit() */
	int status;	 /* QNN_OK or a negative status */
	uint32_t flags;	 /* QNN_OUT_* */
};

int qnn_submit(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out, int timeout_ms,
	       void *user, uint64_t *ticket);
/*
 * Where the daemon spent a request's time, as its replies report it (for a
 * request split into several wire parts: the slowest part of each).
 */
struct qnn_timing {
	uint32_t queue_us; /* received by the daemon -> dispatched in a batch */
	uint32_t run_us;   /* dispatched -> the batch completed */
};

/* qnn_submit() that also fills *timing (like out's arrays: valid until reaped). */
int qnn_submit_timed(qnn_client *c, const float *in, size_t n, struct qnn_outputs *out,
		     struct qnn_timing *timing, int timeout_ms, void *user, uint64_t *ticket);
int qnn_completion_fd(qnn_client *c);
/* Up to max completions; waits at most timeout_ms for the first. Returns the count or < 0. */
int qnn_reap(qnn_client *c, struct qnn_completion *done, int max, int timeout_ms);

/* Daemon counters (what `qnnctl status` shows). */
struct qnn_daemon_stats {
	uint64_t uptime_ms;
	uint64_t clients; /* connected now */
	uint64_t connections_total;
	uint64_t requests; /* answered classify requests */
	uint64_t samples;
	uint64_t batches;
	uint64_t busy_rejects;
	uint64_t timeouts;
	uint64_t errors; /* failed requests other than busy/timeout/NaN-Inf */
	uint64_t nonfinite_rejects;
	uint64_t queue_depth; /* samples waiting now */
	uint64_t inflight_batches;
	uint64_t samples_per_s_x1000; /* over the last statistics interval */
	uint64_t batch_avg_x1000;
	uint64_t latency_p50_us;
	uint64_t latency_p99_us;
	uint64_t reloads;
	uint64_t backend_failures;
	char backend[16];
	char model[48];
};

int qnn_get_stats(qnn_client *c, struct qnn_daemon_stats *st, int timeout_ms);

/* errno of the last QNN_E_IO / QNN_E_CONNECT in the calling thread. */
int qnn_last_errno(void);

#ifdef __cplusplus
}
#endif

#endif /* QNN_H */
