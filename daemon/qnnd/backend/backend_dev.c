// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * backend_dev.c - qnnd's `dev` backend: batches run on /dev/qnnN through
 * the driver's ABI (kernel/uapi/linux/qnn.h).
 *
 * Each slot owns one input and one output DMA buffer allocated from the
 * device and mmap()ed here. When the device streams float32 (the ZCU104
 * design: hls4ml's float AXI wrapper), the daemon writes samples straight
 * from the socket into the mapped input buffer and reads outputs straight
 * from the mapped output buffer: no copy in qnnd. Fixed-point streams get
 * one conversion pass at submit / completion.
 *
 * Slots are queued asynchronously (QNN_IOC_SUBMIT); the device fd itself
 * is the event fd (POLLIN when a job can be reaped), so at least two jobs
 * are in flight while the daemon fills the next one.
 *
 * Every failure of the device becomes QNN_E_BACKEND with a message that
 * says what happened in the user's words (timed out, DMA error, short
 * transfer, device removed) and whether the core needs a reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/qnn.h> /* the driver's ABI: kernel/uapi/linux/qnn.h */

#include "qnn.h"
#include "qnn_fixed.h"

#include "backend.h"
#include "../probes.h" /* qnnd's USDT probes (daemon/qnnd/probes.h) */

#define DEV_DEFAULT_INFLIGHT 4u
#define DEV_MAX_INFLIGHT     16u
#define DEV_SELFTEST_SAMPLES 64u

struct dev_slot {
	struct qnnd_batch b;
	uint32_t in_handle, out_handle;
	void *in_map, *out_map;
	size_t in_size, out_size;
	float *in_stage;     /* fixed-point input streams: floats before conversion */
	uint32_t *out_stage; /* fixed-point output streams: converted float bits */
	int busy;	     /* handed out by get_batch */
	int queued;	     /* submitted, not yet reaped */
	uint64_t job_id;
};

struct dev_backend {
	struct backend base;
	int fd;
	char path[64];
	struct qnn_info info;
	struct qnn_fixed_type in_t, out_t; /* fixed-point streams only */
	uint32_t timeout_ms;
	unsigned n_slots;
	unsigned queued;
	struct dev_slot slots[DEV_MAX_INFLIGHT];
};

/* Messages may be cut at the buffer's end (the journal record stays readable). */
static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
}

static struct dev_backend *to_dev(struct backend *be)
{
	return (struct dev_backend *)be;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	int r;

	do
		r = ioctl(fd, req, arg);
	while (r < 0 && errno == EINTR && req != QNN_IOC_RUN);
	return r;
}

/* What a job's errno means, in the words of the driver's ABI. */
static const char *job_errno_text(int e)
{
	switch (e) {
	case ETIMEDOUT:
		return "timed out (no completion from the DMA; both channels stopped)";
	case EIO:
		return "the DMA engine reported an error";
	case EPROTO:
		return "short transfer: the device returned fewer outputs than the batch";
	case ENODEV:
		return "the device was removed";
	case EINTR:
		return "interrupted";
	default:
		return strerror(e);
	}
}

/* Append ", core needs a reset" when the driver says so (it resets itself if it can). */
static void describe_failure(struct dev_backend *d, char *err, size_t len, uint64_t id, uint32_t n,
			     int e)
{
	struct qnn_info info = {.abi_version = QNN_ABI_VERSION};
	const char *reset = "";

	if (e != ENODEV && xioctl(d->fd, QNN_IOC_INFO, &info) == 0 &&
	    (info.flags & QNN_INFO_NEEDS_RESET))
		reset = (info.flags & QNN_INFO_HAS_RESET_GPIO)
			    ? "; the core is being reset"
			    : "; the core needs a reset (no reset GPIO)";
	set_err(err, len, "%s: job %llu (%u samples) %s%s", d->path, (unsigned long long)id, n,
		job_errno_text(e), reset);
}

static int open_device(struct dev_backend *d, const char *want, char *err, size_t errlen)
{
	if (want && *want)
		snprintf(d->path, sizeof(d->path), "%s", want);
	else if (!backend_dev_present(d->path, sizeof(d->path))) {
		set_err(err, errlen, "no /dev/qnn* device (is the qnn driver loaded?)");
		return QNN_E_BACKEND;
	}
	d->fd = open(d->path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		set_err(err, errlen, "%s: %s%s", d->path, strerror(errno),
			errno == EACCES ? " (qnnd must be in group qnn)" : "");
		return QNN_E_BACKEND;
	}
	d->info.abi_version = QNN_ABI_VERSION;
	if (xioctl(d->fd, QNN_IOC_INFO, &d->info) < 0) {
		if (errno == EPROTONOSUPPORT)
			set_err(err, errlen, "%s: driver ABI %u.%u, qnnd speaks %u.%u", d->path,
				d->info.abi_version >> 16, d->info.abi_version & 0xffff,
				QNN_ABI_MAJOR, QNN_ABI_MINOR);
		else
			set_err(err, errlen, "%s: QNN_IOC_INFO: %s (not a qnn device?)", d->path,
				strerror(errno));
		return QNN_E_BACKEND;
	}
	return 0;
}

