// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/qnnN file operations: per-file contexts, ioctl
 * dispatch and the validation of every argument before anything is
 * queued. The ABI is described in uapi/linux/qnn.h.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "qnn_core.h"

static bool qnn_all_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static int qnn_open(struct inode *inode, struct file *file)
{
	struct qnn_device *qdev = container_of(inode->i_cdev,
					       struct qnn_device, cdev);
	struct qnn_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->qdev = qdev;
	mutex_init(&f->buf_lock);
	idr_init(&f->bufs);
	INIT_LIST_HEAD(&f->done);
	init_waitqueue_head(&f->wq);

	mutex_lock(&qdev->lock);
	if (qdev->gone) {
		mutex_unlock(&qdev->lock);
		kfree(f);
		return -ENODEV;
	}
	get_device(&qdev->dev);
	list_add_tail(&f->node, &qdev->files);
	mutex_unlock(&qdev->lock);

	file->private_data = f;
	return nonseekable_open(inode, file);
}

static int qnn_release(struct inode *inode, struct file *file)
{
	struct qnn_file *f = file->private_data;
	struct qnn_device *qdev = f->qdev;

	qnn_job_file_release(f);
	qnn_buf_release_all(f);
	mutex_destroy(&f->buf_lock);
	kfree(f);
	put_device(&qdev->dev);
	return 0;
}

static void qnn_fill_info(struct qnn_device *qdev, struct qnn_info *info)
{
	info->abi_version = QNN_ABI_VERSION;
	info->flags = 0;
	if (READ_ONCE(qdev->needs_reset))
		info->flags |= QNN_INFO_NEEDS_RESET;
	if (qdev->reset_gpio)
		info->flags |= QNN_INFO_HAS_RESET_GPIO;
	if (qdev->model.present)
		info->flags |= QNN_INFO_HAS_MODEL;
	info->dev_index = qdev->index;
	info->n_inputs = qdev->n_in;
	info->n_outputs = qdev->n_out;
	info->input_type = qdev->in_type;
	info->output_type = qdev->out_type;
	info->input_fixed = qdev->in_fixed;
	info->output_fixed = qdev->out_fixed;
	info->max_batch = qdev->max_batch;
	info->io_align = QNN_IO_ALIGN;
	info->max_jobs = QNN_MAX_JOBS_PER_FILE;
	info->timeout_base_ms = READ_ONCE(qdev->timeout_base_ms);
	info->timeout_per_sample_us = READ_ONCE(qdev->timeout_per_sample_us);
	info->max_queue = QNN_MAX_QUEUE;
	info->max_buf_size = QNN_BUF_MAX_SIZE;
	strscpy(info->model_name, qdev->model.name, sizeof(info->model_name));
	memcpy(info->model_in_shape, qdev->model.in_shape,
	       sizeof(info->model_in_shape));
}

static int qnn_ioctl_info(struct qnn_file *f, void __user *arg)
{
	struct qnn_info info;

	if (copy_from_user(&info, arg, sizeof(info)))
		return -EFAULT;
	if (!qnn_all_zero(info.reserved, sizeof(info.reserved)))
		return -EINVAL;
	if (QNN_ABI_VERSION_MAJOR(info.abi_version) != QNN_ABI_MAJOR) {
		/* Tell the caller which version we speak, then refuse. */
		if (put_user((__u32)QNN_ABI_VERSION,
			     (__u32 __user *)arg))
			return -EFAULT;
		return -EPROTONOSUPPORT;
	}
	memset(&info, 0, sizeof(info));
	qnn_fill_info(f->qdev, &info);
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

static int qnn_ioctl_buf_alloc(struct qnn_file *f, void __user *arg)
{
	struct qnn_buf_alloc req;
	struct qnn_buf *buf;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.reserved)
		return -EINVAL;
	if (READ_ONCE(f->qdev->gone))
		return -ENODEV;
	buf = qnn_buf_alloc(f, req.size);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	req.size = buf->size;
	req.handle = buf->handle;
	req.mmap_offset = qnn_buf_mmap_offset(buf->handle);
	if (copy_to_user(arg, &req, sizeof(req))) {
		qnn_buf_free_handle(f, req.handle);
		return -EFAULT;
	}
	return 0;
}

static int qnn_ioctl_buf_free(struct qnn_file *f, void __user *arg)
{
	struct qnn_buf_free req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.flags)
		return -EINVAL;
	return qnn_buf_free_handle(f, req.handle);
}

/* [off, off + len) inside the buffer, without overflow. */
static int qnn_check_range(const struct qnn_buf *buf, u64 off, u64 len)
{
	u64 end;

	if (!IS_ALIGNED(off, QNN_IO_ALIGN))
		return -EINVAL;
	if (check_add_overflow(off, len, &end))
		return -EOVERFLOW;
	return end > buf->size ? -EINVAL : 0;
}

