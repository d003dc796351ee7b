// SPDX-License-Identifier: GPL-2.0
/*
 * One batch = one S2MM + one MM2S transfer on the AXI DMA (semantics.md
 * section 5). The core echoes TLAST of the last input beat, and in simple
 * mode the DMA raises TLAST at the end of each MM2S transfer, so a batch
 * sent as one transfer comes back as one packet. S2MM is queued first and
 * sized for the whole batch: an S2MM started after the core already
 * streams, or shorter than the packet, hangs or truncates the stream.
 *
 * Only one job is on the channels at a time, so a fault never mixes two
 * jobs' data. To keep the core busy anyway, the worker prepares the next
 * job (cache maintenance done) and the completion callback of the current
 * one starts it directly, without waiting for the worker to wake up. After
 * a failure nothing is chained: the worker first stops the channels and
 * resets the core.
 */
#include <linux/dmaengine.h>
#include <linux/platform_device.h>

#include "qnn_core.h"
#include "qnn_trace.h"

int qnn_dma_request(struct qnn_device *qdev)
{
	struct device *dev = &qdev->pdev->dev;
	struct device *tx_dev, *rx_dev;

	qdev->tx = dma_request_chan(dev, "tx");
	if (IS_ERR(qdev->tx)) {
		int ret = PTR_ERR(qdev->tx);

		qdev->tx = NULL;
		return dev_err_probe(dev, ret, "no \"tx\" DMA channel\n");
	}
	qdev->rx = dma_request_chan(dev, "rx");
	if (IS_ERR(qdev->rx)) {
		int ret = PTR_ERR(qdev->rx);

		qdev->rx = NULL;
		qnn_dma_release(qdev);
		return dev_err_probe(dev, ret, "no \"rx\" DMA channel\n");
	}
	/* Buffers are mapped once, for the one controller doing both. */
	tx_dev = dmaengine_get_dma_device(qdev->tx);
	rx_dev = dmaengine_get_dma_device(qdev->rx);
	if (tx_dev != rx_dev) {
		dev_err(dev, "tx and rx must be channels of one DMA engine\n");
		qnn_dma_release(qdev);
		return -EINVAL;
	}
	qdev->dma_dev = get_device(tx_dev);
	return 0;
}

void qnn_dma_release(struct qnn_device *qdev)
{
	if (qdev->tx)
		dma_release_channel(qdev->tx);
	if (qdev->rx)
		dma_release_channel(qdev->rx);
	qdev->tx = NULL;
	qdev->rx = NULL;
}

/*
 * 0, -EIO for an error completion, -EPROTO when a transfer moved fewer
 * bytes than the batch (a short packet: the core lost or gained a partial
 * image). Residues are only known where the engine reports them.
 */
int qnn_dma_result(const struct qnn_kjob *job)
{
	if (job->hw_status)
		return job->hw_status;
	if (job->tx_status || job->rx_status)
		return -EIO;
	if (job->tx_residue || job->rx_residue)
		return -EPROTO;
	return 0;
}

static bool qnn_dma_job_finished(const struct qnn_kjob *job)
{
	return job->hw_done == (QNN_HW_TX_DONE | QNN_HW_RX_DONE) ||
	       job->tx_status || job->rx_status;
}

/* The job left the channels (hw.lock held). */
static void qnn_dma_end_locked(struct qnn_hw *hw, struct qnn_kjob *job)
{
	job->t_done = ktime_get();
	if (hw->cur == job)
		hw->cur = NULL;
	list_add_tail(&job->hw_node, &hw->ended);
}

static void qnn_dma_tx_done(void *param, const struct dmaengine_result *res);
static void qnn_dma_rx_done(void *param, const struct dmaengine_result *res);

static struct dma_async_tx_descriptor *
qnn_dma_prep(struct dma_chan *chan, dma_addr_t addr, size_t len,
	     enum dma_transfer_direction dir, dma_async_tx_callback_result cb,
	     struct qnn_device *qdev)
{
	struct dma_async_tx_descriptor *d;

	d = dmaengine_prep_slave_single(chan, addr, len, dir,
					DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (d) {
		d->callback_result = cb;
		d->callback_param = qdev;
	}
	return d;
}

/*
 * Start a job's transfers (hw.lock held; prep and submit do not sleep).
 * A job that cannot start ends at once with -EIO, nothing moved.
 */
static void qnn_dma_issue_locked(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct dma_async_tx_descriptor *rxd, *txd = NULL;
	dma_cookie_t rxc, txc;

	job->t_start = ktime_get();
	rxd = qnn_dma_prep(qdev->rx, job->out->dma + job->out_off,
			   job->out_len, DMA_DEV_TO_MEM, qnn_dma_rx_done, qdev);
	if (rxd)
		txd = qnn_dma_prep(qdev->tx, job->in->dma + job->in_off,
				   job->in_len, DMA_MEM_TO_DEV, qnn_dma_tx_done,
				   qdev);
	if (!txd)
		goto fail;
	qdev->hw.cur = job;	/* before issuing: the callbacks look here */
	rxc = dmaengine_submit(rxd);
	txc = dmaengine_submit(txd);
	if (dma_submit_error(rxc) || dma_submit_error(txc))
		goto fail;
	dma_async_issue_pending(qdev->rx);
	dma_async_issue_pending(qdev->tx);
	job->started = true;
	trace_qnn_job_start(qdev, job);
	return;
fail:
	/* Frees prepared descriptors; the worker synchronizes later. */
	dmaengine_terminate_async(qdev->tx);
	dmaengine_terminate_async(qdev->rx);
	job->hw_status = -EIO;
	qnn_dma_end_locked(&qdev->hw, job);
}

static void qnn_dma_complete(struct qnn_device *qdev, unsigned int bit,
			     const struct dmaengine_result *res)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job, *next;
	unsigned long flags;
	int status = res && res->result != DMA_TRANS_NOERROR ? -EIO : 0;
	u32 residue = res ? res->residue : 0;

