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
	QNNLAT_D_QUEUE,	  /* qnnd: request received -> taken into a batch */
	QNNLAT_D_BATCH,	  /* qnnd: taken into a batch -> batch dispatched */
	QNNLAT_D_BACKEND, /* qnnd: dispatched -> the batch's results back */
	QNNLAT_D_REPLY,	  /* qnnd: results back -> reply sent */
	QNNLAT_D_TOTAL,	  /* qnnd: request received -> reply sent */
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

#endif /* QNNLAT_H */
