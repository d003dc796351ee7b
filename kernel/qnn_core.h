/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal objects of the qnn driver and how they relate.
 *
 * Lifetimes:
 *  - struct qnn_device embeds the class device; its refcount is the
 *    device's. Open files and buffers hold references, so the structure
 *    outlives an unbind until the last file is closed.
 *  - struct qnn_buf is refcounted by its handle, its mappings and the jobs
 *    that use it; its memory comes from the DMA controller's device.
 *  - struct qnn_kjob sits on exactly one list: the device queue, the
 *    worker's active list (taken from the queue, on or near the hardware)
 *    or its file's done list; whoever takes it off the last one frees it.
 */
#ifndef QNN_CORE_H
#define QNN_CORE_H

#include <linux/bits.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/qnn.h>

struct dma_chan;
struct gpio_desc;
struct platform_device;
struct task_struct;

/* Devices (minor numbers) the driver serves. */
#define QNN_MAX_DEVICES 64
/* Jobs queued on one device, all files together. */
#define QNN_MAX_QUEUE 256
/* Bounds of the device tree: one sample must fit one buffer. */
#define QNN_MAX_ELEMS (QNN_BUF_MAX_SIZE / QNN_ELEM_BYTES)
#define QNN_MAX_BATCH_LIMIT 65536
#define QNN_DEFAULT_BATCH 1024
/* Defaults of the timeout tunables. */
#define QNN_TIMEOUT_BASE_MS 1000
#define QNN_TIMEOUT_PER_SAMPLE_US 100
#define QNN_MAX_PER_SAMPLE_US 1000000

struct qnn_stats {
	u64 jobs;		/* finished on the hardware, any status */
	u64 samples;		/* of successful jobs */
	u64 bytes_in;
	u64 bytes_out;
	u64 errors;		/* failed jobs, any errno */
	u64 timeouts;		/* subset of errors: ETIMEDOUT */
	u64 dma_errors;		/* subset of errors: EIO */
	u64 proto_errors;	/* subset of errors: EPROTO */
	u64 canceled;		/* never started: file closed, removal, signal */
	u64 resets;		/* core resets done */
	u64 busy_ns;		/* sum of DMA start..end */
	u64 lat_last_ns;	/* submit..completion, successful jobs */
	u64 lat_sum_ns;
	u64 lat_max_ns;
	u64 lat_count;
};

/* Bits of qnn_hw.done */
#define QNN_HW_TX_DONE	BIT(0)
#define QNN_HW_RX_DONE	BIT(1)

/*
 * The channels: up to QNN_HW_DEPTH jobs queued on them (running, oldest
 * first), so the DMA starts the next batch the moment the current one
 * ends, as the real AXI DMA driver does from its interrupt handler, and the
 * core never idles while software reacts. Behind them, jobs already synced
 * for the device (ready) that a completion callback issues at once. Jobs
 * leave the channels onto ended, for the worker.
 */
#define QNN_HW_DEPTH	2

struct qnn_hw {
	spinlock_t lock;	/* callbacks vs. the worker */
	struct list_head running;	/* of qnn_kjob.hw_node */
	unsigned int n_running;
	struct list_head ready;
	unsigned int n_ready;
	bool chain;		/* false after a failure, until handled */
	struct list_head ended;
	/*
	 * Each channel completes its descriptors in issue order: the n-th
	 * callback of a channel belongs to the job issued n-th, even when that
	 * job already ended on an error of the other channel.
	 */
	u64 next_seq;		/* given to the next job issued */
	u64 tx_seq;		/* job of the next MM2S callback */
	u64 rx_seq;		/* job of the next S2MM callback */
};

struct qnn_model_info {
	bool present;
	char name[48];
	u32 in_shape[3];
	u32 n_in;
	u32 n_out;
	u32 n_layers;
	u16 hls4ml_major;
	u16 hls4ml_minor;
	u8 in_width;
	u8 in_signed;
	s16 in_int_bits;
};

struct qnn_device {
	struct device dev;		/* class device, /dev/qnnN */
	struct cdev cdev;
	struct platform_device *pdev;	/* NULL once unbound */
	int index;
	bool minor_released;		/* index given back at unbind */

	/* Stream description from the device tree; constant after probe. */
	u32 n_in;
	u32 n_out;
	u32 max_batch;
	u32 in_type;			/* enum qnn_elem_type */
	u32 out_type;
	struct qnn_fixed_desc in_fixed;
	struct qnn_fixed_desc out_fixed;
	struct qnn_model_info model;

	struct gpio_desc *reset_gpio;	/* optional */
	struct dma_chan *tx;		/* MM2S */
	struct dma_chan *rx;		/* S2MM */
	struct device *dma_dev;		/* buffers are mapped for this one */

	/* lock protects everything below up to the stats. */
	struct mutex lock;
	bool gone;			/* unbound: no new work */
	struct list_head queue;		/* FIFO of queued jobs, all files */
	unsigned int n_queued;
	struct list_head active;	/* the worker's: taken from queue */
	struct list_head files;		/* open files, to wake them on unbind */
	bool needs_reset;
	wait_queue_head_t work_wq;	/* the worker: new jobs, DMA events */
	struct task_struct *worker;
	struct qnn_hw hw;
	atomic64_t next_id;

	/* stats_lock protects stats and the tunables. */
	spinlock_t stats_lock;
	struct qnn_stats stats;
	u32 timeout_base_ms;
	u32 timeout_per_sample_us;

	struct list_head node;		/* in the global list (netlink dump) */
};

struct qnn_buf {
	struct kref ref;
	struct device *dma_dev;		/* referenced */
	struct page *pages;		/* physically contiguous, cached */
	dma_addr_t dma;
	size_t size;			/* page multiple */
	u32 handle;
};

