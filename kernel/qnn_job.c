// SPDX-License-Identifier: GPL-2.0
/*
 * The job queue: one FIFO per device shared by all files
 * (first come, first served across processes), a worker thread that feeds
 * the hardware one batch at a time (qnn_dma.c starts the prepared next
 * job straight from the completion of the current one), completion into
 * the submitting file's done list (async) or straight to its waiter
 * (sync), and the clean-up when a file closes or the device goes away.
 *
 * All sleeps are interruptible. A job is never freed while the hardware
 * may still write into its buffers: taken from the queue, a job belongs to
 * the worker (qdev->active) until it is handed back.
 */
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "qnn_core.h"
#include "qnn_trace.h"

void qnn_job_free(struct qnn_kjob *job)
{
	qnn_buf_put(job->in);
	qnn_buf_put(job->out);
	kfree(job);
}

static u64 qnn_job_latency(const struct qnn_kjob *job)
{
	return ktime_to_ns(ktime_sub(job->t_done, job->t_submit));
}

/*
 * Hand a job that left the queue or the hardware to whoever waits for it.
 * Called with qdev->lock held.
 */
static void qnn_job_finish(struct qnn_kjob *job, int status)
{
	struct qnn_file *f = job->file;

	job->status = status;
	job->state = QNN_JOB_DONE;
	if (!f) {
		qnn_job_free(job);	/* orphaned: nobody will look */
		return;
	}
	if (!job->sync)
		list_add_tail(&job->node, &f->done);
	wake_up_interruptible_all(&f->wq);
}

static int qnn_job_enqueue(struct qnn_file *f, struct qnn_kjob *job)
{
	struct qnn_device *qdev = f->qdev;
	int ret = 0;

	mutex_lock(&qdev->lock);
	if (qdev->gone) {
		ret = -ENODEV;
	} else if (f->n_jobs >= QNN_MAX_JOBS_PER_FILE ||
		   qdev->n_queued >= QNN_MAX_QUEUE) {
		ret = -EAGAIN;
	} else {
		job->id = atomic64_inc_return(&qdev->next_id);
		job->file = f;
		job->state = QNN_JOB_QUEUED;
		job->t_submit = ktime_get();
		list_add_tail(&job->node, &qdev->queue);
		qdev->n_queued++;
		f->n_jobs++;
		if (!job->sync)
			f->n_async++;
		trace_qnn_job_submit(qdev, job);
	}
	mutex_unlock(&qdev->lock);
	/* After the unlock: the worker's first step is to take the lock. */
	if (!ret)
		wake_up(&qdev->work_wq);
	return ret;
}

int qnn_job_submit(struct qnn_file *f, struct qnn_kjob *job, __u64 *id)
{
	int ret;

	job->sync = false;
	ret = qnn_job_enqueue(f, job);
	if (ret) {
		qnn_job_free(job);
		return ret;
	}
	*id = job->id;	/* the job may be gone already: only read the id */
	return 0;
}

/*
 * A signal while waiting cancels a job that has not started (the call can
 * then be restarted safely); a running job is orphaned and finishes in the
 * background, so the caller gets -EINTR.
 */
static int qnn_job_abandon(struct qnn_file *f, struct qnn_kjob *job)
{
	struct qnn_device *qdev = f->qdev;

	if (job->state == QNN_JOB_QUEUED) {
		list_del(&job->node);
		qdev->n_queued--;
		qnn_stats_canceled(qdev, 1);
		qnn_job_free(job);
		return -ERESTARTSYS;
	}
	job->file = NULL;
	return -EINTR;
}

