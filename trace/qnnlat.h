/* SPDX-License-Identifier: GPL-2.0 */
/* qnnlat: the histogram map shared by qnnlat.bpf.c and qnnlat.c. */
#ifndef QNNLAT_H
#define QNNLAT_H

#define QNNLAT_SLOTS	 40
#define QNNLAT_MAX_HISTS 4096

/* A job's path; the driver's stages, then what qnnd adds around them. */
enum qnnlat_stage {
	QNNLAT_QUEUE,	  /* qnn_job_submit -> qnn_job_start: the driver's queue */
	QNNLAT_DEVICE,	  /* qnn_job_start -> qnn_job_done: on the DMA and the core */
	QNNLAT_TOTAL,	  /* qnn_job_submit -> qnn_job_done */
	QNNLAT_D_ADMIT,	  /* qnnd: request received -> queued (checks, admission) */
	QNNLAT_D_QUEUE,	  /* qnnd: queued -> taken into a batch */
	QNNLAT_D_BATCH,	  /* qnnd: taken into a batch -> batch dispatched */
	QNNLAT_D_BACKEND, /* qnnd: dispatched -> the backend gave the batch back */
	/* dev backend: the driver's job that the request's batch became (joined by job id) */
	QNNLAT_D_DEV_QUEUE, /* that job: submitted -> started on the DMA */
	QNNLAT_D_DEVICE,    /* that job: started -> done */
	QNNLAT_D_REPLY,	    /* qnnd: batch back -> reply written */
	QNNLAT_D_TOTAL,	    /* qnnd: request received -> reply written */
	QNNLAT_N_STAGES,
};

struct qnnlat_key {
	__s32 dev;  /* -1 for qnnd's stages */
	__u32 tgid; /* 0 unless -P */
	__u32 stage;
	__u32 pad;
};

struct qnnlat_hist {
	__u32 slots[QNNLAT_SLOTS];
	char comm[16];
};

/* What qnnd's probes saw in all (qnnlat --daemon's summary line). */
struct qnnlat_daemon_counts {
	__u64 requests; /* answered */
	__u64 failed;	/* answered with an error */
	__u64 samples;	/* of the requests answered without error */
	__u64 batches;	/* dispatched */
	__u64 dev_jobs; /* batches that became a driver job (batch_dev_job) */
	__u64 joined;	/* of those, found in the driver's qnn_job_done records */
};

#endif /* QNNLAT_H */