struct qnn_file {
	struct qnn_device *qdev;	/* referenced */
	struct list_head node;		/* in qdev->files, under qdev->lock */

	struct mutex buf_lock;		/* protects bufs */
	struct idr bufs;
	unsigned int n_bufs;

	/* Under qdev->lock: */
	struct list_head done;		/* completed async jobs, oldest first */
	unsigned int n_jobs;		/* queued + running + done, not reaped */
	unsigned int n_async;		/* the part of n_jobs that is reapable */
	wait_queue_head_t wq;		/* reap, poll and run wait here */
};

enum qnn_job_state {
	QNN_JOB_QUEUED,
	QNN_JOB_RUNNING,
	QNN_JOB_DONE,
};

/* The kernel side of one batch (struct qnn_job is its uapi description). */
struct qnn_kjob {
	struct list_head node;
	struct qnn_file *file;		/* NULL once orphaned */
	struct qnn_buf *in;		/* referenced */
	struct qnn_buf *out;
	u64 in_off;
	u64 out_off;
	size_t in_len;
	size_t out_len;
	u32 n_samples;
	u32 timeout_ms;			/* 0: device default */
	u64 user_data;
	u64 id;
	bool sync;			/* QNN_IOC_RUN: not reaped */
	enum qnn_job_state state;
	int status;
	ktime_t t_submit;
	ktime_t t_start;
	ktime_t t_done;
	u32 limit_ms;			/* effective timeout */

	/* The channels' view, under qdev->hw.lock: */
	struct list_head hw_node;	/* in hw.running, ready or ended */
	bool started;			/* transfers issued */
	u64 seq;			/* issue order on the channels */
	unsigned int hw_done;		/* QNN_HW_* */
	int tx_status;			/* 0 or negative errno */
	int rx_status;
	u32 tx_residue;			/* bytes not moved, when reported */
	u32 rx_residue;
	int hw_status;			/* set by the worker: timeout, removal */
};

static inline struct qnn_device *to_qnn_device(struct device *dev)
{
	return container_of(dev, struct qnn_device, dev);
}

/* qnn_drv.c */
extern struct class *qnn_class;

/* qnn_fw.c */
int qnn_model_load(struct qnn_device *qdev, struct device *dev);

/* qnn_cdev.c */
extern const struct file_operations qnn_fops;

/* qnn_buf.c */
struct qnn_buf *qnn_buf_alloc(struct qnn_file *f, u64 size);
int qnn_buf_free_handle(struct qnn_file *f, u32 handle);
struct qnn_buf *qnn_buf_lookup(struct qnn_file *f, u32 handle);
void qnn_buf_put(struct qnn_buf *buf);
void qnn_buf_release_all(struct qnn_file *f);
int qnn_buf_mmap(struct qnn_file *f, struct vm_area_struct *vma);
u64 qnn_buf_mmap_offset(u32 handle);
void qnn_buf_sync_for_device(struct qnn_kjob *job);
void qnn_buf_sync_for_cpu(struct qnn_kjob *job);

/* qnn_job.c */
int qnn_job_submit(struct qnn_file *f, struct qnn_kjob *job, __u64 *id);
int qnn_job_run(struct qnn_file *f, struct qnn_kjob *job, __u64 *id,
		__u64 *latency_ns);
int qnn_job_reap(struct qnn_file *f, struct qnn_reap *r);
bool qnn_job_reapable(struct qnn_file *f);
void qnn_job_free(struct qnn_kjob *job);
void qnn_job_file_release(struct qnn_file *f);
int qnn_worker_start(struct qnn_device *qdev);
void qnn_job_device_gone(struct qnn_device *qdev);

/* qnn_dma.c */
int qnn_dma_request(struct qnn_device *qdev);
void qnn_dma_release(struct qnn_device *qdev);
void qnn_dma_offer(struct qnn_device *qdev, struct qnn_kjob *job);
bool qnn_dma_wants_next(struct qnn_device *qdev);
struct qnn_kjob *qnn_dma_take_ended(struct qnn_device *qdev);
bool qnn_dma_has_ended(struct qnn_device *qdev);
struct qnn_kjob *qnn_dma_expired(struct qnn_device *qdev, long *wait);
void qnn_dma_stop(struct qnn_device *qdev, int status);
struct qnn_kjob *qnn_dma_take_next(struct qnn_device *qdev);
int qnn_dma_result(const struct qnn_kjob *job);

/* qnn_timeout.c */
u32 qnn_job_timeout(struct qnn_device *qdev, struct qnn_kjob *job);
int qnn_fault(struct qnn_device *qdev, struct qnn_kjob *job, int status,
	      bool started);
int qnn_core_reset(struct qnn_device *qdev);
void qnn_reset_request(struct qnn_device *qdev);

/* qnn_stats.c */
void qnn_stats_job_done(struct qnn_device *qdev, struct qnn_kjob *job);
void qnn_stats_canceled(struct qnn_device *qdev, unsigned int n);
void qnn_stats_snapshot(struct qnn_device *qdev, struct qnn_stats *s);
void qnn_stats_reset(struct qnn_device *qdev);
u64 qnn_stats_lat_avg(const struct qnn_stats *s);

/* qnn_sysfs.c */
extern const struct attribute_group *qnn_dev_groups[];

/* qnn_netlink.c */
int qnn_netlink_init(void);
void qnn_netlink_exit(void);
void qnn_netlink_event(struct qnn_device *qdev, u32 event, u64 job_id,
		       int status);

/* qnn_drv.c: the global device list for netlink dumps */
extern struct mutex qnn_devices_lock;
extern struct list_head qnn_devices;
extern unsigned int qnn_devices_gen;

#endif /* QNN_CORE_H */
