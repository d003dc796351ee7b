// SPDX-License-Identifier: GPL-2.0
/*
 * sim_dma.c - the dmaengine face of qnn_sim: two slave channels that behave
 * like an AXI DMA in simple (register) mode, channel 0 = MM2S (memory to
 * stream), channel 1 = S2MM (stream to memory).
 *
 * The kernel's virt-dma helpers are not part of the installed kernel
 * headers, so the few pieces needed are kept here: per-channel descriptor
 * lists, cookies, and callbacks run outside the lock.
 *
 * Like the real engine in simple mode, a transfer is one contiguous buffer
 * of at most 2^26 - 1 bytes (c_sg_length_width 26): a scatterlist with more
 * entries is refused instead of silently moving only its first segment.
 */
#include <linux/acpi.h>
#include <linux/dma-mapping.h>
#include <linux/of_dma.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include "qnn_sim.h"

#define QNN_SIM_MAX_LEN ((1U << 26) - 1)

static dma_cookie_t qnn_sim_tx_submit(struct dma_async_tx_descriptor *tx)
{
	struct qnn_sim_chan *sc = to_sim_chan(tx->chan);
	struct qnn_sim_desc *d = to_sim_desc(tx);
	unsigned long flags;
	dma_cookie_t cookie;

	spin_lock_irqsave(&sc->sim->lock, flags);
	cookie = tx->chan->cookie + 1;
	if (cookie < DMA_MIN_COOKIE)
		cookie = DMA_MIN_COOKIE;
	tx->chan->cookie = cookie;
	tx->cookie = cookie;
	list_add_tail(&d->node, &sc->submitted);
	spin_unlock_irqrestore(&sc->sim->lock, flags);
	return cookie;
}

static struct dma_async_tx_descriptor *
qnn_sim_prep_slave_sg(struct dma_chan *chan, struct scatterlist *sgl,
		      unsigned int sg_len, enum dma_transfer_direction dir,
		      unsigned long flags, void *context)
{
	struct qnn_sim_chan *sc = to_sim_chan(chan);
	struct device *dev = sc->sim->dev;
	struct qnn_sim_desc *d;

	if (dir != sc->dir) {
		dev_dbg(dev, "%s: wrong direction %d\n", dma_chan_name(chan), dir);
		return NULL;
	}
	if (sg_len != 1) {
		dev_warn_ratelimited(dev, "%s: simple-mode DMA takes one contiguous buffer, got %u segments\n",
				     dma_chan_name(chan), sg_len);
		return NULL;
	}
	if (!sg_dma_len(sgl) || sg_dma_len(sgl) > QNN_SIM_MAX_LEN) {
		dev_warn_ratelimited(dev, "%s: transfer length %u outside 1..%u\n",
				     dma_chan_name(chan), sg_dma_len(sgl),
				     QNN_SIM_MAX_LEN);
		return NULL;
	}

	d = kzalloc(struct_size(d, segs, 1), GFP_NOWAIT);
	if (!d)
		return NULL;
	d->nsegs = 1;
	d->segs[0].addr = sg_dma_address(sgl);
	d->segs[0].len = sg_dma_len(sgl);
	d->len = sg_dma_len(sgl);
	INIT_LIST_HEAD(&d->node);
	dma_async_tx_descriptor_init(&d->tx, chan);
	d->tx.flags = flags;
	d->tx.tx_submit = qnn_sim_tx_submit;
	return &d->tx;
}

static void qnn_sim_issue_pending(struct dma_chan *chan)
{
	struct qnn_sim_chan *sc = to_sim_chan(chan);
	struct qnn_sim_desc *d;
	ktime_t now = ktime_get();
	unsigned long flags;

	spin_lock_irqsave(&sc->sim->lock, flags);
	list_for_each_entry(d, &sc->submitted, node)
		d->issued = now;
	list_splice_tail_init(&sc->submitted, &sc->issued);
	spin_unlock_irqrestore(&sc->sim->lock, flags);
	qnn_sim_job_kick(sc->sim);
}

