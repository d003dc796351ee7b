// SPDX-License-Identifier: GPL-2.0
/*
 * DMA buffers a process mmaps.
 *
 * The accelerator's AXI DMA runs in simple (register) mode, so every
 * transfer needs physically contiguous memory: buffers come from
 * dma_alloc_pages() (CMA for large ones) on the DMA controller's device.
 * That memory is ordinary cached memory, mapped once for the buffer's
 * lifetime; the design is not cache-coherent, so each job cleans its input
 * range before the DMA and invalidates its output range around it.
 * Uncached (coherent) memory would make every CPU read of the results slow.
 */
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "qnn_core.h"

/* mmap offset of a buffer: its handle times the largest buffer size. */
#define QNN_MMAP_SHIFT 25
static_assert(QNN_BUF_MAX_SIZE == 1ULL << QNN_MMAP_SHIFT);
#define QNN_MMAP_PGSHIFT (QNN_MMAP_SHIFT - PAGE_SHIFT)

u64 qnn_buf_mmap_offset(u32 handle)
{
	return (u64)handle << QNN_MMAP_SHIFT;
}

static void qnn_buf_release(struct kref *ref)
{
	struct qnn_buf *buf = container_of(ref, struct qnn_buf, ref);

	dma_free_pages(buf->dma_dev, buf->size, buf->pages, buf->dma,
		       DMA_BIDIRECTIONAL);
	put_device(buf->dma_dev);
	kfree(buf);
}

void qnn_buf_put(struct qnn_buf *buf)
{
	if (buf)
		kref_put(&buf->ref, qnn_buf_release);
}

static struct qnn_buf *qnn_buf_create(struct device *dma_dev, size_t size)
{
	struct qnn_buf *buf;

	buf = kzalloc(sizeof(*buf), GFP_KERNEL);
	if (!buf)
		return NULL;
	buf->pages = dma_alloc_pages(dma_dev, size, &buf->dma,
				     DMA_BIDIRECTIONAL,
				     GFP_KERNEL | __GFP_NOWARN);
	if (!buf->pages) {
		kfree(buf);
		return NULL;
	}
	/* Never hand stale kernel data to user space. */
	memset(page_address(buf->pages), 0, size);
	dma_sync_single_for_device(dma_dev, buf->dma, size, DMA_TO_DEVICE);
	buf->size = size;
	buf->dma_dev = get_device(dma_dev);
	kref_init(&buf->ref);
	return buf;
}

/* Returns the new buffer (the handle holds the only reference). */
struct qnn_buf *qnn_buf_alloc(struct qnn_file *f, u64 size)
{
	struct qnn_buf *buf;
	int id;

	if (size == 0 || size > QNN_BUF_MAX_SIZE)
		return ERR_PTR(-EINVAL);
	mutex_lock(&f->buf_lock);
	if (f->n_bufs >= QNN_MAX_BUFS_PER_FILE) {
		buf = ERR_PTR(-ENOSPC);
		goto out;
	}
	buf = qnn_buf_create(f->qdev->dma_dev, PAGE_ALIGN(size));
	if (!buf) {
		buf = ERR_PTR(-ENOMEM);
		goto out;
	}
	id = idr_alloc(&f->bufs, buf, 1, QNN_MAX_BUFS_PER_FILE + 1,
		       GFP_KERNEL);
	if (id < 0) {
		qnn_buf_put(buf);
		buf = ERR_PTR(id);
		goto out;
	}
	buf->handle = id;
	f->n_bufs++;
out:
	mutex_unlock(&f->buf_lock);
	return buf;
}

int qnn_buf_free_handle(struct qnn_file *f, u32 handle)
{
	struct qnn_buf *buf;

	mutex_lock(&f->buf_lock);
	buf = handle <= INT_MAX ? idr_remove(&f->bufs, handle) : NULL;
	if (buf)
		f->n_bufs--;
	mutex_unlock(&f->buf_lock);
	if (!buf)
		return -ENOENT;
	qnn_buf_put(buf);
	return 0;
}

/* A new reference to the buffer behind handle, or NULL. */
struct qnn_buf *qnn_buf_lookup(struct qnn_file *f, u32 handle)
{
	struct qnn_buf *buf = NULL;

	if (handle > INT_MAX)
		return NULL;
	mutex_lock(&f->buf_lock);
	buf = idr_find(&f->bufs, handle);
	if (buf)
		kref_get(&buf->ref);
	mutex_unlock(&f->buf_lock);
	return buf;
}

void qnn_buf_release_all(struct qnn_file *f)
{
	struct qnn_buf *buf;
	int id;

	idr_for_each_entry(&f->bufs, buf, id)
		qnn_buf_put(buf);
	idr_destroy(&f->bufs);
	f->n_bufs = 0;
}

static void qnn_vm_open(struct vm_area_struct *vma)
{
	struct qnn_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
}

static void qnn_vm_close(struct vm_area_struct *vma)
{
	qnn_buf_put(vma->vm_private_data);
}

static const struct vm_operations_struct qnn_vm_ops = {
	.open = qnn_vm_open,
	.close = qnn_vm_close,
};

/*
 * The mapping holds a buffer reference, so the pages stay valid after the
 * handle is freed, the file is closed or the device is unbound.
 */
int qnn_buf_mmap(struct qnn_file *f, struct vm_area_struct *vma)
{
	unsigned long handle = vma->vm_pgoff >> QNN_MMAP_PGSHIFT;
	unsigned long pgoff = vma->vm_pgoff & ((1UL << QNN_MMAP_PGSHIFT) - 1);
	unsigned long npages = vma_pages(vma);
	struct qnn_buf *buf;
	int ret;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;	/* a private copy of device memory is useless */
	if (handle > QNN_MAX_BUFS_PER_FILE)
		return -ENOENT;
	buf = qnn_buf_lookup(f, handle);
	if (!buf)
		return -ENOENT;
	if (pgoff >= buf->size >> PAGE_SHIFT ||
	    npages > (buf->size >> PAGE_SHIFT) - pgoff) {
		ret = -EINVAL;
		goto err;
	}
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP | VM_DONTCOPY;
	ret = remap_pfn_range(vma, vma->vm_start,
			      page_to_pfn(buf->pages) + pgoff,
			      npages << PAGE_SHIFT, vma->vm_page_prot);
	if (ret)
		goto err;
	vma->vm_private_data = buf;
	vma->vm_ops = &qnn_vm_ops;
	return 0;
err:
	qnn_buf_put(buf);
	return ret;
}

/* Clean the input lines, and drop dirty output lines before the DMA. */
void qnn_buf_sync_for_device(struct qnn_kjob *job)
{
	dma_sync_single_for_device(job->in->dma_dev, job->in->dma + job->in_off,
				   job->in_len, DMA_TO_DEVICE);
	dma_sync_single_for_device(job->out->dma_dev,
				   job->out->dma + job->out_off, job->out_len,
				   DMA_FROM_DEVICE);
}

/* Drop lines the CPU may have speculatively fetched during the DMA. */
void qnn_buf_sync_for_cpu(struct qnn_kjob *job)
{
	dma_sync_single_for_cpu(job->out->dma_dev, job->out->dma + job->out_off,
				job->out_len, DMA_FROM_DEVICE);
}