/* Stream types must be what the model says, else outputs would be garbage. */
static int check_fixed(const struct qnn_fixed_desc *dev, const struct qnn_fixed_type *model,
		       struct qnn_fixed_type *out)
{
	if (dev->width < 1 || dev->width > 32)
		return -1;
	memset(out, 0, sizeof(*out));
	out->width = dev->width;
	out->is_signed = dev->is_signed;
	out->int_bits = dev->int_bits;
	if (model) {
		if (model->width != dev->width || model->is_signed != dev->is_signed ||
		    model->int_bits != dev->int_bits)
			return -1;
		out->rounding = model->rounding;
		out->overflow = model->overflow;
	}
	return 0;
}

static int check_model(struct dev_backend *d, const struct qnn_model *m, char *err, size_t errlen)
{
	const struct qnn_info *i = &d->info;
	const struct qnn_file_header *h = m->hdr;

	if (i->n_inputs != d->base.n_in || i->n_outputs != d->base.n_out) {
		set_err(
		    err, errlen,
		    "%s streams %u inputs -> %u outputs per sample, the model '%s' has %u -> %u",
		    d->path, i->n_inputs, i->n_outputs, h->name, d->base.n_in, d->base.n_out);
		return QNN_E_BACKEND;
	}
	if ((i->flags & QNN_INFO_HAS_MODEL) && i->model_name[0] &&
	    strncmp(i->model_name, h->name, sizeof(i->model_name)) != 0) {
		set_err(err, errlen, "%s runs model '%.48s' but qnnd was given '%.48s'", d->path,
			i->model_name, h->name);
		return QNN_E_BACKEND;
	}
	if (i->input_type == QNN_TYPE_FIXED &&
	    check_fixed(&i->input_fixed, &h->input_t, &d->in_t)) {
		set_err(err, errlen,
			"%s: input stream ap_fixed<%u,%d> differs from the model's input type",
			d->path, i->input_fixed.width, i->input_fixed.int_bits);
		return QNN_E_BACKEND;
	}
	if (i->output_type == QNN_TYPE_FIXED && check_fixed(&i->output_fixed, NULL, &d->out_t)) {
		set_err(err, errlen, "%s: output stream width %u is not supported", d->path,
			i->output_fixed.width);
		return QNN_E_BACKEND;
	}
	if (i->input_type > QNN_TYPE_FIXED || i->output_type > QNN_TYPE_FIXED) {
		set_err(err, errlen, "%s: unknown stream element type", d->path);
		return QNN_E_BACKEND;
	}
	return 0;
}

static int alloc_map(struct dev_backend *d, size_t size, uint32_t *handle, void **map,
		     size_t *mapped, char *err, size_t errlen)
{
	struct qnn_buf_alloc a = {.size = size};
	void *p;

	if (xioctl(d->fd, QNN_IOC_BUF_ALLOC, &a) < 0) {
		set_err(err, errlen, "%s: cannot allocate a %zu-byte DMA buffer: %s%s", d->path,
			size, strerror(errno), errno == ENOMEM ? " (CMA too small?)" : "");
		return QNN_E_BACKEND;
	}
	*handle = a.handle;
	p = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd, (off_t)a.mmap_offset);
	if (p == MAP_FAILED) {
		set_err(err, errlen, "%s: mmap of a DMA buffer: %s", d->path, strerror(errno));
		return QNN_E_BACKEND;
	}
	*map = p;
	*mapped = a.size;
	return 0;
}

