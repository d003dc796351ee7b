// SPDX-License-Identifier: GPL-2.0
/*
 * One batch = one S2MM + one MM2S transfer on the AXI DMA
 * (semantics.md section 5). The core echoes TLAST of the last input beat,
 * and in simple mode the DMA raises TLAST at the end of each MM2S
 * transfer, so a batch sent as one transfer comes back as one packet.
 * S2MM is queued first and sized for the whole batch: an S2MM started
 * after the core already streams, or shorter than the packet, hangs or
 * truncates the stream.
 */
#include <linux/dmaengine.h>
#include <linux/platform_device.h>

#include "qnn_core.h"

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

static int qnn_dma_errno(const struct dmaengine_result *res)
{
	if (!res || res->result == DMA_TRANS_NOERROR)
		return 0;
	return -EIO;	/* read/write failure or abort inside the engine */
}

static void qnn_dma_complete(struct qnn_device *qdev, unsigned int bit,
			     const struct dmaengine_result *res)
{
	struct qnn_hw *hw = &qdev->hw;
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	if (hw->active) {
		hw->done |= bit;
		if (bit == QNN_HW_TX_DONE) {
			hw->tx_status = qnn_dma_errno(res);
			hw->tx_residue = res ? res->residue : 0;
		} else {
			hw->rx_status = qnn_dma_errno(res);
			hw->rx_residue = res ? res->residue : 0;
		}
	}
	spin_unlock_irqrestore(&hw->lock, flags);
	wake_up(&hw->wq);
}

static void qnn_dma_tx_done(void *param, const struct dmaengine_result *res)
{
	qnn_dma_complete(param, QNN_HW_TX_DONE, res);
}

static void qnn_dma_rx_done(void *param, const struct dmaengine_result *res)
{
	qnn_dma_complete(param, QNN_HW_RX_DONE, res);
}

static void qnn_dma_arm(struct qnn_hw *hw, bool active)
{
	unsigned long flags;

	spin_lock_irqsave(&hw->lock, flags);
	hw->active = active;
	hw->done = 0;
	hw->tx_status = 0;
	hw->rx_status = 0;
	hw->tx_residue = 0;
	hw->rx_residue = 0;
	spin_unlock_irqrestore(&hw->lock, flags);
}

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
 * Queue and start both transfers. On failure nothing has moved yet and
 * both channels are idle again.
 */
int qnn_dma_start(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct dma_async_tx_descriptor *rxd, *txd;
	dma_cookie_t rxc, txc;

	qnn_dma_arm(&qdev->hw, true);
	rxd = qnn_dma_prep(qdev->rx, job->out->dma + job->out_off,
			   job->out_len, DMA_DEV_TO_MEM, qnn_dma_rx_done, qdev);
	txd = rxd ? qnn_dma_prep(qdev->tx, job->in->dma + job->in_off,
				 job->in_len, DMA_MEM_TO_DEV, qnn_dma_tx_done,
				 qdev) : NULL;
	if (!txd)
		goto err;
	rxc = dmaengine_submit(rxd);
	txc = dmaengine_submit(txd);
	if (dma_submit_error(rxc) || dma_submit_error(txc))
		goto err;
	dma_async_issue_pending(qdev->rx);
	dma_async_issue_pending(qdev->tx);
	return 0;
err:
	/* Frees descriptors that were prepared or submitted but not issued. */
	qnn_dma_stop(qdev);
	return -EIO;
}

/* Stop feeding the core first, then abandon the output packet. */
void qnn_dma_stop(struct qnn_device *qdev)
{
	dmaengine_terminate_sync(qdev->tx);
	dmaengine_terminate_sync(qdev->rx);
	qnn_dma_arm(&qdev->hw, false);
}

bool qnn_dma_finished(struct qnn_device *qdev)
{
	struct qnn_hw *hw = &qdev->hw;
	unsigned long flags;
	bool fin;

	spin_lock_irqsave(&hw->lock, flags);
	fin = hw->done == (QNN_HW_TX_DONE | QNN_HW_RX_DONE) ||
	      hw->tx_status || hw->rx_status;
	spin_unlock_irqrestore(&hw->lock, flags);
	return fin;
}

/*
 * 0, -EIO for an error completion, -EPROTO when a transfer moved fewer
 * bytes than the batch (a short packet: the core lost or gained a partial
 * image). Residues are only known where the engine reports them.
 */
int qnn_dma_result(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct qnn_hw *hw = &qdev->hw;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&hw->lock, flags);
	if (hw->tx_status || hw->rx_status)
		ret = -EIO;
	else if (hw->tx_residue || hw->rx_residue)
		ret = -EPROTO;
	else
		ret = 0;
	hw->active = false;
	spin_unlock_irqrestore(&hw->lock, flags);
	return ret;
}