static enum dma_status qnn_sim_tx_status(struct dma_chan *chan,
					 dma_cookie_t cookie,
					 struct dma_tx_state *state)
{
	struct qnn_sim_chan *sc = to_sim_chan(chan);
	dma_cookie_t used, done;
	enum dma_status st;
	unsigned long flags;
	u32 residue = 0;

	spin_lock_irqsave(&sc->sim->lock, flags);
	used = chan->cookie;
	done = chan->completed_cookie;
	st = dma_async_is_complete(cookie, done, used);
	if (st == DMA_COMPLETE && cookie == sc->error_cookie)
		st = DMA_ERROR;
	if (st == DMA_IN_PROGRESS && sc->active &&
	    sc->active->tx.cookie == cookie)
		residue = sc->active->len - sc->active->done;
	spin_unlock_irqrestore(&sc->sim->lock, flags);
	dma_set_tx_state(state, done, used, residue);
	return st;
}

static int qnn_sim_config(struct dma_chan *chan, struct dma_slave_config *cfg)
{
	/* The stream side has a fixed 32-bit width, like the hls4ml design. */
	if ((cfg->src_addr_width && cfg->src_addr_width != QNN_SIM_BEAT) ||
	    (cfg->dst_addr_width && cfg->dst_addr_width != QNN_SIM_BEAT))
		return -EINVAL;
	return 0;
}

void qnn_sim_desc_free(struct qnn_sim_desc *d)
{
	kfree(d);
}

static void qnn_sim_free_list(struct list_head *head)
{
	struct qnn_sim_desc *d, *n;

	list_for_each_entry_safe(d, n, head, node) {
		list_del(&d->node);
		qnn_sim_desc_free(d);
	}
}

/*
 * Aborts everything queued or running on the channel. The descriptors are
 * kept on the terminated list until device_synchronize: the job work may
 * still be reading them (it notices the abort at its next step).
 */
static int qnn_sim_terminate_all(struct dma_chan *chan)
{
	struct qnn_sim_chan *sc = to_sim_chan(chan);
	struct qnn_sim *sim = sc->sim;
	unsigned long flags;

	spin_lock_irqsave(&sim->lock, flags);
	list_splice_tail_init(&sc->submitted, &sc->terminated);
	list_splice_tail_init(&sc->issued, &sc->terminated);
	qnn_sim_job_abort_locked(sim, sc);
	if (sc->active) {
		list_add_tail(&sc->active->node, &sc->terminated);
		sc->active = NULL;
	}
	spin_unlock_irqrestore(&sim->lock, flags);
	/* The core may be free for the other channel's next transfer. */
	qnn_sim_job_kick(sim);
	return 0;
}

/*
 * After this returns no callback of an aborted descriptor runs and nothing
 * touches the client's buffers any more.
 */
static void qnn_sim_synchronize(struct dma_chan *chan)
{
	struct qnn_sim_chan *sc = to_sim_chan(chan);
	struct qnn_sim *sim = sc->sim;
	unsigned long flags;
	LIST_HEAD(dead);

	flush_work(&sim->work);
	wait_event(sim->cb_wq, !READ_ONCE(sim->in_callbacks));
	spin_lock_irqsave(&sim->lock, flags);
	list_splice_init(&sc->terminated, &dead);
	spin_unlock_irqrestore(&sim->lock, flags);
	qnn_sim_free_list(&dead);
}

static int qnn_sim_alloc_chan_resources(struct dma_chan *chan)
{
	chan->cookie = DMA_MIN_COOKIE;
	chan->completed_cookie = DMA_MIN_COOKIE;
	to_sim_chan(chan)->error_cookie = 0;
	return 0;
}

static void qnn_sim_free_chan_resources(struct dma_chan *chan)
{
	qnn_sim_terminate_all(chan);
	qnn_sim_synchronize(chan);
}