static int setup_slot(struct dev_backend *d, struct dev_slot *s, char *err, size_t errlen)
{
	uint32_t cap = d->base.capacity;
	size_t in_bytes = (size_t)cap * d->base.n_in * QNN_ELEM_BYTES;
	size_t out_bytes = (size_t)cap * d->base.n_out * QNN_ELEM_BYTES;
	int r;

	r = alloc_map(d, in_bytes, &s->in_handle, &s->in_map, &s->in_size, err, errlen);
	if (!r)
		r = alloc_map(d, out_bytes, &s->out_handle, &s->out_map, &s->out_size, err, errlen);
	if (r)
		return r;
	s->b.be = &d->base;
	s->b.capacity = cap;
	s->b.logits = NULL;  /* the device streams out only the softmax */
	s->b.classes = NULL; /* the daemon takes the argmax of the values */
	if (d->info.input_type == QNN_TYPE_FLOAT32) {
		s->b.in = s->in_map; /* zero-copy: socket -> DMA buffer */
	} else {
		s->in_stage = calloc((size_t)cap * d->base.n_in, sizeof(float));
		s->b.in = s->in_stage;
	}
	if (d->info.output_type == QNN_TYPE_FLOAT32) {
		s->b.values = s->out_map;
	} else {
		s->out_stage = calloc((size_t)cap * d->base.n_out, sizeof(uint32_t));
		s->b.values = s->out_stage;
	}
	if (!s->b.in || !s->b.values) {
		set_err(err, errlen, "out of memory");
		return QNN_E_NOMEM;
	}
	return 0;
}

static void free_slot(struct dev_backend *d, struct dev_slot *s)
{
	struct qnn_buf_free f = {0};

	if (s->in_map) {
		munmap(s->in_map, s->in_size);
		f.handle = s->in_handle;
		xioctl(d->fd, QNN_IOC_BUF_FREE, &f);
	}
	if (s->out_map) {
		munmap(s->out_map, s->out_size);
		f.handle = s->out_handle;
		xioctl(d->fd, QNN_IOC_BUF_FREE, &f);
	}
	free(s->in_stage);
	free(s->out_stage);
	memset(s, 0, sizeof(*s));
}

/* The largest batch the device, its buffers and the configuration all allow. */
static uint32_t pick_capacity(const struct dev_backend *d, uint32_t want)
{
	uint64_t per = (uint64_t)(d->base.n_in > d->base.n_out ? d->base.n_in : d->base.n_out) *
		       QNN_ELEM_BYTES;
	uint64_t buf_max = d->info.max_buf_size ? d->info.max_buf_size : QNN_BUF_MAX_SIZE;
	uint64_t cap = want ? want : d->info.max_batch;

	if (d->info.max_batch && cap > d->info.max_batch)
		cap = d->info.max_batch;
	if (cap * per > buf_max)
		cap = buf_max / per;
	return (uint32_t)cap;
}

static unsigned pick_inflight(const struct dev_backend *d, uint32_t want)
{
	unsigned n = want ? want : DEV_DEFAULT_INFLIGHT;

	if (n < 2)
		n = 2; /* one running, one queued behind it: the DMA never idles */
	if (n > DEV_MAX_INFLIGHT)
		n = DEV_MAX_INFLIGHT;
	if (d->info.max_jobs && n > d->info.max_jobs)
		n = d->info.max_jobs;
	if (n > QNN_MAX_BUFS_PER_FILE / 2)
		n = QNN_MAX_BUFS_PER_FILE / 2;
	return n;
}

static void dev_close(struct backend *be);

static int dev_open(struct backend **out, const struct backend_conf *conf, char *err, size_t errlen)
{
	struct dev_backend *d = calloc(1, sizeof(*d));
	int r;

	if (!d) {
		set_err(err, errlen, "out of memory");
		return QNN_E_NOMEM;
	}
	d->fd = -1;
	d->base.ops = &backend_dev_ops;
	d->base.model = conf->model;
	d->base.n_in = conf->model->n_in;
	d->base.n_out = conf->model->n_out;
	d->base.has_logits = false;
	d->base.logits_frac_bits = 0;
	d->timeout_ms =
	    conf->timeout_ms > QNN_MAX_TIMEOUT_MS ? QNN_MAX_TIMEOUT_MS : conf->timeout_ms;

	r = open_device(d, conf->device, err, errlen);
	if (!r)
		r = check_model(d, conf->model, err, errlen);
	if (r)
		goto fail;
	d->base.capacity = pick_capacity(d, conf->max_batch);
	if (d->base.capacity == 0) {
		set_err(err, errlen, "%s: a single sample does not fit a DMA buffer", d->path);
		r = QNN_E_BACKEND;
		goto fail;
	}
	d->n_slots = pick_inflight(d, conf->inflight);
	d->base.max_inflight = d->n_slots;
	for (unsigned i = 0; i < d->n_slots; i++) {
		r = setup_slot(d, &d->slots[i], err, errlen);
		if (r)
			goto fail;
	}
	snprintf(d->base.desc, sizeof(d->base.desc), "dev: %s, batch %u, %u jobs in flight",
		 d->path, d->base.capacity, d->n_slots);
	*out = &d->base;
	return 0;
fail:
	dev_close(&d->base);
	return r;
}