static int qnn_job_check(struct qnn_device *qdev, struct qnn_kjob *job,
			 const struct qnn_job *a)
{
	u64 in_len, out_len;
	int ret;

	if (check_mul_overflow((u64)a->n_samples, (u64)qdev->n_in *
			       QNN_ELEM_BYTES, &in_len) ||
	    check_mul_overflow((u64)a->n_samples, (u64)qdev->n_out *
			       QNN_ELEM_BYTES, &out_len))
		return -EOVERFLOW;
	ret = qnn_check_range(job->in, a->in_offset, in_len);
	if (ret)
		return ret;
	ret = qnn_check_range(job->out, a->out_offset, out_len);
	if (ret)
		return ret;
	/* The device must not read what it is writing. */
	if (job->in == job->out && a->in_offset < a->out_offset + out_len &&
	    a->out_offset < a->in_offset + in_len)
		return -EINVAL;
	job->in_off = a->in_offset;
	job->out_off = a->out_offset;
	job->in_len = in_len;
	job->out_len = out_len;
	return 0;
}

/* Validate the user's description and build a job holding its buffers. */
static struct qnn_kjob *qnn_job_from_user(struct qnn_file *f,
					  const struct qnn_job *a)
{
	struct qnn_device *qdev = f->qdev;
	struct qnn_kjob *job;
	int ret;

	if (a->flags || a->reserved0 || a->reserved[0] || a->reserved[1])
		return ERR_PTR(-EINVAL);
	if (a->n_samples < 1 || a->n_samples > qdev->max_batch)
		return ERR_PTR(-EINVAL);
	if (a->timeout_ms > QNN_MAX_TIMEOUT_MS)
		return ERR_PTR(-EINVAL);
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);
	job->in = qnn_buf_lookup(f, a->in_handle);
	job->out = qnn_buf_lookup(f, a->out_handle);
	ret = (job->in && job->out) ? qnn_job_check(qdev, job, a) : -ENOENT;
	if (ret) {
		qnn_job_free(job);
		return ERR_PTR(ret);
	}
	INIT_LIST_HEAD(&job->node);
	job->n_samples = a->n_samples;
	job->timeout_ms = a->timeout_ms;
	job->user_data = a->user_data;
	return job;
}

static int qnn_ioctl_job(struct qnn_file *f, void __user *arg, bool sync)
{
	struct qnn_job a;
	struct qnn_kjob *job;
	int ret;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	job = qnn_job_from_user(f, &a);
	if (IS_ERR(job))
		return PTR_ERR(job);
	a.id = 0;
	a.latency_ns = 0;
	/* Both take the job over, whatever they return. */
	if (sync)
		ret = qnn_job_run(f, job, &a.id, &a.latency_ns);
	else
		ret = qnn_job_submit(f, job, &a.id);
	if (ret && !(sync && a.id))
		return ret;
	/* RUN reports id and latency even when the job itself failed. */
	if (copy_to_user(arg, &a, sizeof(a)))
		return -EFAULT;
	return ret;
}

static int qnn_ioctl_reap(struct qnn_file *f, struct file *file,
			  void __user *arg)
{
	struct qnn_reap r;
	int ret;

	if (copy_from_user(&r, arg, sizeof(r)))
		return -EFAULT;
	if ((r.flags & ~QNN_REAP_NONBLOCK) || r.reserved0 || r.reserved[0] ||
	    r.reserved[1])
		return -EINVAL;
	if (file->f_flags & O_NONBLOCK)
		r.flags |= QNN_REAP_NONBLOCK;
	ret = qnn_job_reap(f, &r);
	if (ret)
		return ret;
	return copy_to_user(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static long qnn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct qnn_file *f = file->private_data;
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case QNN_IOC_INFO:
		return qnn_ioctl_info(f, argp);
	case QNN_IOC_BUF_ALLOC:
		return qnn_ioctl_buf_alloc(f, argp);
	case QNN_IOC_BUF_FREE:
		return qnn_ioctl_buf_free(f, argp);
	case QNN_IOC_RUN:
		return qnn_ioctl_job(f, argp, true);
	case QNN_IOC_SUBMIT:
		return qnn_ioctl_job(f, argp, false);
	case QNN_IOC_REAP:
		return qnn_ioctl_reap(f, file, argp);
	default:
		return -ENOTTY;
	}
}

static int qnn_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct qnn_file *f = file->private_data;

	return qnn_buf_mmap(f, vma);
}

static __poll_t qnn_poll(struct file *file, poll_table *wait)
{
	struct qnn_file *f = file->private_data;
	struct qnn_device *qdev = f->qdev;
	__poll_t mask = 0;

	poll_wait(file, &f->wq, wait);
	mutex_lock(&qdev->lock);
	if (!list_empty(&f->done))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (qdev->gone)
		mask |= EPOLLHUP | EPOLLERR;
	else if (f->n_jobs < QNN_MAX_JOBS_PER_FILE &&
		 qdev->n_queued < QNN_MAX_QUEUE)
		mask |= EPOLLOUT | EPOLLWRNORM;
	mutex_unlock(&qdev->lock);
	return mask;
}

const struct file_operations qnn_fops = {
	.owner = THIS_MODULE,
	.open = qnn_open,
	.release = qnn_release,
	.unlocked_ioctl = qnn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = qnn_mmap,
	.poll = qnn_poll,
	.llseek = no_llseek,
};
