// SPDX-License-Identifier: GPL-2.0
/*
 * qnnlat.bpf.c - log2 histograms of a job's stages in the driver (queue,
 * device, total) per device, optionally per process, from the classic
 * tracepoints qnn:qnn_job_submit/start/done; with --daemon also qnnd's
 * stages from its USDT probes (qnnlat_daemon.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#include "bits.bpf.h"
#include "qnn_job.bpf.h"
#include "qnnlat.h"

const volatile bool targ_per_process = false;
const volatile bool targ_ms = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, QNNLAT_MAX_HISTS);
	__type(key, struct qnnlat_key);
	__type(value, struct qnnlat_hist);
} hists SEC(".maps");

static struct qnnlat_hist zero_hist;

static __always_inline void hist_add(int dev, __u32 tgid, const char *comm, __u32 stage, __u64 ns)
{
	struct qnnlat_key k = {.dev = dev, .stage = stage};
	struct qnnlat_hist *h;
	__u64 v = targ_ms ? ns / 1000000 : ns / 1000;
	__u32 slot;

	if (targ_per_process)
		k.tgid = tgid;
	h = bpf_map_lookup_elem(&hists, &k);
	if (!h) {
		bpf_map_update_elem(&hists, &k, &zero_hist, BPF_NOEXIST);
		h = bpf_map_lookup_elem(&hists, &k);
		if (!h)
			return;
		if (targ_per_process)
			__builtin_memcpy(h->comm, comm, sizeof(h->comm));
	}
	slot = qnn_log2_slot(v);
	if (slot >= QNNLAT_SLOTS)
		slot = QNNLAT_SLOTS - 1;
	__sync_fetch_and_add(&h->slots[slot], 1);
}

/* After hist_add(): the --daemon programs use it. */
#include "qnnlat_daemon.bpf.h"

SEC("tracepoint/qnn/qnn_job_submit")
int qnnlat_submit(struct qnn_tp_job_submit *ctx)
{
	qnn_job_submitted(ctx);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_start")
int qnnlat_start(struct qnn_tp_job_start *ctx)
{
	struct qnn_job_val *v = qnn_job_started(ctx);

	if (v)
		hist_add(ctx->dev, v->tgid, v->comm, QNNLAT_QUEUE, ctx->wait_ns);
	return 0;
}

SEC("tracepoint/qnn/qnn_job_done")
int qnnlat_done(struct qnn_tp_job_done *ctx)
{
	struct qnn_job_val *p = qnn_job_lookup(ctx->dev, ctx->id);
	struct qnn_job_val v;

	if (!p)
		return 0;
	v = *p;
	qnn_job_forget(ctx->dev, ctx->id);
	/* A job that never reached the DMA (failed first) has no device stage. */
	if (v.started && ctx->latency_ns >= v.wait_ns)
		hist_add(ctx->dev, v.tgid, v.comm, QNNLAT_DEVICE, ctx->latency_ns - v.wait_ns);
	hist_add(ctx->dev, v.tgid, v.comm, QNNLAT_TOTAL, ctx->latency_ns);
	daemon_job_done(&v, ctx->id, ctx->latency_ns);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