/* Fixed-point streams: floats -> the model's input_t codes (same rule as the engine). */
static void convert_inputs(struct dev_backend *d, struct dev_slot *s)
{
	uint32_t count = s->b.n * d->base.n_in;
	int32_t *dst = s->in_map;
	uint32_t nonfinite = 0;

	for (uint32_t i = 0; i < count; i++) {
		uint32_t bits;
		int nf = 0;

		memcpy(&bits, &s->in_stage[i], sizeof(bits));
		dst[i] = (int32_t)qnn_fixed_from_f32(bits, &d->in_t, &nf);
		nonfinite += (uint32_t)nf;
	}
	s->b.nonfinite = nonfinite;
}

static void convert_outputs(struct dev_backend *d, struct dev_slot *s)
{
	uint32_t count = s->b.n * d->base.n_out;
	const int32_t *src = s->out_map;
	unsigned shift = 32u - d->out_t.width;

	for (uint32_t i = 0; i < count; i++) {
		/* Codes arrive sign- (or zero-) extended; re-extend from the declared width. */
		int64_t code = d->out_t.is_signed
				   ? (int64_t)((int32_t)((uint32_t)src[i] << shift) >> shift)
				   : (int64_t)((uint32_t)src[i] << shift >> shift);
		s->out_stage[i] = qnn_fixed_to_f32(code, &d->out_t);
	}
}

static struct qnnd_batch *dev_get_batch(struct backend *be)
{
	struct dev_backend *d = to_dev(be);

	for (unsigned i = 0; i < d->n_slots; i++) {
		struct dev_slot *s = &d->slots[i];

		if (!s->busy) {
			s->busy = 1;
			s->b.n = 0;
			s->b.status = 0;
			s->b.nonfinite = 0;
			s->b.run_ns = 0;
			s->b.err[0] = '\0';
			return &s->b;
		}
	}
	return NULL;
}

static struct dev_slot *slot_of(struct dev_backend *d, struct qnnd_batch *b)
{
	for (unsigned i = 0; i < d->n_slots; i++)
		if (&d->slots[i].b == b)
			return &d->slots[i];
	return NULL;
}

static int dev_submit(struct backend *be, struct qnnd_batch *b)
{
	struct dev_backend *d = to_dev(be);
	struct dev_slot *s = slot_of(d, b);
	struct qnn_job job = {0};

	if (!s || !s->busy || s->queued || b->n == 0 || b->n > be->capacity)
		return QNN_E_INTERNAL;
	if (d->info.input_type == QNN_TYPE_FIXED)
		convert_inputs(d, s);
	job.n_samples = b->n;
	job.in_handle = s->in_handle;
	job.out_handle = s->out_handle;
	job.timeout_ms = d->timeout_ms;
	job.user_data = (uint64_t)(s - d->slots);
	if (xioctl(d->fd, QNN_IOC_SUBMIT, &job) < 0) {
		int e = errno;

		b->status = QNN_E_BACKEND;
		set_err(b->err, sizeof(b->err), "%s: cannot queue a %u-sample job: %s", d->path,
			b->n, e == ENODEV ? "the device was removed" : strerror(e));
		return QNN_E_BACKEND;
	}
	s->job_id = job.id;
	QNND_PROBE(batch_dev_job, b, job.id, b->n);
	s->queued = 1;
	d->queued++;
	return 0;
}

static int dev_event_fd(struct backend *be)
{
	/* The driver signals POLLIN on the device fd when a job can be reaped. */
	return to_dev(be)->fd;
}

/* Takes one completed job; 1 done, 0 nothing (or not waiting), < 0 error. */
static int reap_one(struct dev_backend *d, uint32_t flags, struct dev_slot **done)
{
	struct qnn_reap r = {.flags = flags};
	struct dev_slot *s;

	if (xioctl(d->fd, QNN_IOC_REAP, &r) < 0)
		return (errno == EAGAIN) ? 0 : -errno;
	if (r.user_data >= d->n_slots || !d->slots[r.user_data].queued)
		return -EBADMSG; /* a job we did not submit: a driver bug */
	s = &d->slots[r.user_data];
	s->queued = 0;
	d->queued--;
	s->b.run_ns = r.latency_ns;
	if (r.status == 0) {
		s->b.status = 0;
		if (d->info.output_type == QNN_TYPE_FIXED)
			convert_outputs(d, s);
	} else {
		s->b.status = QNN_E_BACKEND;
		describe_failure(d, s->b.err, sizeof(s->b.err), r.id, r.n_samples, -r.status);
	}
	*done = s;
	return 1;
}

