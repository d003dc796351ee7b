// SPDX-License-Identifier: GPL-2.0
/*
 * qnntop.bpf.c - per process and device: jobs, samples, latency (average
 * and max of the successful ones), errors and timeouts, counted when a job
 * is done (qnn:qnn_job_done) for the process that submitted it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "qnn_job.bpf.h"
#include "qnntop.h"

#define QNN_ETIMEDOUT 110 /* asm-generic/errno.h: the same on arm64 and x86 */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, QNNTOP_MAX_PROCS);
	__type(key, struct qnntop_key);
	__type(value, struct qnntop_val);
} procs SEC(".maps");

static struct qnntop_val zero_val;

SEC("tracepoint/qnn/qnn_job_submit")
int qnntop_submit(struct qnn_tp_job_submit *ctx)
{
	qnn_job_submitted(ctx);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_start")
int qnntop_start(struct qnn_tp_job_start *ctx)
{
	qnn_job_started(ctx);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_done")
int qnntop_done(struct qnn_tp_job_done *ctx)
{
	struct qnn_job_val *j = qnn_job_lookup(ctx->dev, ctx->id);
	struct qnntop_key k = {.dev = ctx->dev};
	struct qnntop_val *v;

	if (!j)
		return 0;
	k.tgid = j->tgid;
	v = bpf_map_lookup_elem(&procs, &k);
	if (!v) {
		bpf_map_update_elem(&procs, &k, &zero_val, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&procs, &k);
		if (!v)
			goto out;
	}
	__builtin_memcpy(v->comm, j->comm, sizeof(v->comm));
	v->jobs++;
	v->samples += ctx->samples;
	if (ctx->status == 0) {
		v->ok++;
		v->lat_sum_ns += ctx->latency_ns;
		if (ctx->latency_ns > v->lat_max_ns)
			v->lat_max_ns = ctx->latency_ns;
	} else if (ctx->status == -QNN_ETIMEDOUT) {
		v->timeouts++;
	} else {
		v->errors++;
	}
out:
	qnn_job_forget(ctx->dev, ctx->id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
