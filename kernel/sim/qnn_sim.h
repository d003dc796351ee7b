/* SPDX-License-Identifier: GPL-2.0 */
/*
 * qnn_sim: a software dmaengine provider that behaves like a Xilinx AXI DMA
 * (simple register mode, channel 0 = MM2S, channel 1 = S2MM) with an
 * hls4ml io_stream core between its two streams. The core is modelled by
 * the bit-exact engine of hlsgen, including what the real core does with a
 * partial image (it stays misaligned until reset), at a modelled speed.
 */
#ifndef QNN_SIM_H
#define QNN_SIM_H

#include <linux/acpi_dma.h>
#include <linux/dmaengine.h>
#include <linux/gpio/driver.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "qnn_engine.h"
#include "qnn_model.h"

#define QNN_SIM_MM2S 0
#define QNN_SIM_S2MM 1
#define QNN_SIM_NCHANS 2

/* Bytes of one stream beat: the design's 32-bit TDATA. */
#define QNN_SIM_BEAT 4

/* Images the core model runs through the engine at a time. */
#define QNN_SIM_CHUNK 32

/* Faults the simulator can inject into a job (see README.md). */
enum qnn_sim_fault {
	QNN_SIM_FAULT_NONE,
	QNN_SIM_FAULT_NO_TLAST,		/* S2MM never completes: hang */
	QNN_SIM_FAULT_STALL,		/* nothing completes until terminate */
	QNN_SIM_FAULT_ERROR,		/* MM2S read error, S2MM aborted */
	QNN_SIM_FAULT_RX_ERROR,		/* S2MM write error after the data */
	QNN_SIM_FAULT_SHORT_S2MM,	/* S2MM completes with fewer bytes */
	QNN_SIM_FAULT_LATE,		/* completes late_ms after it should */
	QNN_SIM_FAULT_PARTIAL,		/* a partial image, then a stall */
	QNN_SIM_FAULT_COUNT
};

struct qnn_sim_seg {
	dma_addr_t addr;
	u32 len;
};

struct qnn_sim_desc {
	struct dma_async_tx_descriptor tx;
	struct list_head node;
	struct dmaengine_result res;
	size_t len;		/* bytes the client asked for */
	size_t done;		/* bytes written so far (S2MM) */
	ktime_t issued;		/* when issue_pending made it runnable */
	bool overflow;		/* S2MM: data arrived past len */
	unsigned int nsegs;
	struct qnn_sim_seg segs[];
};

struct qnn_sim;

struct qnn_sim_chan {
	struct dma_chan chan;
	struct qnn_sim *sim;
	enum dma_transfer_direction dir;
	/* The lists and active are protected by sim->lock. */
	struct list_head submitted;	/* tx_submit()ed, not issued yet */
	struct list_head issued;	/* waiting for the core */
	struct list_head terminated;	/* freed by device_synchronize */
	struct qnn_sim_desc *active;	/* being transferred */
	dma_cookie_t error_cookie;	/* last cookie completed with an error */
};

enum qnn_sim_job_state {
	QNN_SIM_IDLE,		/* no job: the next MM2S may start */
	QNN_SIM_STREAMING,	/* the work is moving data through the core */
	QNN_SIM_WAITING,	/* data moved, completion timer armed */
	QNN_SIM_STALLED,	/* nothing more happens until terminate */
};

/* One MM2S transfer moving through the core. */
struct qnn_sim_job {
	enum qnn_sim_job_state state;
	u64 gen;		/* identifies the job to the timer and work */
	enum qnn_sim_fault fault;
	bool aborted;		/* MM2S terminated while the work ran */
	bool halted;		/* core reset while the work ran */
	struct qnn_sim_desc *tx;
	struct qnn_sim_desc *rx;	/* the S2MM that receives the outputs */
	bool rx_tlast;		/* the outputs ended with TLAST */
	bool rx_done;		/* the S2MM completes with this job */
	ktime_t start;
	u64 duration_ns;	/* modelled stream time of the whole transfer */
	u64 elems;		/* beats of the transfer */
	u32 fill_before;	/* core fill when the transfer started */
	/* Counted by the work alone, added to the stats at the end. */
	u64 beats_in, beats_out, images;
	bool bad_addr;
};

/* The hls4ml core: the engine plus the state the real core keeps. */
struct qnn_sim_core {
	void *model_buf;
	size_t model_len;
	struct qnn_model *model;
	struct qnn_engine engine;
	void *ws;
	u32 n_in, n_out;
	enum qnn_input_kind in_kind;
	bool out_codes;		/* fixed output: codes instead of float bits */
	/*
	 * Stream elements of images not run yet. Between transfers it holds
	 * fill < n_in elements: the partial image a real core keeps in its
	 * line buffers, which misaligns every later image until a reset.
	 */
	u32 *stage;		/* QNN_SIM_CHUNK * n_in elements */
	u32 fill;
	u32 *out;		/* QNN_SIM_CHUNK * n_out elements */
	s32 *codes;
	bool in_reset;		/* ap_rst_n held low */
};

