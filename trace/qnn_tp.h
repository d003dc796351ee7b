/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records of the driver's tracepoints (kernel/qnn_trace.h) as a classic
 * tracepoint program gets them: the common header of every trace event,
 * then the TP_STRUCT__entry fields in order, naturally aligned. qnn.ko is
 * built out of tree without module BTF, so neither tp_btf nor a
 * vmlinux.h type describes these: this header does, and tp_format.c checks
 * it against tracefs' format files before anything is loaded.
 *
 * Included by the BPF programs (types from vmlinux.h) and by the
 * userspace tools (types from <linux/types.h>).
 */
#ifndef QNN_TP_H
#define QNN_TP_H

struct qnn_tp_common {
	__u16 type;
	__u8 flags;
	__u8 preempt_count;
	__s32 pid;
};

struct qnn_tp_job_submit {
	struct qnn_tp_common common;
	__s32 dev;
	__u64 id;
	__u32 samples;
	__u32 queued;
};

struct qnn_tp_job_start {
	struct qnn_tp_common common;
	__s32 dev;
	__u64 id;
	__u32 samples;
	__u64 wait_ns;
};

struct qnn_tp_job_done {
	struct qnn_tp_common common;
	__s32 dev;
	__u64 id;
	__u32 samples;
	__u64 latency_ns;
	__s32 status;
};

#endif /* QNN_TP_H */