/*
 * ACPI: the client's _CRS has one FixedDMA per channel; its channel number
 * picks ours, as the DT cell does (0 = MM2S, 1 = S2MM). The lookup passes
 * the controller it tried in spec->dev.
 */
static bool qnn_sim_acpi_filter(struct dma_chan *chan, void *param)
{
	struct acpi_dma_spec *spec = param;

	return chan->device->dev == spec->dev && chan->chan_id == spec->chan_id;
}

/*
 * How clients find the channels: the DT's dmas = <&sim N> (board, arm64
 * guest), or FixedDMA resources under ACPI (the amd64 guest: Debian's amd64
 * kernel has no CONFIG_OF). Channel ids follow the list order of
 * qnn_sim_dma_register().
 */
static int qnn_sim_dma_describe(struct qnn_sim *sim)
{
	if (dev_of_node(sim->dev))
		return of_dma_controller_register(sim->dev->of_node, of_dma_xlate_by_chan_id,
						  &sim->dma);
	if (has_acpi_companion(sim->dev)) {
		dma_cap_zero(sim->acpi_filter.dma_cap);
		dma_cap_set(DMA_SLAVE, sim->acpi_filter.dma_cap);
		sim->acpi_filter.filter_fn = qnn_sim_acpi_filter;
		return acpi_dma_controller_register(sim->dev, acpi_dma_simple_xlate,
						    &sim->acpi_filter);
	}
	return dev_err_probe(sim->dev, -ENODEV, "neither DT nor ACPI describes this device\n");
}

int qnn_sim_dma_register(struct qnn_sim *sim)
{
	struct dma_device *dd = &sim->dma;
	int i, ret;

	dma_cap_set(DMA_SLAVE, dd->cap_mask);
	dma_cap_set(DMA_PRIVATE, dd->cap_mask);
	dd->dev = sim->dev;
	dd->directions = BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM);
	dd->src_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_4_BYTES);
	dd->dst_addr_widths = BIT(DMA_SLAVE_BUSWIDTH_4_BYTES);
	dd->residue_granularity = DMA_RESIDUE_GRANULARITY_DESCRIPTOR;
	dd->max_sg_burst = 1;
	dd->device_alloc_chan_resources = qnn_sim_alloc_chan_resources;
	dd->device_free_chan_resources = qnn_sim_free_chan_resources;
	dd->device_prep_slave_sg = qnn_sim_prep_slave_sg;
	dd->device_config = qnn_sim_config;
	dd->device_issue_pending = qnn_sim_issue_pending;
	dd->device_tx_status = qnn_sim_tx_status;
	dd->device_terminate_all = qnn_sim_terminate_all;
	dd->device_synchronize = qnn_sim_synchronize;
	INIT_LIST_HEAD(&dd->channels);

	for (i = 0; i < QNN_SIM_NCHANS; i++) {
		struct qnn_sim_chan *sc = &sim->chans[i];

		sc->sim = sim;
		sc->dir = i == QNN_SIM_MM2S ? DMA_MEM_TO_DEV : DMA_DEV_TO_MEM;
		INIT_LIST_HEAD(&sc->submitted);
		INIT_LIST_HEAD(&sc->issued);
		INIT_LIST_HEAD(&sc->terminated);
		sc->chan.device = dd;
		list_add_tail(&sc->chan.device_node, &dd->channels);
	}

	ret = dma_set_max_seg_size(sim->dev, QNN_SIM_MAX_LEN);
	if (ret)
		return ret;
	ret = dma_async_device_register(dd);
	if (ret)
		return ret;
	ret = qnn_sim_dma_describe(sim);
	if (ret)
		dma_async_device_unregister(dd);
	return ret;
}

void qnn_sim_dma_unregister(struct qnn_sim *sim)
{
	if (dev_of_node(sim->dev))
		of_dma_controller_free(sim->dev->of_node);
	else if (has_acpi_companion(sim->dev))
		acpi_dma_controller_free(sim->dev);
	dma_async_device_unregister(&sim->dma);
}