struct qnn_sim_stats {
	u64 jobs, images, beats_in, beats_out;
	u64 faults, aborts, resets, overflows, bad_addr;
};

struct qnn_sim {
	struct device *dev;
	struct dma_device dma;
	struct acpi_dma_filter_info acpi_filter; /* channel lookup of ACPI clients */
	struct qnn_sim_chan chans[QNN_SIM_NCHANS];
	spinlock_t lock;	/* channels, job, core state, fault, stats */
	struct qnn_sim_job job;
	struct qnn_sim_core core;
	struct qnn_sim_stats stats;
	struct workqueue_struct *wq;
	struct work_struct work;	/* starts and streams jobs */
	struct hrtimer timer;		/* completes the streamed job */
	wait_queue_head_t cb_wq;
	unsigned int in_callbacks;	/* callbacks running outside the lock */
	struct gpio_chip gpio;		/* the core's reset line */
	/*
	 * Modelled speed: from the device tree, changeable in debugfs; the
	 * module parameters, when >= 0, override it for every device.
	 */
	u32 clock_mhz, cycles;
	/*
	 * When the modelled core finishes the current transfer: a transfer
	 * already issued then starts right after it, as a DMA engine starts
	 * its next queued descriptor from the completion interrupt, however
	 * long the simulator's own work items take to get there.
	 */
	ktime_t busy_until;
	/* Fault injection, protected by lock. */
	enum qnn_sim_fault fault;
	u32 fault_count;	/* jobs left to fault; 0: every job */
	u32 late_ms;
	struct dentry *debugfs;
	struct list_head node;	/* in the module's device list */
};

/* sim_dma.c: the dmaengine provider */
int qnn_sim_dma_register(struct qnn_sim *sim);
void qnn_sim_dma_unregister(struct qnn_sim *sim);

/* sim_job.c: jobs through the core, timing, completion */
void qnn_sim_job_init(struct qnn_sim *sim);
void qnn_sim_job_kick(struct qnn_sim *sim);
void qnn_sim_job_abort_locked(struct qnn_sim *sim, struct qnn_sim_chan *sc);
void qnn_sim_job_reset_core_locked(struct qnn_sim *sim, bool assert);
void qnn_sim_desc_free(struct qnn_sim_desc *d);

/* sim_core.c: the hls4ml core model */
int qnn_sim_core_load(struct qnn_sim *sim, const char *fw_name);
void qnn_sim_core_free(struct qnn_sim *sim);
void qnn_sim_core_flush(struct qnn_sim_core *core);
int qnn_sim_core_stream(struct qnn_sim *sim, struct qnn_sim_job *job,
			u64 max_elems);

/* sim_mem.c: DMA addresses to CPU addresses */
void *qnn_sim_mem_map(struct qnn_sim *sim, dma_addr_t addr, size_t len);
void qnn_sim_mem_written(struct qnn_sim *sim, dma_addr_t addr, size_t len);

/* sim_fault.c: fault modes, debugfs, module-wide defaults */
const char *qnn_sim_fault_name(enum qnn_sim_fault f);
int qnn_sim_fault_parse(const char *s, enum qnn_sim_fault *f, u32 *count);
enum qnn_sim_fault qnn_sim_fault_take_locked(struct qnn_sim *sim);
void qnn_sim_fault_defaults(struct qnn_sim *sim);
void qnn_sim_debugfs_add(struct qnn_sim *sim);
void qnn_sim_debugfs_remove(struct qnn_sim *sim);
int qnn_sim_debugfs_init(void);
void qnn_sim_debugfs_exit(void);

/* sim_gpio.c: the core reset line */
int qnn_sim_gpio_register(struct qnn_sim *sim);

/* sim_main.c: module parameters and the device list */
u32 qnn_sim_clock_mhz(struct qnn_sim *sim);
u32 qnn_sim_cycles(struct qnn_sim *sim);
u32 qnn_sim_restart_ns(void);
bool qnn_sim_compute(void);
void qnn_sim_for_each(void (*fn)(struct qnn_sim *sim, void *arg), void *arg);

static inline struct qnn_sim_chan *to_sim_chan(struct dma_chan *c)
{
	return container_of(c, struct qnn_sim_chan, chan);
}

static inline struct qnn_sim_desc *to_sim_desc(struct dma_async_tx_descriptor *tx)
{
	return container_of(tx, struct qnn_sim_desc, tx);
}

#endif /* QNN_SIM_H */
