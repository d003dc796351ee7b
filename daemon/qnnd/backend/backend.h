/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * backend.h - what qnnd runs batches on. One vtable, three implementations:
 *   sw    the bit-exact engine on worker threads (backend_sw.c)
 *   null  answers at once with zeros, for protocol benchmarks (backend_null.c)
 *   dev   /dev/qnnN through kernel/uapi/linux/qnn.h (backend_dev.c)
 * and "auto" = dev when a /dev/qnn* node exists, else sw (backend.c).
 *
 * Life of a batch (all calls from the daemon's event-loop thread):
 *   b = ops->get_batch(be)      a free slot, or NULL when max_inflight
 *                               batches are already out ("not idle")
 *   write b->n samples into b->in (the backend's own buffer: for dev, the
 *   mmap()ed DMA buffer, so inputs are copied once, socket -> device)
 *   ops->submit(be, b)          starts it; returns at once
 *   ... ops->event_fd(be) becomes readable ...
 *   ops->complete(be, done, max) returns finished batches (b->status set)
 *   read outputs from b->values / b->logits / b->classes
 *   ops->put_batch(be, b)       the slot is free again
 *
 * Zero-copy and pipelining: a backend hands out up to max_inflight slots;
 * the daemon fills one while others run (dev: >= 2 jobs in flight).
 */
#ifndef QNND_BACKEND_H
#define QNND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qnn_model.h"

struct backend;

struct qnnd_batch {
	/* Set by the backend when it creates the slot. */
	float *in;	   /* capacity * n_in floats, (h, w, c) per sample */
	uint32_t *values;  /* capacity * n_out float bits: the accelerator's outputs */
	int32_t *logits;   /* capacity * n_out codes, or NULL: backend has none */
	uint16_t *classes; /* capacity, or NULL: the daemon takes the argmax of values */
	uint32_t capacity; /* samples */
	/* Set by the daemon before submit. */
	uint32_t n; /* samples in this batch, 1..capacity */
	/* Set by the backend on completion. */
	int status;	    /* 0 or a negative enum qnn_status (QNN_E_BACKEND...) */
	uint32_t nonfinite; /* NaN/Inf input elements the engine saw (must be 0) */
	uint64_t run_ns;    /* submit -> completion */
	char err[128];	    /* when status != 0: what failed, for the journal */
	/* Daemon-owned bookkeeping (the requests in this batch). */
	void *owner;
	struct backend *be;
};

struct backend_conf {
	const struct qnn_model *model; /* parsed; valid while the backend is open */
	const void *model_buf;	       /* the .qnn file (8-byte aligned) */
	size_t model_len;
	const char *model_path;
	const char *device;  /* dev: "/dev/qnn0"; NULL: first found */
	uint32_t max_batch;  /* capacity of each slot */
	uint32_t threads;    /* sw: worker threads (0: one per CPU) */
	uint32_t inflight;   /* slots (0: the backend's default, >= 2) */
	uint32_t timeout_ms; /* dev: per-job timeout (0: driver default) */
	/*
	 * sw: called on a worker thread, instead of signalling event_fd, when a batch
	 * completes or the last chunk of the queue is taken: the daemon may do the event
	 * loop's turn right there (assist.c). false: it cannot now; event_fd is signalled.
	 * NULL: always signal.
	 */
	bool (*assist)(void *ctx);
	void *assist_ctx;
};

struct backend_ops {
	const char *name;
	/* Allocate and start; err gets a one-line reason on failure. */
	int (*open)(struct backend **out, const struct backend_conf *conf, char *err,
		    size_t errlen);
	/* Run known inputs and check the outputs; READY=1 waits for this. */
	int (*self_test)(struct backend *be, char *err, size_t errlen);
	struct qnnd_batch *(*get_batch)(struct backend *be);
	int (*submit)(struct backend *be, struct qnnd_batch *b);
	/* Readable (EPOLLIN, level-triggered) when complete() may return something, or when
	 * the backend wants the loop to form the next batch (sw); complete() may return 0. */
	int (*event_fd)(struct backend *be);
	/* Finished batches, in completion order; never blocks. */
	int (*complete)(struct backend *be, struct qnnd_batch **done, unsigned max);
	void (*put_batch)(struct backend *be, struct qnnd_batch *b);
	/*
	 * Optional: whether the backend has no batch waiting to start, so that work
	 * submitted now would be picked up by the next free worker instead of it
	 * idling. While it has one queued, the daemon does not ask ring clients for
	 * kicks: the next completion wakes it anyway and it pulls the rings then.
	 * NULL: "a free slot" is the answer.
	 */
	bool (*wants_work)(struct backend *be);
	/* Waits for batches still running, then frees everything. */
	void (*close)(struct backend *be);
};

/* Common head of every backend (implementations embed it first). */
struct backend {
	const struct backend_ops *ops;
	const struct qnn_model *model;
	uint32_t n_in, n_out;
	uint32_t capacity;     /* samples per batch */
	uint32_t max_inflight; /* slots */
	bool has_logits;
	/* submit() finishes the batch before it returns: complete() returns it at once and
	 * the event fd is not signalled for it (saves the loop a wake-up per batch). */
	bool completes_inline;
	int32_t logits_frac_bits; /* logit = code * 2^-frac */
	char desc[96];		  /* e.g. "sw: 2 threads" or "dev: /dev/qnn0" */
};

extern const struct backend_ops backend_sw_ops;
extern const struct backend_ops backend_null_ops;
/* Provided by backend_dev.c when it is built (weak: may be absent). */
extern const struct backend_ops backend_dev_ops __attribute__((weak));

/* "sw", "null", "dev" or "auto" (dev if /dev/qnn* exists, else sw); NULL if unknown. */
const struct backend_ops *backend_find(const char *name);
/* Whether a /dev/qnn* node exists; *path gets the first one (may be NULL). */
bool backend_dev_present(char *path, size_t len);

/* ---- helpers shared by the implementations (backend.c) ---- */

/* Argmax of n_out float-bit outputs, lowest index wins (what the engine does). */
uint16_t backend_argmax_values(const uint32_t *values, uint32_t n_out);
/* Deterministic self-test inputs in [0, 1): n samples of n_in floats. */
void backend_test_pattern(float *in, uint32_t n, uint32_t n_in, uint32_t seed);
/*
 * The bit-exact engine as reference: runs n samples on the calling thread.
 * values/logits/classes may be NULL. For a device backend's self-test:
 * compare the device's outputs with these.
 */
int backend_reference_run(const struct qnn_model *m, const float *in, uint32_t n, uint32_t *values,
			  int32_t *logits, uint16_t *classes);
/* Fraction bits of the engine's logits for this model. */
int32_t backend_logits_frac_bits(const struct qnn_model *m);

#endif /* QNND_BACKEND_H */