static int dev_complete(struct backend *be, struct qnnd_batch **done, unsigned max)
{
	struct dev_backend *d = to_dev(be);
	unsigned n = 0;

	while (n < max && d->queued > 0) {
		struct dev_slot *s;
		int r = reap_one(d, QNN_REAP_NONBLOCK, &s);

		if (r == 0)
			break;
		if (r < 0) {
			/*
			 * REAP itself failed (device gone): nothing will ever
			 * complete, so fail every queued job now rather than
			 * leave its clients waiting.
			 */
			for (unsigned i = 0; i < d->n_slots && n < max; i++) {
				s = &d->slots[i];
				if (!s->queued)
					continue;
				s->queued = 0;
				d->queued--;
				s->b.status = QNN_E_BACKEND;
				set_err(s->b.err, sizeof(s->b.err), "%s: cannot reap job %llu: %s",
					d->path, (unsigned long long)s->job_id,
					r == -ENODEV ? "the device was removed" : strerror(-r));
				done[n++] = &s->b;
			}
			break;
		}
		done[n++] = &s->b;
	}
	return (int)n;
}

static void dev_put_batch(struct backend *be, struct qnnd_batch *b)
{
	struct dev_slot *s = slot_of(to_dev(be), b);

	if (s && !s->queued)
		s->busy = 0;
}

/*
 * Known inputs through the device, outputs compared bit for bit with the
 * engine: a wrong bitstream, a model mismatch or a broken DMA path shows
 * here, before READY=1, instead of as wrong answers later.
 */
static int dev_self_test(struct backend *be, char *err, size_t errlen)
{
	struct dev_backend *d = to_dev(be);
	struct qnnd_batch *b = dev_get_batch(be);
	uint32_t n = be->capacity < DEV_SELFTEST_SAMPLES ? be->capacity : DEV_SELFTEST_SAMPLES;
	uint32_t *want = NULL;
	struct qnnd_batch *done[1];
	int r = QNN_E_BACKEND;

	if (!b)
		return QNN_E_INTERNAL;
	want = malloc((size_t)n * be->n_out * sizeof(*want));
	if (!want) {
		set_err(err, errlen, "out of memory");
		r = QNN_E_NOMEM;
		goto out;
	}
	backend_test_pattern(b->in, n, be->n_in, 0x5eed);
	if (backend_reference_run(be->model, b->in, n, want, NULL, NULL) != 0) {
		set_err(err, errlen, "the reference engine failed on the self-test inputs");
		goto out;
	}
	b->n = n;
	if (dev_submit(be, b) != 0) {
		set_err(err, errlen, "self-test: %s", b->err);
		goto out;
	}
	while (dev_complete(be, done, 1) == 0) {
		struct dev_slot *s;
		int k = reap_one(d, 0, &s); /* blocking: the driver's timeout bounds it */

		if (k == 1) {
			done[0] = &s->b;
			break;
		}
		if (k < 0) {
			set_err(err, errlen, "self-test: %s: cannot reap: %s", d->path,
				strerror(-k));
			goto out;
		}
	}
	if (b->status != 0) {
		set_err(err, errlen, "self-test: %s", b->err);
		goto out;
	}
	for (uint32_t i = 0; i < n * be->n_out; i++) {
		if (b->values[i] != want[i]) {
			set_err(err, errlen,
				"self-test: %s output %u of sample %u is 0x%08x, the engine says "
				"0x%08x (wrong bitstream or model?)",
				d->path, i % be->n_out, i / be->n_out, b->values[i], want[i]);
			goto out;
		}
	}
	r = 0;
out:
	free(want);
	dev_put_batch(be, b);
	return r;
}

static void dev_close(struct backend *be)
{
	struct dev_backend *d = to_dev(be);

	if (!d)
		return;
	/* Jobs still queued finish (or time out in the driver) before their buffers go. */
	while (d->fd >= 0 && d->queued > 0) {
		struct dev_slot *s;

		if (reap_one(d, 0, &s) < 0)
			break;
	}
	for (unsigned i = 0; i < DEV_MAX_INFLIGHT; i++)
		if (d->fd >= 0)
			free_slot(d, &d->slots[i]);
	if (d->fd >= 0)
		close(d->fd);
	free(d);
}

const struct backend_ops backend_dev_ops = {
    .name = "dev",
    .open = dev_open,
    .self_test = dev_self_test,
    .get_batch = dev_get_batch,
    .submit = dev_submit,
    .event_fd = dev_event_fd,
    .complete = dev_complete,
    .put_batch = dev_put_batch,
    .close = dev_close,
};
