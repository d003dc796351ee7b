/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qnnlat --daemon: qnnd's USDT probes (daemon/qnnd/probes.h) turned into the
 * stages of a request inside the daemon. A request is keyed by (connection
 * id, request id), a batch by its address; the stages of a request are
 * added up when it is answered, so each request counts once in each stage
 * it went through.
 */
#ifndef QNNLAT_DAEMON_BPF_H
#define QNNLAT_DAEMON_BPF_H

#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

struct dreq_key {
	__u64 conn;
	__u32 id;
	__u32 pad;
};

struct dreq {
	__u64 received, queued, batched;
	__u64 batch;
	__u32 samples;
	__u32 tgid;
	char comm[16];
};

struct dbatch {
	__u64 dispatched, done;
	__u64 job_id;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct dreq_key);
	__type(value, struct dreq);
} dreqs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct dbatch);
} dbatches SEC(".maps");

struct qnnlat_daemon_counts dcounts;

static __always_inline struct dreq *dreq_of(__u64 conn, __u32 id)
{
	struct dreq_key k = {.conn = conn, .id = id};

	return bpf_map_lookup_elem(&dreqs, &k);
}

SEC("usdt")
int BPF_USDT(qnnd_request_received, __u64 conn, __u32 id, __u32 samples)
{
	struct dreq_key k = {.conn = conn, .id = id};
	struct dreq r = {.received = bpf_ktime_get_ns(), .samples = samples};

	r.tgid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(r.comm, sizeof(r.comm));
	bpf_map_update_elem(&dreqs, &k, &r, BPF_ANY);
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_request_queued, __u64 conn, __u32 id, __u32 samples)
{
	struct dreq *r = dreq_of(conn, id);

	if (r)
		r->queued = bpf_ktime_get_ns();
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_request_batched, __u64 conn, __u32 id, __u64 batch)
{
	struct dreq *r = dreq_of(conn, id);

	if (r) {
		r->batched = bpf_ktime_get_ns();
		r->batch = batch;
	}
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_dispatched, __u64 batch, __u32 nreq, __u32 samples)
{
	struct dbatch b = {.dispatched = bpf_ktime_get_ns()};

	bpf_map_update_elem(&dbatches, &batch, &b, BPF_ANY);
	__sync_fetch_and_add(&dcounts.batches, 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_dev_job, __u64 batch, __u64 job_id, __u32 samples)
{
	struct dbatch *b = bpf_map_lookup_elem(&dbatches, &batch);

	/* Before batch_dispatched (submit runs first): make the entry here. */
	if (!b) {
		struct dbatch nb = {};

		bpf_map_update_elem(&dbatches, &batch, &nb, BPF_ANY);
		b = bpf_map_lookup_elem(&dbatches, &batch);
		if (!b)
			return 0;
	}
	b->job_id = job_id;
	__sync_fetch_and_add(&dcounts.dev_jobs, 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_done, __u64 batch, int status)
{
	struct dbatch *b = bpf_map_lookup_elem(&dbatches, &batch);

	if (b)
		b->done = bpf_ktime_get_ns();
	return 0;
}

static __always_inline void stage(const struct dreq *r, __u32 st, __u64 from, __u64 to)
{
	if (from && to >= from)
		hist_add(-1, r->tgid, r->comm, st, to - from);
}

SEC("usdt")
int BPF_USDT(qnnd_request_answered, __u64 conn, __u32 id, int status)
{
	struct dreq_key k = {.conn = conn, .id = id};
	struct dreq *p = bpf_map_lookup_elem(&dreqs, &k);
	__u64 now = bpf_ktime_get_ns();
	struct dbatch *b = NULL;
	struct dreq r;

	if (!p)
		return 0; /* received before qnnlat started */
	r = *p;
	bpf_map_delete_elem(&dreqs, &k);
	if (targ_tgid && r.tgid != targ_tgid)
		return 0;
	if (r.batch)
		b = bpf_map_lookup_elem(&dbatches, &r.batch);
	stage(&r, QNNLAT_D_ADMIT, r.received, r.queued);
	stage(&r, QNNLAT_D_QUEUE, r.queued, r.batched);
	if (b && b->dispatched) {
		stage(&r, QNNLAT_D_BATCH, r.batched, b->dispatched);
		if (b->done) {
			stage(&r, QNNLAT_D_BACKEND, b->dispatched, b->done);
			stage(&r, QNNLAT_D_REPLY, b->done, now);
		}
	}
	stage(&r, QNNLAT_D_TOTAL, r.received, now);
	__sync_fetch_and_add(&dcounts.requests, 1);
	if (status)
		__sync_fetch_and_add(&dcounts.failed, 1);
	else
		__sync_fetch_and_add(&dcounts.samples, r.samples);
	return 0;
}

#endif /* QNNLAT_DAEMON_BPF_H */