int qnn_job_run(struct qnn_file *f, struct qnn_kjob *job, __u64 *id,
		__u64 *latency_ns)
{
	struct qnn_device *qdev = f->qdev;
	int ret;

	job->sync = true;
	ret = qnn_job_enqueue(f, job);
	if (ret) {
		qnn_job_free(job);
		return ret;
	}
	*id = job->id;
	ret = wait_event_interruptible(f->wq,
				       READ_ONCE(job->state) == QNN_JOB_DONE);
	mutex_lock(&qdev->lock);
	f->n_jobs--;
	if (job->state != QNN_JOB_DONE) {
		ret = qnn_job_abandon(f, job);
		mutex_unlock(&qdev->lock);
		return ret;
	}
	mutex_unlock(&qdev->lock);
	*latency_ns = qnn_job_latency(job);
	ret = job->status;
	qnn_job_free(job);
	return ret;
}

/*
 * Lockless: evaluated by wait_event() after the task state changed. Every
 * async job ends up on the done list, also after an unbind (as -ENODEV),
 * so waiting while n_async > 0 always ends.
 */
static bool qnn_reap_ready(struct qnn_file *f)
{
	return !list_empty_careful(&f->done) || !READ_ONCE(f->n_async);
}

int qnn_job_reap(struct qnn_file *f, struct qnn_reap *r)
{
	struct qnn_device *qdev = f->qdev;
	struct qnn_kjob *job;
	int ret;

	for (;;) {
		mutex_lock(&qdev->lock);
		job = list_first_entry_or_null(&f->done, struct qnn_kjob, node);
		if (job) {
			list_del(&job->node);
			f->n_jobs--;
			f->n_async--;
			mutex_unlock(&qdev->lock);
			break;
		}
		ret = f->n_async ? 0 : qdev->gone ? -ENODEV : -ENOENT;
		mutex_unlock(&qdev->lock);
		if (ret)
			return ret;
		if (r->flags & QNN_REAP_NONBLOCK)
			return -EAGAIN;
		ret = wait_event_interruptible(f->wq, qnn_reap_ready(f));
		if (ret)
			return ret;
	}
	r->status = job->status;
	r->id = job->id;
	r->user_data = job->user_data;
	r->latency_ns = qnn_job_latency(job);
	r->n_samples = job->n_samples;
	qnn_job_free(job);
	return 0;
}

/* The file is closing: nothing of it may stay queued or reapable. */
void qnn_job_file_release(struct qnn_file *f)
{
	struct qnn_device *qdev = f->qdev;
	struct qnn_kjob *job, *tmp;
	unsigned int canceled = 0;
	LIST_HEAD(dead);

	mutex_lock(&qdev->lock);
	list_del(&f->node);
	list_for_each_entry_safe(job, tmp, &qdev->queue, node) {
		if (job->file != f)
			continue;
		list_move_tail(&job->node, &dead);
		qdev->n_queued--;
		canceled++;
	}
	list_for_each_entry(job, &qdev->active, node)
		if (job->file == f)
			job->file = NULL;	/* the worker frees it */
	list_splice_init(&f->done, &dead);
	mutex_unlock(&qdev->lock);

	qnn_stats_canceled(qdev, canceled);
	list_for_each_entry_safe(job, tmp, &dead, node)
		qnn_job_free(job);
}

/* Take the oldest queued job for the hardware and do its cache cleaning. */
static struct qnn_kjob *qnn_job_next(struct qnn_device *qdev)
{
	struct qnn_kjob *job = NULL;

	mutex_lock(&qdev->lock);
	if (!qdev->gone && !list_empty(&qdev->queue)) {
		job = list_first_entry(&qdev->queue, struct qnn_kjob, node);
		list_move_tail(&job->node, &qdev->active);
		qdev->n_queued--;
		job->state = QNN_JOB_RUNNING;
	}
	mutex_unlock(&qdev->lock);
	if (job) {
		job->limit_ms = qnn_job_timeout(qdev, job);
		qnn_buf_sync_for_device(job);
	}
	return job;
}

