/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qnnlat --daemon: qnnd's USDT probes (daemon/qnnd/probes.h) turned into the
 * stages of a request inside the daemon, joined with the driver's record of
 * the job each batch became. A request is keyed by (connection id, request
 * id), a batch by its address, a driver job by (submitting process, job id).
 * The stages of a request are added up when it is answered, so each request
 * counts once in each stage it went through.
 *
 * The order of one batch's events (dev backend): request_batched (each
 * request) -> qnn_job_submit -> batch_dev_job -> batch_dispatched -> ...
 * qnn_job_done -> batch_done -> request_answered (each request), then the
 * batch's address may be reused. qnn_job_done runs in the driver and may come
 * before batch_dev_job, so the driver's times wait in djobs (keyed by what
 * both sides know: qnnd's tgid and the job id) until batch_done takes them,
 * which always comes after both.
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
	__u64 dev_queue_ns, device_ns; /* the joined driver job's stages */
	__u8 sealed;		       /* submitted: the next request_batched starts anew */
	__u8 has_job, joined;
};

struct djob_key {
	__u32 tgid;
	__u32 pad;
	__u64 id;
};

struct djob {
	__u64 wait_ns, device_ns;
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

/* Driver jobs done, waiting for their batch (LRU: jobs of other processes are never taken). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct djob_key);
	__type(value, struct djob);
} djobs SEC(".maps");

const volatile bool targ_daemon = false;

struct qnnlat_daemon_counts dcounts;

/* From qnnlat_done(): keep a finished job's driver stages for its batch. */
static __always_inline void daemon_job_done(const struct qnn_job_val *v, __u64 id, __u64 latency_ns)
{
	struct djob_key k = {.tgid = v->tgid, .id = id};
	struct djob j = {.wait_ns = v->wait_ns};

	if (!targ_daemon || !v->started)
		return;
	if (latency_ns >= v->wait_ns)
		j.device_ns = latency_ns - v->wait_ns;
	bpf_map_update_elem(&djobs, &k, &j, BPF_ANY);
}

/* The batch's entry, made (empty) if it has none. */
static __always_inline struct dbatch *dbatch_of(__u64 batch)
{
	struct dbatch *b = bpf_map_lookup_elem(&dbatches, &batch);
	struct dbatch nb = {};

	if (b)
		return b;
	bpf_map_update_elem(&dbatches, &batch, &nb, BPF_NOEXIST);
	return bpf_map_lookup_elem(&dbatches, &batch);
}

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
	struct dbatch *b = bpf_map_lookup_elem(&dbatches, &batch);
	struct dbatch nb = {};

	/* The first request of a batch at an address a submitted batch had. */
	if (!b || b->sealed)
		bpf_map_update_elem(&dbatches, &batch, &nb, BPF_ANY);
	if (r) {
		r->batched = bpf_ktime_get_ns();
		r->batch = batch;
	}
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_dispatched, __u64 batch, __u32 nreq, __u32 samples)
{
	struct dbatch *b = dbatch_of(batch);

	/* Not a fresh entry: batch_dev_job (inside the submit) has put the job id in it. */
	if (b) {
		b->dispatched = bpf_ktime_get_ns();
		b->sealed = 1;
	}
	__sync_fetch_and_add(&dcounts.batches, 1);
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_dev_job, __u64 batch, __u64 job_id, __u32 samples)
{
	struct dbatch *b = dbatch_of(batch);

	__sync_fetch_and_add(&dcounts.dev_jobs, 1);
	if (!b)
		return 0;
	b->job_id = job_id;
	b->has_job = 1;
	b->sealed = 1;
	return 0;
}

SEC("usdt")
int BPF_USDT(qnnd_batch_done, __u64 batch, int status)
{
	struct dbatch *b = bpf_map_lookup_elem(&dbatches, &batch);
	struct djob_key k = {.tgid = bpf_get_current_pid_tgid() >> 32};
	struct djob *j;

	if (!b)
		return 0;
	b->done = bpf_ktime_get_ns();
	if (!b->has_job)
		return 0;
	/* The driver's qnn_job_done came first (the job was reaped): its times are here. */
	k.id = b->job_id;
	j = bpf_map_lookup_elem(&djobs, &k);
	if (!j)
		return 0;
	b->dev_queue_ns = j->wait_ns;
	b->device_ns = j->device_ns;
	b->joined = 1;
	bpf_map_delete_elem(&djobs, &k);
	__sync_fetch_and_add(&dcounts.joined, 1);
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
			if (b->joined) {
				hist_add(-1, r.tgid, r.comm, QNNLAT_D_DEV_QUEUE, b->dev_queue_ns);
				hist_add(-1, r.tgid, r.comm, QNNLAT_D_DEVICE, b->device_ns);
			}
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
