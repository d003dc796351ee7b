/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * service.h - a loaded model and the backend running it (service.c): the
 * current one, and after a reload the one it replaced while that finishes
 * its batches.
 */
#ifndef QNND_SERVICE_H
#define QNND_SERVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"
#include "loop.h"
#include "qnn_proto.h"

struct server;
struct qnnd_config;

struct service {
	struct ev_src src;
	void *model_buf;
	size_t model_len;
	struct qnn_model model;
	uint32_t model_crc;
	struct backend *be;
	uint32_t inflight; /* batches (batch.c counts them) */
	uint64_t gen;
	bool retiring; /* replaced by a reload: freed when inflight reaches 0 */
	struct qnn_model_info info;
	struct server *srv; /* for assist(), called on the backend's threads */
};

struct services {
	struct service *cur; /* serving */
	struct service *old; /* retiring after a reload, or NULL */
	uint64_t next_gen;
};

/* Load and check the model, open the backend, self-test it, watch it. NULL with err. */
struct service *service_open(struct server *s, const struct qnnd_config *cfg, char *err,
			     size_t errlen);
void service_close(struct server *s, struct service *svc);
/* The limits that follow the current service: max_samples, the batcher's. */
void service_apply_limits(struct server *s);
/* Swap in a service for cfg (opened and self-tested first): 0, or -1 with err (the old
 * one stays). Queued requests the new model cannot run fail with QNN_E_MODEL_CHANGED. */
int service_swap(struct server *s, const struct qnnd_config *cfg, char *err, size_t errlen);
/* After svc's completions: a retiring service with nothing in flight is freed. */
void service_retire_if_done(struct server *s, struct service *svc);

#endif
