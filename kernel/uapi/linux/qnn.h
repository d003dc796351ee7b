/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * linux/qnn.h - the /dev/qnnN character-device ABI of the qnn driver.
 *
 * Laid out as mainline lays out uapi headers (kernel/uapi/linux/, included
 * as <linux/qnn.h> with -Ikernel/uapi), so that it can never be confused
 * with the client library's "qnn.h" (libclient/include/qnn.h).
 *
 * One device node per accelerator (an hls4ml core behind an AXI DMA).
 * A process:
 *   1. calls QNN_IOC_INFO with abi_version = QNN_ABI_VERSION (handshake:
 *      a different major version is refused with EPROTONOSUPPORT);
 *   2. allocates buffers with QNN_IOC_BUF_ALLOC and mmap()s them at the
 *      returned offset (cached memory, streaming DMA: the driver does the
 *      cache maintenance around every job, the process does nothing);
 *   3. runs batches synchronously (QNN_IOC_RUN) or queues them
 *      (QNN_IOC_SUBMIT), waits with poll() (POLLIN: a job can be reaped)
 *      and collects results with QNN_IOC_REAP, in completion order.
 *      Between submit and reap the job's input range must not change and
 *      its output range is undefined. Jobs of all processes are served
 *      first come, first served, one batch at a time.
 *
 * Every element on the stream is 4 bytes (IEEE-754 float bits, or a
 * sign-extended fixed-point code in the low bits for "fixed" types), so a
 * batch of K samples reads K * n_inputs * 4 bytes from the input buffer and
 * writes K * n_outputs * 4 bytes to the output buffer.
 *
 * All structures have explicit padding; reserved fields and unknown flag
 * bits must be zero (EINVAL otherwise), so they can gain meaning later
 * under a new minor version.
 *
 * Errors of a job (QNN_IOC_RUN's return value, struct qnn_reap.status):
 *   0            the job completed, outputs are valid
 *   ETIMEDOUT    no completion within the job's timeout; both DMA channels
 *                were stopped; the core may need a reset (see info.flags)
 *   EIO          the DMA engine reported an error completion
 *   EPROTO       the output packet was shorter than the batch (short or
 *                partial transfer); the core is flagged for a reset
 *   ENODEV       the device was removed before the job completed
 *   EINTR        (QNN_IOC_RUN only) a signal arrived while waiting; the job
 *                is cancelled if it had not started, otherwise it finishes
 *                in the background and its result is discarded
 */
#ifndef _UAPI_LINUX_QNN_H
#define _UAPI_LINUX_QNN_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define QNN_ABI_MAJOR 1
#define QNN_ABI_MINOR 0
#define QNN_ABI_VERSION ((QNN_ABI_MAJOR << 16) | QNN_ABI_MINOR)
#define QNN_ABI_VERSION_MAJOR(v) ((v) >> 16)

/* Bytes per stream element (32-bit TDATA). */
#define QNN_ELEM_BYTES 4

/* Job input/output offsets must be multiples of this (DMA cache lines). */
#define QNN_IO_ALIGN 128

/* Largest single buffer: the AXI DMA moves at most 64 MiB - 1 per transfer. */
#define QNN_BUF_MAX_SIZE (32ULL << 20)

/* Buffers one open file may hold, and jobs it may have queued at once. */
#define QNN_MAX_BUFS_PER_FILE 64
#define QNN_MAX_JOBS_PER_FILE 64

/* Upper bound for an explicit job timeout. */
#define QNN_MAX_TIMEOUT_MS 60000

/* Element types of the stream (struct qnn_info.input_type/output_type). */
enum qnn_elem_type {
	QNN_TYPE_FLOAT32 = 0,	/* IEEE-754 single precision */
	QNN_TYPE_FIXED = 1,	/* ap_fixed code, see the *_fixed fields */
};

/* Fixed-point stream element: ap_fixed<width, int_bits> or ap_ufixed. */
struct qnn_fixed_desc {
	__u8 width;		/* total bits, 1..32 */
	__u8 is_signed;
	__s16 int_bits;		/* integer bits including the sign */
};

/* struct qnn_info.flags (output) */
#define QNN_INFO_NEEDS_RESET	0x1 /* a partial image may be in the core */
#define QNN_INFO_HAS_RESET_GPIO	0x2 /* the driver can reset the core */
#define QNN_INFO_HAS_MODEL	0x4 /* model_name etc. come from a .qnn */

/* QNN_IOC_INFO: describe the device. */
struct qnn_info {
	__u32 abi_version;	/* in: QNN_ABI_VERSION; out: the driver's */
	__u32 flags;		/* out: QNN_INFO_* */
	__u32 dev_index;	/* N of /dev/qnnN */
	__u32 n_inputs;		/* elements per input sample */
	__u32 n_outputs;	/* elements per output sample */
	__u32 input_type;	/* enum qnn_elem_type */
	__u32 output_type;	/* enum qnn_elem_type */
	struct qnn_fixed_desc input_fixed;	/* when input_type is FIXED */
	struct qnn_fixed_desc output_fixed;	/* when output_type is FIXED */
	__u32 max_batch;	/* largest n_samples of one job */
	__u32 io_align;		/* QNN_IO_ALIGN */
	__u32 max_jobs;		/* jobs one file may have queued */
	__u32 timeout_base_ms;	/* current default timeout parameters */
	__u32 timeout_per_sample_us;
	__u32 max_queue;	/* jobs the device queues for all files */
	__u32 reserved0;	/* must be 0 */
	__u64 max_buf_size;	/* largest QNN_IOC_BUF_ALLOC size */
	char model_name[48];	/* NUL-terminated; "" without a model file */
	__u32 model_in_shape[3];	/* h, w, c of the model input, or 0 */
	__u32 reserved[13];	/* must be 0 on input */
};

/* QNN_IOC_BUF_ALLOC: a DMA buffer owned by this open file. */
struct qnn_buf_alloc {
	/* in: bytes, 1..QNN_BUF_MAX_SIZE; out: rounded up to pages */
	__u64 size;
	__u32 flags;		/* in: none defined, must be 0 */
	__u32 handle;		/* out: names the buffer in jobs */
	__u64 mmap_offset;	/* out: pass to mmap() (MAP_SHARED) */
	__u64 reserved;		/* must be 0 */
};

/*
 * QNN_IOC_BUF_FREE: forget a buffer handle. Jobs already queued with it
 * and existing mappings keep the memory until they finish / are unmapped.
 */
struct qnn_buf_free {
	__u32 handle;
	__u32 flags;		/* must be 0 */
};

/* QNN_IOC_RUN and QNN_IOC_SUBMIT: one batch. */
struct qnn_job {
	__u32 flags;		/* none defined, must be 0 */
	__u32 n_samples;	/* 1..max_batch */
	__u32 in_handle;	/* buffer read by the device */
	__u32 out_handle;	/* buffer written by the device */
	__u64 in_offset;	/* multiple of io_align */
	__u64 out_offset;	/* multiple of io_align */
	/*
	 * 0: the device default (base + per sample), else
	 * 1..QNN_MAX_TIMEOUT_MS, counted from the start of the DMA
	 */
	__u32 timeout_ms;
	__u32 reserved0;	/* must be 0 */
	__u64 user_data;	/* returned unchanged by QNN_IOC_REAP */
	__u64 id;		/* out: job id, unique per device */
	__u64 latency_ns;	/* out (RUN): submit to completion */
	__u64 reserved[2];	/* must be 0 */
};

/* struct qnn_reap.flags */
#define QNN_REAP_NONBLOCK 0x1 /* EAGAIN instead of waiting */

/* QNN_IOC_REAP: take the oldest completed job of this file. */
struct qnn_reap {
	__u32 flags;		/* in: QNN_REAP_* */
	__s32 status;		/* out: 0 or a negative errno, see above */
	__u64 id;		/* out */
	__u64 user_data;	/* out */
	__u64 latency_ns;	/* out: submit to completion */
	__u32 n_samples;	/* out */
	__u32 reserved0;	/* must be 0 */
	__u64 reserved[2];	/* must be 0 */
};

#define QNN_IOC_MAGIC 0xCB

#define QNN_IOC_INFO		_IOWR(QNN_IOC_MAGIC, 0x00, struct qnn_info)
#define QNN_IOC_BUF_ALLOC	_IOWR(QNN_IOC_MAGIC, 0x01, struct qnn_buf_alloc)
#define QNN_IOC_BUF_FREE	_IOW(QNN_IOC_MAGIC, 0x02, struct qnn_buf_free)
#define QNN_IOC_RUN		_IOWR(QNN_IOC_MAGIC, 0x03, struct qnn_job)
#define QNN_IOC_SUBMIT		_IOWR(QNN_IOC_MAGIC, 0x04, struct qnn_job)
#define QNN_IOC_REAP		_IOWR(QNN_IOC_MAGIC, 0x05, struct qnn_reap)

/*
 * Generic netlink family QNN_GENL_NAME (version QNN_GENL_VERSION).
 * QNN_CMD_GET_DEVICE: dump (or get one by QNN_A_DEV_INDEX) devices with
 * their counters (every counter of /sys/class/qnn/qnnN/, one snapshot;
 * attributes are only ever added at the end). QNN_CMD_SET_DEVICE (CAP_NET_ADMIN): set tunables,
 * reset counters or request a core reset. Multicast group
 * QNN_GENL_MCGRP_EVENTS carries QNN_CMD_EVENT messages.
 */
#define QNN_GENL_NAME "qnn"
#define QNN_GENL_VERSION 1
#define QNN_GENL_MCGRP_EVENTS "events"

enum qnn_genl_cmd {
	QNN_CMD_UNSPEC,
	QNN_CMD_GET_DEVICE,
	QNN_CMD_SET_DEVICE,
	QNN_CMD_EVENT,
	__QNN_CMD_MAX,
};

#define QNN_CMD_MAX (__QNN_CMD_MAX - 1)

enum qnn_genl_event {
	QNN_EVENT_DEVICE_ADD = 1,
	QNN_EVENT_DEVICE_REMOVE = 2,
	QNN_EVENT_JOB_ERROR = 3,	/* DMA error or short transfer */
	QNN_EVENT_TIMEOUT = 4,
	QNN_EVENT_RESET = 5,		/* the core was (or needs to be) reset */
};

/* QNN_A_SET_FLAGS bits */
#define QNN_SET_RESET_COUNTERS	0x1
#define QNN_SET_RESET_CORE	0x2

enum qnn_genl_attr {
	QNN_A_UNSPEC,
	QNN_A_DEV_INDEX,	/* u32 */
	QNN_A_DEV_NAME,		/* string, "qnn0" */
	QNN_A_MODEL_NAME,	/* string */
	QNN_A_N_INPUTS,		/* u32 */
	QNN_A_N_OUTPUTS,	/* u32 */
	QNN_A_MAX_BATCH,	/* u32 */
	QNN_A_JOBS,		/* u64: jobs completed (any status) */
	QNN_A_SAMPLES,		/* u64: samples of successful jobs */
	QNN_A_BYTES_IN,		/* u64 */
	QNN_A_BYTES_OUT,	/* u64 */
	QNN_A_ERRORS,		/* u64: failed jobs (any errno) */
	QNN_A_TIMEOUTS,		/* u64 */
	QNN_A_RESETS,		/* u64 */
	QNN_A_BUSY_NS,		/* u64 */
	QNN_A_LAT_LAST_NS,	/* u64 */
	QNN_A_LAT_AVG_NS,	/* u64 */
	QNN_A_LAT_MAX_NS,	/* u64 */
	QNN_A_NEEDS_RESET,	/* u8 */
	QNN_A_TIMEOUT_BASE_MS,	/* u32, settable */
	QNN_A_TIMEOUT_PER_SAMPLE_US,	/* u32, settable */
	QNN_A_EVENT,		/* u32: enum qnn_genl_event */
	QNN_A_JOB_ID,		/* u64 */
	QNN_A_JOB_STATUS,	/* s32: negative errno */
	QNN_A_SET_FLAGS,	/* u32: QNN_SET_* */
	QNN_A_PAD,
	QNN_A_DMA_ERRORS,	/* u64: failed jobs, -EIO */
	QNN_A_PROTO_ERRORS,	/* u64: failed jobs, -EPROTO */
	QNN_A_CANCELED,		/* u64: jobs dropped unrun (file closed) */
	__QNN_A_MAX,
};

#define QNN_A_MAX (__QNN_A_MAX - 1)

#endif /* _UAPI_LINUX_QNN_H */