	spin_lock_irqsave(&hw->lock, flags);
	job = hw->cur;
	if (!job || (job->hw_done & bit))
		goto out;	/* after a stop: nothing of ours is running */
	job->hw_done |= bit;
	if (bit == QNN_HW_TX_DONE) {
		job->tx_status = status;
		job->tx_residue = residue;
	} else {
		job->rx_status = status;
		job->rx_residue = residue;
	}
	if (!qnn_dma_job_finished(job))
		goto out;
	qnn_dma_end_locked(hw, job);
	next = hw->next;
	if (next && hw->chain && !qnn_dma_result(job)) {
		hw->next = NULL;
		qnn_dma_issue_locked(qdev, next);
	}
out:
	spin_unlock_irqrestore(&hw->lock, flags);
	wake_up(&qdev->work_wq);
}

static void qnn_dma_tx_done(void *param, const struct dmaengine_result *res)
{
	qnn_dma_complete(param, QNN_HW_TX_DONE, res);
}

static void qnn_dma_rx_done(void *param, const struct dmaengine_result *res)
{
	qnn_dma_complete(param, QNN_HW_RX_DONE, res);
}

/*
 * The worker hands over a prepared job (or NULL) and lets the channels
 * start the next one when they are idle and no ended job waits for the
 * worker: a failure must be handled (core reset) before anything starts.
 */
void qnn_dma_offer(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *next;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	if (job)
		hw->next = job;
	next = hw->next;
	if (next && !hw->cur && list_empty(&hw->ended)) {
		hw->next = NULL;
		hw->chain = true;
		qnn_dma_issue_locked(qdev, next);
	}
	spin_unlock_irqrestore(&hw->lock, flags);
}

bool qnn_dma_wants_next(struct qnn_device *qdev)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	ret = !qdev->hw.next;
	spin_unlock_irqrestore(&qdev->hw.lock, flags);
	return ret;
}

struct qnn_kjob *qnn_dma_take_next(struct qnn_device *qdev)
{
	struct qnn_kjob *job;
	unsigned long flags;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	job = qdev->hw.next;
	qdev->hw.next = NULL;
	spin_unlock_irqrestore(&qdev->hw.lock, flags);
	return job;
}

bool qnn_dma_has_ended(struct qnn_device *qdev)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	ret = !list_empty(&qdev->hw.ended);
	spin_unlock_irqrestore(&qdev->hw.lock, flags);
	return ret;
}

struct qnn_kjob *qnn_dma_take_ended(struct qnn_device *qdev)
{
	struct qnn_kjob *job;
	unsigned long flags;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	job = list_first_entry_or_null(&qdev->hw.ended, struct qnn_kjob,
				       hw_node);
	if (job)
		list_del_init(&job->hw_node);
	spin_unlock_irqrestore(&qdev->hw.lock, flags);
	return job;
}

/*
 * The running job if its deadline passed (then nothing more is chained
 * behind it), else NULL and *wait = jiffies until the deadline.
 */
struct qnn_kjob *qnn_dma_expired(struct qnn_device *qdev, long *wait)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job;
	unsigned long flags;
	s64 left_us;

	*wait = MAX_SCHEDULE_TIMEOUT;
	spin_lock_irqsave(&hw->lock, flags);
	job = hw->cur;
	if (job) {
		left_us = ktime_us_delta(ktime_add_ms(job->t_start,
						      job->limit_ms),
					 ktime_get());
		if (left_us <= 0)
			hw->chain = false;
		else
			*wait = usecs_to_jiffies(left_us) + 1;
		if (left_us > 0)
			job = NULL;
	}
	spin_unlock_irqrestore(&hw->lock, flags);
	return job;
}

/*
 * Stop both channels (feeding the core first); a job still on them ends
 * with status. Afterwards no callback of the old transfers runs.
 */
void qnn_dma_stop(struct qnn_device *qdev, int status)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	hw->chain = false;
	spin_unlock_irqrestore(&hw->lock, flags);

	dmaengine_terminate_sync(qdev->tx);
	dmaengine_terminate_sync(qdev->rx);

	spin_lock_irqsave(&hw->lock, flags);
	job = hw->cur;
	if (job) {
		job->hw_status = status;
		qnn_dma_end_locked(hw, job);
	}
	spin_unlock_irqrestore(&hw->lock, flags);
}
