// SPDX-License-Identifier: GPL-2.0
/*
 * test_abi.c - the /dev/qnn ABI: the version handshake, the description,
 * and every kind of bad argument (sizes, overflow, alignment, ranges,
 * unknown flags, reserved fields, unknown or freed buffers, bad pointers)
 * rejected with its documented errno without running anything; then a
 * valid job that writes exactly its output range.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qg.h"

static void check_info(struct qg_dev *d)
{
	struct qnn_info info;
	char model[64] = "";

	memset(&info, 0, sizeof(info));
	info.abi_version = ((QNN_ABI_MAJOR + 1) << 16);
	qg_check(qg_ioctl(d->fd, QNN_IOC_INFO, &info) == -EPROTONOSUPPORT,
		 "a newer major version must be refused");
	qg_check(info.abi_version == QNN_ABI_VERSION,
		 "the refusal reports the driver's version (got %#x)",
		 info.abi_version);
	memset(&info, 0, sizeof(info));
	info.abi_version = QNN_ABI_VERSION;
	info.reserved[3] = 1;
	qg_check(qg_ioctl(d->fd, QNN_IOC_INFO, &info) == -EINVAL,
		 "reserved info fields must be zero");
	memset(&info, 0, sizeof(info));
	info.abi_version = QNN_ABI_VERSION + 7;	/* a newer minor is fine */
	qg_check(qg_ioctl(d->fd, QNN_IOC_INFO, &info) == 0, "newer minor");

	/* The description matches the DT overlay and the model file. */
	qg_check(info.n_inputs == 784 && info.n_outputs == 10,
		 "stream is %u -> %u", info.n_inputs, info.n_outputs);
	qg_check(info.input_type == QNN_TYPE_FLOAT32 &&
		 info.output_type == QNN_TYPE_FLOAT32, "float32 I/O");
	qg_check(info.max_batch == 1024, "max_batch %u", info.max_batch);
	qg_check(info.io_align == QNN_IO_ALIGN, "io_align");
	qg_check(info.max_buf_size == QNN_BUF_MAX_SIZE, "max_buf_size");
	qg_check(info.max_jobs == QNN_MAX_JOBS_PER_FILE, "max_jobs");
	qg_check(info.dev_index == 0, "dev_index %u", info.dev_index);
	qg_check(info.flags & QNN_INFO_HAS_RESET_GPIO, "reset gpio flag");
	qg_check(info.flags & QNN_INFO_HAS_MODEL, "model flag");
	qg_check(info.model_in_shape[0] == 28 && info.model_in_shape[1] == 28 &&
		 info.model_in_shape[2] == 1, "model input shape");
	qg_sysfs_str("model_name", model, sizeof(model));
	qg_check(model[0] && !strcmp(model, info.model_name),
		 "model name \"%s\" vs sysfs \"%s\"", info.model_name, model);
	qg_check(qg_ioctl(d->fd, QNN_IOC_INFO, (void *)16) == -EFAULT,
		 "bad pointer -> EFAULT");
	qg_check(qg_ioctl(d->fd, _IOWR(QNN_IOC_MAGIC, 0x3f, struct qnn_info),
			  &info) == -ENOTTY, "unknown ioctl -> ENOTTY");
	qg_check(qg_ioctl(d->fd, _IOWR(QNN_IOC_MAGIC, 0x00, struct qnn_reap),
			  &info) == -ENOTTY, "wrong size -> ENOTTY");
}

