/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * oipd.h - qnn-oipd, the Open Inference Protocol v2 REST front of qnnd: a
 * libqnn client that speaks HTTP/JSON (libmicrohttpd, json-c), so the
 * network-facing parser runs in its own sandbox with no device access.
 *
 * Files:
 *   main.c        options, listening socket (socket activation), signals
 *   http.c        libmicrohttpd: routing, limits, bodies, suspend/resume
 *   infer_parse.c an inference request (JSON + binary tail) -> samples (fuzzed)
 *   infer_reply.c results -> an inference response (JSON + binary tail)
 *   metadata.c    server and model metadata, health
 *   backend.c     the qnnd connection: async submit, completions, waiting list
 *   metrics.c     counters and histograms; the Prometheus text exposition
 *   devices.c     per-device counters from /sys/class/qnn/<dev>/
 */
#ifndef QNN_OIPD_H
#define QNN_OIPD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qnn.h"

#define OIPD_VERSION	"0.1.0"
#define OIPD_INPUT_NAME "input"

/* Output tensors of an inference response (bit masks). */
enum oip_output {
	OIP_OUT_CLASS = 1u << 0,  /* INT32 [N]: argmax, lowest index wins */
	OIP_OUT_OUTPUT = 1u << 1, /* FP32 [N, n_out]: the accelerator's outputs */
	OIP_OUT_LOGITS = 1u << 2, /* FP32 [N, n_out]: when the backend has them */
};
#define OIP_N_OUTPUTS 3
extern const char *const oip_output_names[OIP_N_OUTPUTS];

/* What a request is checked against: the model qnnd serves. */
struct oip_model {
	char name[48];
	char version[16]; /* crc32 of the .qnn file, 8 hex digits */
	uint32_t in_h, in_w, in_c, n_in, n_out;
	uint32_t max_samples; /* samples per HTTP request */
	bool has_logits;
};

void oip_model_from_info(struct oip_model *m, const struct qnn_model_info *info,
			 uint32_t max_samples);

/* A parsed inference request. */
struct oip_request {
	char *id;	  /* "id" to echo, or NULL */
	uint32_t n;	  /* samples */
	float *in;	  /* n * n_in floats, malloc'd */
	uint32_t outputs; /* OIP_OUT_* to return */
	uint32_t binary;  /* of which as binary data */
};

/*
 * Parse an inference request body: json_len bytes of JSON (the whole body
 * unless Inference-Header-Content-Length said otherwise), then the binary
 * tensor data. Returns 0, or an HTTP status (400) with a message in err.
 */
int oip_parse_infer(const char *body, size_t len, size_t json_len, const struct oip_model *m,
		    struct oip_request *req, char *err, size_t errlen);
void oip_request_free(struct oip_request *req);

/* Results of one request, as libqnn returned them. */
struct oip_result {
	int32_t *classes;
	float *probs, *logits;
	bool has_logits;
};

/* The response body (malloc'd) and the JSON part's length (for the binary extension). */
struct oip_body {
	char *data;
	size_t len, json_len;
	bool binary; /* has a binary tail: Inference-Header-Content-Length */
};

int oip_reply_infer(const struct oip_model *m, const struct oip_request *req,
		    const struct oip_result *res, struct oip_body *out);
/* {"error": msg} */
int oip_reply_error(const char *msg, struct oip_body *out);

/* metadata.c: the JSON documents of GET /v2 and GET /v2/models/{name}. */
int oip_reply_server_meta(struct oip_body *out);
int oip_reply_model_meta(const struct oip_model *m, struct oip_body *out);
int oip_reply_ready(const char *key, const char *name, bool ready, struct oip_body *out);

/* backend.c */
struct oip_job;
typedef void (*oip_job_done)(struct oip_job *j);
struct oip_job {
	const float *in;
	uint32_t n;
	struct qnn_outputs out;
	struct qnn_timing timing;
	int status; /* QNN_OK or a negative qnn_status, set before done() */
	oip_job_done done;
	void *user;
	struct oip_job *next; /* waiting list */
};

struct oip_backend_cfg {
	const char *socket; /* NULL: libqnn's default */
	int timeout_ms;	    /* daemon-side deadline of each request */
	uint32_t max_waiting;
};

int oip_backend_start(const struct oip_backend_cfg *cfg);
void oip_backend_stop(void);
/* Frees the qnnd connection: only once no HTTP thread can use it (after oip_http_stop()). */
void oip_backend_close(void);
/* Connected (connects when not): fills *info. 0 or a negative qnn_status. */
int oip_backend_info(struct qnn_model_info *info);
/* Submit j (or hold it until an in-flight slot frees). 0 or a negative status (done not called). */
int oip_backend_submit(struct oip_job *j);
int oip_backend_stats(struct qnn_daemon_stats *st);
/* Requests submitted to qnnd and not completed; requests waiting in the front. */
void oip_backend_depth(uint64_t *inflight, uint64_t *waiting);

/* metrics.c */
enum oip_outcome {
	OIP_OK,
	OIP_INVALID, /* 4xx: the request's fault */
	OIP_BUSY,    /* 503: qnnd's queue full, front's waiting list full, qnnd down */
	OIP_TIMEOUT, /* 504 */
	OIP_FAILED,  /* 500: backend or internal error */
	OIP_N_OUTCOMES,
};
enum oip_endpoint {
	OIP_EP_HEALTH,
	OIP_EP_METADATA,
	OIP_EP_INFER,
	OIP_EP_METRICS,
	OIP_EP_OTHER,
	OIP_N_ENDPOINTS,
};

void oip_metrics_http(enum oip_endpoint ep, unsigned code);
void oip_metrics_infer(enum oip_outcome o, uint32_t samples, uint64_t duration_us,
		       const struct qnn_timing *t);
/* The Prometheus text exposition (malloc'd). sysfs_root: normally /sys/class/qnn. */
char *oip_metrics_render(const char *sysfs_root, size_t *len);

/* devices.c: append the per-device counters to a text buffer. */
struct oip_text {
	char *buf;
	size_t len, cap;
	bool oom;
};
void oip_text_printf(struct oip_text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void oip_devices_render(struct oip_text *t, const char *sysfs_root);

/* http.c */
struct oip_http_cfg {
	int listen_fd;	      /* a bound, listening socket */
	unsigned threads;     /* libmicrohttpd's thread pool */
	unsigned max_conns;   /* connections at once */
	unsigned per_ip;      /* connections at once per client address */
	unsigned timeout_s;   /* idle connection timeout (slow senders) */
	unsigned request_ms;  /* a request's whole upload at most */
	size_t max_body;      /* bytes (413 beyond) */
	size_t header_mem;    /* per-connection memory for the request line and headers */
	uint32_t max_samples; /* per request */
	const char *sysfs_root;
};
int oip_http_start(const struct oip_http_cfg *cfg);
void oip_http_quiesce(void);
void oip_http_stop(void);

#endif
