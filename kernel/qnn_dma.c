// SPDX-License-Identifier: GPL-2.0
/*
 * One batch = one S2MM + one MM2S transfer on the AXI DMA (docs/platform.md
 * section 2, docs/semantics.md section 7). The core echoes TLAST of the
 * last input beat, and in simple mode the DMA raises TLAST at the end of
 * each MM2S transfer, so a batch sent as one transfer comes back as one
 * packet. S2MM is queued first and
 * sized for the whole batch: an S2MM started after the core already
 * streams, or shorter than the packet, hangs or truncates the stream.
 *
 * Two jobs are queued on the channels at once (QNN_HW_DEPTH): each
 * channel runs its descriptors in order and the DMA engine starts the next
 * one as soon as the previous completes, so the core streams batch after
 * batch while software handles completions. The packets stay apart because
 * each batch ends with its own TLAST. Behind the channels one job waits
 * synced (ready) and the completion callback issues it at once.
 *
 * After a failure nothing more is issued and no other job may succeed: a
 * job that streamed behind a failed one may hold data of it (a partial
 * image shifts every later packet). The worker stops both channels, fails
 * the job at fault, puts the jobs still on the channels back in front of
 * the ready ones (their inputs are untouched: they run again after the
 * core reset) and only then lets jobs start again.
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
	struct qnn_kjob *head;

	job->t_done = ktime_get();
	list_move_tail(&job->hw_node, &hw->ended);
	hw->n_running--;
	/*
	 * The job behind now has the core: its deadline and busy time count
	 * from here, not from when it was queued.
	 */
	head = list_first_entry_or_null(&hw->running, struct qnn_kjob, hw_node);
	if (head && ktime_before(head->t_start, job->t_done))
		head->t_start = job->t_done;
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
 * Queue a job's transfers behind what runs (hw.lock held; prep and submit
 * do not sleep). A job that cannot be queued ends at once with -EIO.
 */
static void qnn_dma_issue_locked(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct dma_async_tx_descriptor *rxd, *txd = NULL;
	struct qnn_hw *hw = &qdev->hw;
	dma_cookie_t rxc, txc;

	job->t_start = ktime_get();
	job->seq = hw->next_seq++;
	list_move_tail(&job->hw_node, &hw->running);
	hw->n_ready--;
	hw->n_running++;
	rxd = qnn_dma_prep(qdev->rx, job->out->dma + job->out_off,
			   job->out_len, DMA_DEV_TO_MEM, qnn_dma_rx_done, qdev);
	if (rxd)
		txd = qnn_dma_prep(qdev->tx, job->in->dma + job->in_off,
				   job->in_len, DMA_MEM_TO_DEV, qnn_dma_tx_done,
				   qdev);
	if (!txd)
		goto fail;
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
	/*
	 * Frees prepared descriptors (and whatever ran before: the worker
	 * treats this as a failure, stops the channels and reruns those).
	 */
	dmaengine_terminate_async(qdev->tx);
	dmaengine_terminate_async(qdev->rx);
	job->hw_status = -EIO;
	hw->chain = false;
	qnn_dma_end_locked(hw, job);
}

/* Issue ready jobs while there is room on the channels (hw.lock held). */
static void qnn_dma_fill_locked(struct qnn_device *qdev)
{
	struct qnn_hw *hw = &qdev->hw;

	while (hw->chain && hw->n_running < QNN_HW_DEPTH && hw->n_ready)
		qnn_dma_issue_locked(qdev, list_first_entry(&hw->ready,
							    struct qnn_kjob,
							    hw_node));
}

/* The job a channel's next callback belongs to, or NULL if it ended. */
static struct qnn_kjob *qnn_dma_owner_locked(struct qnn_hw *hw,
					     unsigned int bit)
{
	u64 seq = bit == QNN_HW_TX_DONE ? hw->tx_seq++ : hw->rx_seq++;
	struct qnn_kjob *job;

	list_for_each_entry(job, &hw->running, hw_node)
		if (job->seq == seq)
			return job;
	return NULL;
}