/* Book a job that left the hardware and hand it to its owner. */
static void qnn_job_complete(struct qnn_device *qdev, struct qnn_kjob *job,
			     int status)
{
	if (!job->started) {
		job->t_done = ktime_get();
		job->t_start = job->t_done;
	}
	qnn_buf_sync_for_cpu(job);
	job->status = status;
	qnn_stats_job_done(qdev, job);
	trace_qnn_job_done(qdev, job, qnn_job_latency(job));

	mutex_lock(&qdev->lock);
	list_del_init(&job->node);
	qnn_job_finish(job, status);
	mutex_unlock(&qdev->lock);
}

static void qnn_job_ended(struct qnn_device *qdev, struct qnn_kjob *job)
{
	int status = qnn_dma_result(job);

	if (status)
		status = qnn_fault(qdev, job, status, job->started);
	qnn_job_complete(qdev, job, status);
}

static bool qnn_worker_has_work(struct qnn_device *qdev)
{
	return kthread_should_stop() || qnn_dma_has_ended(qdev) ||
	       (READ_ONCE(qdev->n_queued) && qnn_dma_wants_next(qdev));
}

/*
 * One pass: finish what ended (faults first: they stop the channels and
 * reset the core), keep one job synced behind the channels, enforce the
 * deadline of the job that has the core.
 */
static void qnn_worker_step(struct qnn_device *qdev)
{
	struct qnn_kjob *job;
	long wait;

	job = qnn_dma_take_ended(qdev);
	if (job) {
		qnn_job_ended(qdev, job);
		return;
	}
	qnn_dma_offer(qdev, qnn_dma_wants_next(qdev) ? qnn_job_next(qdev) :
						       NULL);
	if (qnn_dma_expired(qdev, &wait)) {
		qnn_dma_stop(qdev, -ETIMEDOUT);
		return;
	}
	wait_event_interruptible_timeout(qdev->work_wq,
					 qnn_worker_has_work(qdev), wait);
}

/* Unbind: what is on or near the hardware fails with -ENODEV. */
static void qnn_worker_drain(struct qnn_device *qdev)
{
	struct qnn_kjob *job;

	qnn_dma_stop(qdev, -ENODEV);
	while ((job = qnn_dma_take_next(qdev)))
		qnn_job_complete(qdev, job, -ENODEV);
	while ((job = qnn_dma_take_ended(qdev))) {
		int status = qnn_dma_result(job);

		if (status)
			qnn_fault(qdev, job, status, false);
		qnn_job_complete(qdev, job, status);
	}
}

static int qnn_worker(void *data)
{
	struct qnn_device *qdev = data;

	while (!kthread_should_stop())
		qnn_worker_step(qdev);
	qnn_worker_drain(qdev);
	return 0;
}

int qnn_worker_start(struct qnn_device *qdev)
{
	struct task_struct *t;

	t = kthread_run(qnn_worker, qdev, "qnn%d", qdev->index);
	if (IS_ERR(t))
		return PTR_ERR(t);
	qdev->worker = t;
	return 0;
}

/*
 * Unbind: fail every queued job with -ENODEV, stop the worker (which
 * aborts the running job the same way) and wake every waiter.
 */
void qnn_job_device_gone(struct qnn_device *qdev)
{
	struct qnn_kjob *job, *tmp;
	unsigned int canceled = 0;
	struct qnn_file *f;

	mutex_lock(&qdev->lock);
	qdev->gone = true;
	list_for_each_entry_safe(job, tmp, &qdev->queue, node) {
		list_del_init(&job->node);
		qdev->n_queued--;
		canceled++;
		qnn_job_finish(job, -ENODEV);
	}
	mutex_unlock(&qdev->lock);
	qnn_stats_canceled(qdev, canceled);

	if (qdev->worker)
		kthread_stop(qdev->worker);
	qdev->worker = NULL;

	mutex_lock(&qdev->lock);
	list_for_each_entry(f, &qdev->files, node)
		wake_up_interruptible_all(&f->wq);
	mutex_unlock(&qdev->lock);
}
