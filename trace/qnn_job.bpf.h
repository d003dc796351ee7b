/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every tool remembers of a job between its tracepoints: who
 * submitted it (qnn_job_submit runs in the submitter's context; start and
 * done run in the driver's worker or the DMA completion) and how long it
 * waited in the queue. Keyed by device and the driver's job id.
 *
 * An LRU map: jobs canceled in the queue (a signal, a closing file) never
 * reach qnn_job_done, and their entries must not fill the map for good.
 *
 * Only jobs submitted while a tool is attached are counted: for the
 * others the submitter is unknown and a stage would be missing.
 */
#ifndef QNN_JOB_BPF_H
#define QNN_JOB_BPF_H

#include "qnn_tp.h"

#define QNN_MAX_JOBS 16384

struct qnn_job_key {
	__s32 dev;
	__u32 pad;
	__u64 id;
};

struct qnn_job_val {
	__u32 tgid;
	__u32 pid;
	__u64 wait_ns;
	__u32 started;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, QNN_MAX_JOBS);
	__type(key, struct qnn_job_key);
	__type(value, struct qnn_job_val);
} qnn_jobs SEC(".maps");

/* Filters every tool has: one process (tgid), one device. */
const volatile __u32 targ_tgid = 0;
const volatile int targ_dev = -1;

static __always_inline struct qnn_job_key qnn_key(int dev, __u64 id)
{
	struct qnn_job_key k = {.dev = dev, .id = id};

	return k;
}

/* At submit: remember the job if it passes the filters. */
static __always_inline void qnn_job_submitted(const struct qnn_tp_job_submit *ctx)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct qnn_job_key k = qnn_key(ctx->dev, ctx->id);
	struct qnn_job_val v = {};

	if (targ_tgid && (pid_tgid >> 32) != targ_tgid)
		return;
	if (targ_dev >= 0 && ctx->dev != targ_dev)
		return;
	v.tgid = pid_tgid >> 32;
	v.pid = (__u32)pid_tgid;
	bpf_get_current_comm(v.comm, sizeof(v.comm));
	bpf_map_update_elem(&qnn_jobs, &k, &v, BPF_ANY);
}

/* At start: the queue wait (the driver's own clock, from the record). */
static __always_inline struct qnn_job_val *qnn_job_started(const struct qnn_tp_job_start *ctx)
{
	struct qnn_job_key k = qnn_key(ctx->dev, ctx->id);
	struct qnn_job_val *v = bpf_map_lookup_elem(&qnn_jobs, &k);

	if (!v)
		return NULL;
	v->wait_ns = ctx->wait_ns;
	v->started = 1;
	return v;
}

static __always_inline struct qnn_job_val *qnn_job_lookup(int dev, __u64 id)
{
	struct qnn_job_key k = qnn_key(dev, id);

	return bpf_map_lookup_elem(&qnn_jobs, &k);
}

static __always_inline void qnn_job_forget(int dev, __u64 id)
{
	struct qnn_job_key k = qnn_key(dev, id);

	bpf_map_delete_elem(&qnn_jobs, &k);
}

#endif /* QNN_JOB_BPF_H */