static void qnn_dma_complete(struct qnn_device *qdev, unsigned int bit,
			     const struct dmaengine_result *res)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job;
	unsigned long flags;
	int status = res && res->result != DMA_TRANS_NOERROR ? -EIO : 0;
	u32 residue = res ? res->residue : 0;

	spin_lock_irqsave(&hw->lock, flags);
	job = qnn_dma_owner_locked(hw, bit);
	if (!job)
		goto out;	/* its job ended already, on the other channel */
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
	if (qnn_dma_result(job))
		hw->chain = false;
	else if (!hw->chain)
		goto out;	/* ran behind a failure: runs again after it */
	qnn_dma_end_locked(hw, job);
	qnn_dma_fill_locked(qdev);
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
 * The worker hands over a synced job (or NULL). Issuing resumes after a
 * failure only once the channels are idle and the worker has handled every
 * ended job (core reset first).
 */
void qnn_dma_offer(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct qnn_hw *hw = &qdev->hw;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	if (job) {
		list_add_tail(&job->hw_node, &hw->ready);
		hw->n_ready++;
	}
	if (!hw->n_running && list_empty(&hw->ended))
		hw->chain = true;
	qnn_dma_fill_locked(qdev);
	spin_unlock_irqrestore(&hw->lock, flags);
}

/* One synced job waits behind the channels; more would only add latency. */
bool qnn_dma_wants_next(struct qnn_device *qdev)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	ret = !qdev->hw.n_ready;
	spin_unlock_irqrestore(&qdev->hw.lock, flags);
	return ret;
}

/* The oldest job not on the channels (removal), or NULL. */
struct qnn_kjob *qnn_dma_take_next(struct qnn_device *qdev)
{
	struct qnn_kjob *job;
	unsigned long flags;

	spin_lock_irqsave(&qdev->hw.lock, flags);
	job = list_first_entry_or_null(&qdev->hw.ready, struct qnn_kjob,
				       hw_node);
	if (job) {
		list_del_init(&job->hw_node);
		qdev->hw.n_ready--;
	}
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
 * The job that has the core if its deadline passed (then nothing more is
 * issued behind it), else NULL and *wait = jiffies until the deadline.
 */
struct qnn_kjob *qnn_dma_expired(struct qnn_device *qdev, long *wait)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job;
	unsigned long flags;
	s64 left_us;

	*wait = MAX_SCHEDULE_TIMEOUT;
	spin_lock_irqsave(&hw->lock, flags);
	job = list_first_entry_or_null(&hw->running, struct qnn_kjob, hw_node);
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

/* A job taken off the channels unfinished, to be issued again later. */
static void qnn_dma_unissue_locked(struct qnn_hw *hw, struct qnn_kjob *job)
{
	job->started = false;
	job->hw_done = 0;
	job->tx_status = 0;
	job->rx_status = 0;
	job->tx_residue = 0;
	job->rx_residue = 0;
	hw->n_running--;
	hw->n_ready++;
}

/*
 * Stop both channels (feeding the core first). With a head_status, the job
 * that has the core ends with it (timeout, removal); every other job still
 * on the channels goes back, in order, in front of the ready ones.
 * Afterwards no callback of the old transfers runs.
 */
void qnn_dma_stop(struct qnn_device *qdev, int head_status)
{
	struct qnn_hw *hw = &qdev->hw;
	struct qnn_kjob *job, *tmp;
	unsigned long flags;
	LIST_HEAD(back);

	spin_lock_irqsave(&hw->lock, flags);
	hw->chain = false;
	spin_unlock_irqrestore(&hw->lock, flags);

	dmaengine_terminate_sync(qdev->tx);
	dmaengine_terminate_sync(qdev->rx);

	spin_lock_irqsave(&hw->lock, flags);
	hw->tx_seq = hw->next_seq;	/* no old callback runs any more */
	hw->rx_seq = hw->next_seq;
	job = list_first_entry_or_null(&hw->running, struct qnn_kjob, hw_node);
	if (job && head_status) {
		job->hw_status = head_status;
		qnn_dma_end_locked(hw, job);
	}
	list_for_each_entry_safe(job, tmp, &hw->running, hw_node) {
		qnn_dma_unissue_locked(hw, job);
		list_move_tail(&job->hw_node, &back);
	}
	list_splice(&back, &hw->ready);
	spin_unlock_irqrestore(&hw->lock, flags);
}
