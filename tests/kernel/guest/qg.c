// SPDX-License-Identifier: GPL-2.0
/*
 * qg.c - helpers shared by the guest test programs (see qg.h).
 */
#include "qg.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *qg_name = "?";
int qg_failures;

void qg_begin(const char *name)
{
	qg_name = name;
	qg_failures = 0;
	setvbuf(stdout, NULL, _IOLBF, 0);
}

int qg_finish(void)
{
	if (qg_failures) {
		printf("FAIL %s: %d check(s) failed\n", qg_name, qg_failures);
		return 1;
	}
	printf("PASS %s\n", qg_name);
	return 0;
}

bool qg_check_at(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	qg_failures++;
	printf("  %s: check failed at %s:%d: ", qg_name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

void qg_die(const char *fmt, ...)
{
	va_list ap;

	printf("FAIL %s: ", qg_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

void qg_log(const char *fmt, ...)
{
	va_list ap;

	printf("  %s: ", qg_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

int qg_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

int qg_open(struct qg_dev *d, const char *path)
{
	int ret;

	memset(d, 0, sizeof(*d));
	d->fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->fd < 0)
		return -errno;
	d->info.abi_version = QNN_ABI_VERSION;
	ret = qg_ioctl(d->fd, QNN_IOC_INFO, &d->info);
	if (ret) {
		close(d->fd);
		d->fd = -1;
		return ret;
	}
	d->in_bytes = (size_t)d->info.n_inputs * QNN_ELEM_BYTES;
	d->out_bytes = (size_t)d->info.n_outputs * QNN_ELEM_BYTES;
	return 0;
}

void qg_close(struct qg_dev *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int qg_buf_alloc(struct qg_dev *d, uint64_t size, struct qg_buf *b)
{
	struct qnn_buf_alloc a = { .size = size };
	int ret;

	memset(b, 0, sizeof(*b));
	ret = qg_ioctl(d->fd, QNN_IOC_BUF_ALLOC, &a);
	if (ret)
		return ret;
	b->handle = a.handle;
	b->size = a.size;
	b->map = mmap(NULL, a.size, PROT_READ | PROT_WRITE, MAP_SHARED, d->fd,
		      (off_t)a.mmap_offset);
	if (b->map == MAP_FAILED) {
		ret = -errno;
		b->map = NULL;
		return ret;
	}
	return 0;
}

void qg_buf_free(struct qg_dev *d, struct qg_buf *b)
{
	struct qnn_buf_free f = { .handle = b->handle };

	if (b->map)
		munmap(b->map, b->size);
	b->map = NULL;
	if (b->handle && d->fd >= 0)
		qg_ioctl(d->fd, QNN_IOC_BUF_FREE, &f);
	b->handle = 0;
}

void qg_job(struct qnn_job *j, uint32_t n, const struct qg_buf *in,
	    uint64_t in_off, const struct qg_buf *out, uint64_t out_off)
{
	memset(j, 0, sizeof(*j));
	j->n_samples = n;
	j->in_handle = in->handle;
	j->in_offset = in_off;
	j->out_handle = out->handle;
	j->out_offset = out_off;
}

int qg_run(struct qg_dev *d, struct qnn_job *j)
{
	return qg_ioctl(d->fd, QNN_IOC_RUN, j);
}

int qg_submit(struct qg_dev *d, struct qnn_job *j)
{
	return qg_ioctl(d->fd, QNN_IOC_SUBMIT, j);
}

int qg_reap(struct qg_dev *d, struct qnn_reap *r, bool block)
{
	memset(r, 0, sizeof(*r));
	r->flags = block ? 0 : QNN_REAP_NONBLOCK;
	return qg_ioctl(d->fd, QNN_IOC_REAP, r);
}

int qg_read_file(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	buf[n] = 0;
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = 0;
	return 0;
}

int qg_write_file(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0) {
		n = -errno;
		close(fd);
		return (int)n;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

int qg_sysfs_str(const char *attr, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), QG_SYSFS "/%s", attr);
	return qg_read_file(path, buf, len);
}

uint64_t qg_sysfs_u64(const char *attr)
{
	char buf[64], *end;
	unsigned long long v;

	if (qg_sysfs_str(attr, buf, sizeof(buf)))
		return UINT64_MAX;
	errno = 0;
	v = strtoull(buf, &end, 0);
	if (errno || end == buf)
		return UINT64_MAX;
	return v;
}

int qg_sysfs_write(const char *attr, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), QG_SYSFS "/%s", attr);
	return qg_write_file(path, val);
}

/* Reads to EOF (sysfs/tracefs files report size 0); NUL-terminated. */
void *qg_slurp(const char *path, size_t *len)
{
	size_t cap = 1 << 16, got = 0;
	char *buf = malloc(cap), *nb;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		ssize_t n;

		if (cap - got < 4096) {
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + got, cap - got - 1);
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = 0;
	*len = got;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

/* The simulator's debugfs directory of its (first) device. */
static int qg_sim_dir(char *path, size_t len)
{
	const char *root = "/sys/kernel/debug/qnn_sim";
	struct dirent *e;
	DIR *dir = opendir(root);
	int ret = -ENOENT;

	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, len, "%s/%.*s", root, NAME_MAX,
				     e->d_name) < len)
			ret = 0;
		break;
	}
	closedir(dir);
	return ret;
}

static int qg_sim_write(const char *file, const char *val)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	int ret = qg_sim_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return qg_write_file(path, val);
}