static void check_buffers(struct qg_dev *d)
{
	struct qnn_buf_alloc a;
	struct qnn_buf_free f;
	struct qg_buf many[QNN_MAX_BUFS_PER_FILE];
	struct qg_buf b;
	void *p;
	int n = 0, ret;

	memset(&a, 0, sizeof(a));
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == -EINVAL, "size 0");
	a.size = QNN_BUF_MAX_SIZE + 1;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == -EINVAL, "too big");
	a.size = UINT64_MAX;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == -EINVAL, "huge");
	a.size = 4096;
	a.flags = 0x80;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == -EINVAL, "flags");
	a.flags = 0;
	a.reserved = 1;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == -EINVAL, "reserved");

	/* Sizes round up to pages; the handle maps at its offset only. */
	a.reserved = 0;
	a.size = 100;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) == 0, "alloc 100");
	qg_check(a.size == (uint64_t)getpagesize(), "rounded %llu",
		 (unsigned long long)a.size);
	p = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_PRIVATE, d->fd,
		 (off_t)a.mmap_offset);
	qg_check(p == MAP_FAILED && errno == EINVAL, "MAP_PRIVATE refused");
	p = mmap(NULL, 2 * a.size, PROT_READ, MAP_SHARED, d->fd,
		 (off_t)a.mmap_offset);
	qg_check(p == MAP_FAILED && errno == EINVAL, "map past the end");
	p = mmap(NULL, a.size, PROT_READ, MAP_SHARED, d->fd,
		 (off_t)(a.mmap_offset + (40ull << 25)));
	qg_check(p == MAP_FAILED && errno == ENOENT, "map of no buffer");
	p = mmap(NULL, a.size, PROT_READ, MAP_SHARED, d->fd,
		 (off_t)a.mmap_offset);
	qg_check(p != MAP_FAILED, "map");
	if (p != MAP_FAILED) {
		qg_check(((const char *)p)[0] == 0 &&
			 !memcmp(p, (const char *)p + 1, a.size - 1),
			 "a new buffer is zeroed");
		munmap(p, a.size);
	}
	memset(&f, 0, sizeof(f));
	f.handle = a.handle;
	f.flags = 1;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE, &f) == -EINVAL, "free flags");
	f.flags = 0;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE, &f) == 0, "free");
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE, &f) == -ENOENT,
		 "double free -> ENOENT");
	f.handle = 0xffffffff;
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE, &f) == -ENOENT,
		 "unknown handle -> ENOENT");

	/* The per-file limit. */
	for (n = 0; n < QNN_MAX_BUFS_PER_FILE; n++) {
		ret = qg_buf_alloc(d, 4096, &many[n]);
		if (!qg_check(ret == 0, "buffer %d: %d", n, ret))
			break;
	}
	ret = qg_buf_alloc(d, 4096, &b);
	qg_check(ret == -ENOSPC, "buffer %d: %d, want ENOSPC", n + 1, ret);
	while (n--)
		qg_buf_free(d, &many[n]);
}

/* Each bad job is refused before it runs: the device stays idle. */
static void check_bad_jobs(struct qg_dev *d, struct qg_buf *in,
			   struct qg_buf *out)
{
	uint64_t jobs0 = qg_sysfs_u64("jobs");
	uint64_t big = 4ull << 20;	/* in is 1 MiB */
	struct qnn_reap r;
	struct qnn_job j;
	struct qg_buf gone;
	uint32_t handle;

#define BAD(expect, what, ...) do {					\
		qg_job(&j, 1, in, 0, out, 0);				\
		__VA_ARGS__;						\
		qg_check(qg_run(d, &j) == (expect), "run: %s", what);	\
		qg_job(&j, 1, in, 0, out, 0);				\
		__VA_ARGS__;						\
		qg_check(qg_submit(d, &j) == (expect), "submit: %s", what); \
	} while (0)

	BAD(-EINVAL, "unknown flag", j.flags = 0x100);
	BAD(-EINVAL, "flag bit 31", j.flags = 1u << 31);
	BAD(-EINVAL, "reserved0", j.reserved0 = 1);
	BAD(-EINVAL, "reserved[1]", j.reserved[1] = 1);
	BAD(-EINVAL, "0 samples", j.n_samples = 0);
	BAD(-EINVAL, "batch > max", j.n_samples = d->info.max_batch + 1);
	BAD(-EINVAL, "huge batch", j.n_samples = UINT32_MAX);
	BAD(-EINVAL, "timeout too long", j.timeout_ms = QNN_MAX_TIMEOUT_MS + 1);
	BAD(-EINVAL, "misaligned input", j.in_offset = 4);
	BAD(-EINVAL, "misaligned output", j.out_offset = QNN_IO_ALIGN / 2);
	BAD(-EINVAL, "input past the end", j.n_samples = d->info.max_batch);
	BAD(-EINVAL, "output past the end",
	    j.out_offset = out->size - QNN_IO_ALIGN; j.n_samples = 4);
	BAD(-EINVAL, "input offset past the end", j.in_offset = big << 4);
	BAD(-EOVERFLOW, "offset + length overflows",
	    j.in_offset = UINT64_MAX & ~(uint64_t)(QNN_IO_ALIGN - 1));
	BAD(-EOVERFLOW, "output offset overflows",
	    j.out_offset = UINT64_MAX & ~(uint64_t)(QNN_IO_ALIGN - 1);
	    j.n_samples = 4);	/* 160 bytes: past 2^64 */
	BAD(-EINVAL, "output offset at the top, no overflow",
	    j.out_offset = UINT64_MAX & ~(uint64_t)(QNN_IO_ALIGN - 1));
	BAD(-ENOENT, "unknown input handle", j.in_handle = 999);
	BAD(-ENOENT, "unknown output handle", j.out_handle = 0);
	BAD(-EINVAL, "input and output overlap",
	    j.out_handle = in->handle; j.out_offset = QNN_IO_ALIGN);

	/* A freed (and unmapped) buffer is gone for new jobs. */
	qg_check(qg_buf_alloc(d, 65536, &gone) == 0, "alloc");
	handle = gone.handle;
	qg_buf_free(d, &gone);
	qg_job(&j, 1, in, 0, out, 0);
	j.out_handle = handle;
	qg_check(qg_run(d, &j) == -ENOENT, "freed buffer -> ENOENT");
	qg_check(qg_run(d, (void *)8) == -EFAULT, "bad pointer -> EFAULT");

	qg_check(qg_reap(d, &r, true) == -ENOENT, "reap with none queued");
	memset(&r, 0, sizeof(r));
	r.flags = 2;
	qg_check(qg_ioctl(d->fd, QNN_IOC_REAP, &r) == -EINVAL, "reap flags");
	memset(&r, 0, sizeof(r));
	r.reserved[0] = 1;
	qg_check(qg_ioctl(d->fd, QNN_IOC_REAP, &r) == -EINVAL, "reap reserved");
	qg_check(qg_sysfs_u64("jobs") == jobs0,
		 "refused jobs never reach the device (%llu -> %llu)",
		 (unsigned long long)jobs0,
		 (unsigned long long)qg_sysfs_u64("jobs"));
