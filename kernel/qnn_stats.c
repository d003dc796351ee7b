// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device counters shown by sysfs and netlink. Updated
 * once per job by the worker, read as one consistent snapshot.
 */
#include <linux/math64.h>
#include <linux/string.h>

#include "qnn_core.h"

void qnn_stats_job_done(struct qnn_device *qdev, struct qnn_kjob *job)
{
	struct qnn_stats *s = &qdev->stats;
	u64 busy = ktime_to_ns(ktime_sub(job->t_done, job->t_start));
	u64 lat = ktime_to_ns(ktime_sub(job->t_done, job->t_submit));

	spin_lock(&qdev->stats_lock);
	s->jobs++;
	s->busy_ns += busy;
	if (job->status) {
		s->errors++;
		if (job->status == -ETIMEDOUT)
			s->timeouts++;
		else if (job->status == -EIO)
			s->dma_errors++;
		else if (job->status == -EPROTO)
			s->proto_errors++;
	} else {
		s->samples += job->n_samples;
		s->bytes_in += job->in_len;
		s->bytes_out += job->out_len;
		s->lat_last_ns = lat;
		s->lat_sum_ns += lat;
		s->lat_count++;
		s->lat_max_ns = max(s->lat_max_ns, lat);
	}
	spin_unlock(&qdev->stats_lock);
}

void qnn_stats_canceled(struct qnn_device *qdev, unsigned int n)
{
	spin_lock(&qdev->stats_lock);
	qdev->stats.canceled += n;
	spin_unlock(&qdev->stats_lock);
}

void qnn_stats_snapshot(struct qnn_device *qdev, struct qnn_stats *s)
{
	spin_lock(&qdev->stats_lock);
	*s = qdev->stats;
	spin_unlock(&qdev->stats_lock);
}

void qnn_stats_reset(struct qnn_device *qdev)
{
	spin_lock(&qdev->stats_lock);
	memset(&qdev->stats, 0, sizeof(qdev->stats));
	spin_unlock(&qdev->stats_lock);
}

u64 qnn_stats_lat_avg(const struct qnn_stats *s)
{
	return s->lat_count ? div64_u64(s->lat_sum_ns, s->lat_count) : 0;
}
