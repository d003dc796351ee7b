// SPDX-License-Identifier: GPL-2.0
/*
 * How long a job may take, and what a failed job does to
 * the device.
 *
 * A DMA stream fails in ways that never complete on their own (missing
 * TLAST, S2MM started late, a stalled core), so every job has a deadline
 * that grows with its batch. When a job fails after data started moving,
 * both channels are terminated and the core is presumed to hold a partial
 * image: its line buffers and counters are misaligned until the PL is
 * reset, so the device is flagged and reset through reset-gpios when the
 * board wires one. The next job is served either way.
 */
#include <linux/delay.h>
#include <linux/gpio/consumer.h>
#include <linux/jiffies.h>
#include <linux/math64.h>

#include "qnn_core.h"

/* Upper bound for a computed (not explicit) timeout. */
#define QNN_TIMEOUT_CAP_MS (10 * 60 * 1000)

/* Milliseconds the job may take on the hardware. */
u32 qnn_job_timeout(struct qnn_device *qdev, struct qnn_kjob *job)
{
	u64 ms = job->timeout_ms;

	if (!ms) {
		u32 base, per;

		spin_lock(&qdev->stats_lock);
		base = qdev->timeout_base_ms;
		per = qdev->timeout_per_sample_us;
		spin_unlock(&qdev->stats_lock);
		ms = base + div_u64((u64)job->n_samples * per + 999, 1000);
		ms = min_t(u64, ms, QNN_TIMEOUT_CAP_MS);
	}
	return ms;
}

/*
 * Pulse the core's reset line. Without one the flag stays until an
 * administrator reports an external reset (netlink QNN_SET_RESET_CORE or
 * sysfs "reset"), e.g. after reprogramming the bitstream.
 */
int qnn_core_reset(struct qnn_device *qdev)
{
	struct gpio_desc *gpio;

	mutex_lock(&qdev->lock);
	gpio = qdev->gone ? NULL : qdev->reset_gpio;
	if (gpio) {
		/* proc_sys_reset wants >= 16 slow clocks; 100 us is plenty. */
		gpiod_set_value_cansleep(gpio, 1);
		usleep_range(100, 200);
		gpiod_set_value_cansleep(gpio, 0);
		qdev->needs_reset = false;
	}
	mutex_unlock(&qdev->lock);
	if (!gpio)
		return -EOPNOTSUPP;
	spin_lock(&qdev->stats_lock);
	qdev->stats.resets++;
	spin_unlock(&qdev->stats_lock);
	qnn_netlink_event(qdev, QNN_EVENT_RESET, 0, 0);
	return 0;
}

/* An administrator asks for a reset: pulse the line, or take note of one. */
void qnn_reset_request(struct qnn_device *qdev)
{
	if (qnn_core_reset(qdev) != -EOPNOTSUPP)
		return;
	mutex_lock(&qdev->lock);
	qdev->needs_reset = false;
	mutex_unlock(&qdev->lock);
	spin_lock(&qdev->stats_lock);
	qdev->stats.resets++;
	spin_unlock(&qdev->stats_lock);
	qnn_netlink_event(qdev, QNN_EVENT_RESET, 0, 0);
}

/*
 * Handle a failed job: stop what is left of its transfers (so no callback
 * of it runs later), flag and reset the core when data may have moved,
 * announce it. On unbind (-ENODEV) the worker stopped the channels
 * already and the core is left alone. Returns the job's status.
 */
int qnn_fault(struct qnn_device *qdev, struct qnn_kjob *job, int status,
	      bool started)
{
	u32 event = status == -ETIMEDOUT ? QNN_EVENT_TIMEOUT :
					   QNN_EVENT_JOB_ERROR;

	if (status != -ENODEV)
		qnn_dma_stop(qdev, 0);	/* the job behind it runs again */
	if (started) {
		mutex_lock(&qdev->lock);
		qdev->needs_reset = true;
		mutex_unlock(&qdev->lock);
	}
	dev_warn_ratelimited(&qdev->dev, "job %llu (%u samples): %s (%d)%s\n",
			     job->id, job->n_samples,
			     status == -ETIMEDOUT ? "timeout" :
			     status == -EPROTO ? "short transfer" :
			     status == -ENODEV ? "device removed" :
			     "DMA error", status,
			     started ? ", core needs a reset" : "");
	qnn_netlink_event(qdev, event, job->id, status);
	if (started && status != -ENODEV)
		qnn_core_reset(qdev);
	return status;
}
