// SPDX-License-Identifier: GPL-2.0
/*
 * qnnsnoop.bpf.c - one ring-buffer event per finished qnn job: who
 * submitted it, its samples, its stage times and its status.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "qnn_job.bpf.h"
#include "qnnsnoop.h"

/* Only failed jobs. */
const volatile bool targ_failed = false;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tracepoint/qnn/qnn_job_submit")
int qnnsnoop_submit(struct qnn_tp_job_submit *ctx)
{
	qnn_job_submitted(ctx);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_start")
int qnnsnoop_start(struct qnn_tp_job_start *ctx)
{
	qnn_job_started(ctx);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_done")
int qnnsnoop_done(struct qnn_tp_job_done *ctx)
{
	struct qnn_job_val *j = qnn_job_lookup(ctx->dev, ctx->id);
	struct qnnsnoop_event *e;

	if (!j)
		return 0;
	if (targ_failed && ctx->status == 0)
		goto out;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		goto out; /* full: the reader is behind; the job is lost to it */
	e->ts_ns = bpf_ktime_get_ns();
	e->id = ctx->id;
	e->wait_ns = j->started ? j->wait_ns : 0;
	e->latency_ns = ctx->latency_ns;
	e->tgid = j->tgid;
	e->pid = j->pid;
	e->dev = ctx->dev;
	e->samples = ctx->samples;
	e->status = ctx->status;
	e->started = j->started;
	__builtin_memcpy(e->comm, j->comm, sizeof(e->comm));
	bpf_ringbuf_submit(e, 0);
out:
	qnn_job_forget(ctx->dev, ctx->id);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