uint64_t qg_sim_state(const char *key)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], *buf, *p;
	size_t len, klen = strlen(key);
	uint64_t v = UINT64_MAX;

	if (qg_sim_dir(dir, sizeof(dir)))
		return v;
	snprintf(path, sizeof(path), "%s/state", dir);
	buf = qg_slurp(path, &len);
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		if (!strncmp(p, key, klen) && p[klen] == ':') {
			v = strtoull(p + klen + 1, NULL, 0);
			break;
		}
	}
	free(buf);
	return v;
}

int qg_sim_fault(const char *mode)
{
	return qg_sim_write("fault", mode);
}

static int qg_sim_param(const char *name, int v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), "/sys/module/qnn_sim/parameters/%s", name);
	snprintf(val, sizeof(val), "%d", v);
	return qg_write_file(path, val);
}

int qg_sim_speed(int clock_mhz, int cycles)
{
	int ret = qg_sim_param("clock_mhz", clock_mhz);

	return ret ? ret : qg_sim_param("cycles_per_sample", cycles);
}

int qg_sim_late_ms(unsigned int ms)
{
	char v[32];

	snprintf(v, sizeof(v), "%u", ms);
	return qg_sim_write("late_ms", v);
}

const char *qg_platform_name(void)
{
	static char name[PATH_MAX];
	char link[PATH_MAX];
	ssize_t n = readlink(QG_SYSFS "/device", link, sizeof(link) - 1);
	const char *base;

	if (n < 0)
		return name[0] ? name : NULL;	/* unbound: the last one seen */
	link[n] = 0;
	base = strrchr(link, '/');
	strcpy(name, base ? base + 1 : link);
	return name;
}

int qg_unbind(void)
{
	const char *name = qg_platform_name();

	if (!name)
		return -ENODEV;
	return qg_write_file("/sys/bus/platform/drivers/qnn/unbind", name);
}

int qg_bind(void)
{
	const char *name = qg_platform_name();

	if (!name)
		return -ENODEV;
	return qg_write_file("/sys/bus/platform/drivers/qnn/bind", name);
}

int qg_wait_dev(int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (access(QG_DEV, R_OK | W_OK) == 0)
			return 0;
		usleep(10000);
	}
	return -ETIMEDOUT;
}

int qg_mnist_load(struct qg_mnist *m, const struct qg_dev *d)
{
	size_t in_len = 0, exp_len = 0;

	memset(m, 0, sizeof(*m));
	m->in = qg_slurp(QG_DATA_IN, &in_len);
	m->expected = qg_slurp(QG_DATA_EXPECTED, &exp_len);
	if (!m->in || !m->expected)
		return -ENOENT;
	if (in_len % d->in_bytes || exp_len % d->out_bytes ||
	    in_len / d->in_bytes != exp_len / d->out_bytes)
		return -EINVAL;
	m->n = in_len / d->in_bytes;
	return 0;
}

size_t qg_mnist_mismatches(const struct qg_mnist *m, const struct qg_dev *d,
			   const void *out, size_t first, size_t n)
{
	const uint8_t *got = out;
	const uint8_t *want = (const uint8_t *)m->expected + first * d->out_bytes;
	size_t bad = 0;

	for (size_t i = 0; i < n; i++)
		if (memcmp(got + i * d->out_bytes, want + i * d->out_bytes,
			   d->out_bytes))
			bad++;
	return bad;
}

uint64_t qg_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Under TCG on a busy host the engine in the simulator has been seen at
 * 0.8 s per image: tests that are not about timeouts must not hit one
 * (10 s + 0.5 s per sample).
 */
void qg_relax_timeouts(void)
{
	qg_sysfs_write("timeout_base_ms", "10000");
	qg_sysfs_write("timeout_per_sample_us", "500000");
}