#undef BAD
}

/* A valid job writes its output range and not one byte more. */
static void check_good_job(struct qg_dev *d, struct qg_buf *in,
			   struct qg_buf *out)
{
	const uint32_t n = 5;
	const uint64_t out_off = 3 * QNN_IO_ALIGN;
	const uint8_t *o = out->map;
	size_t len = n * d->out_bytes, i, untouched = 0, same = 0;
	struct qnn_job j;
	struct qnn_reap r;
	struct pollfd pfd = { .fd = d->fd, .events = POLLIN };
	float *x = in->map;
	int ret;

	for (i = 0; i < n * d->info.n_inputs; i++)
		x[i] = (float)((i * 2654435761u) % 1000) / 1000.0f;
	memset(out->map, 0xa5, out->size);
	qg_job(&j, n, in, 0, out, out_off);
	j.user_data = 0x1234;
	ret = qg_run(d, &j);
	qg_check(ret == 0, "run: %d", ret);
	qg_check(j.id > 0 && j.latency_ns > 0, "run reports id %llu and latency",
		 (unsigned long long)j.id);
	for (i = 0; i < out->size; i++) {
		bool inside = i >= out_off && i < out_off + len;

		if (!inside && o[i] != 0xa5)
			untouched++;
		if (inside && o[i] == 0xa5)
			same++;
	}
	qg_check(untouched == 0, "%zu bytes outside the output range written",
		 untouched);
	qg_check(same < len / 4, "the output range was not written");

	/* The same through submit + poll + reap, with user_data. */
	qg_check(qg_submit(d, &j) == 0, "submit");
	qg_check(poll(&pfd, 1, 30000) == 1 && (pfd.revents & POLLIN),
		 "poll: POLLIN");
	qg_check(qg_reap(d, &r, false) == 0, "reap");
	qg_check(r.status == 0 && r.user_data == 0x1234 && r.n_samples == n &&
		 r.id == j.id, "reap result (status %d)", r.status);
	qg_check(qg_reap(d, &r, false) == -ENOENT, "nothing left to reap");
}

/* Freeing a handle keeps the mapping and in-flight use valid. */
static void check_free_while_mapped(struct qg_dev *d)
{
	struct qg_buf in, out;
	struct qnn_job j;
	struct qnn_reap r;
	int ret;

	if (qg_buf_alloc(d, 2 * 1024 * 1024, &in) ||
	    qg_buf_alloc(d, 65536, &out)) {
		qg_check(false, "alloc");
		return;
	}
	memset(in.map, 0, in.size);
	qg_job(&j, 64, &in, 0, &out, 0);
	qg_check(qg_submit(d, &j) == 0, "submit");
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE,
			  &(struct qnn_buf_free){ .handle = in.handle }) == 0,
		 "free the input handle while its job is queued");
	qg_check(qg_ioctl(d->fd, QNN_IOC_BUF_FREE,
			  &(struct qnn_buf_free){ .handle = out.handle }) == 0,
		 "free the output handle while its job is queued");
	ret = qg_reap(d, &r, true);
	qg_check(ret == 0 && r.status == 0, "the job still completes (%d/%d)",
		 ret, r.status);
	((volatile char *)out.map)[0] = 1;	/* still mapped, still ours */
	qg_check(((volatile char *)in.map)[4096] == 0, "mapping readable");
	munmap(in.map, in.size);
	munmap(out.map, out.size);
}

int main(void)
{
	struct qg_dev d;
	struct qg_buf in, out;
	int ret;

	qg_begin("abi");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open %s: %s", QG_DEV, strerror(-ret));
	qg_relax_timeouts();
	check_info(&d);
	check_buffers(&d);
	if (qg_buf_alloc(&d, 1 << 20, &in) || qg_buf_alloc(&d, 65536, &out))
		qg_die("cannot allocate the test buffers");
	check_bad_jobs(&d, &in, &out);
	check_good_job(&d, &in, &out);
	check_free_while_mapped(&d);
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);
	return qg_finish();
}
