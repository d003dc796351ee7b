// SPDX-License-Identifier: GPL-2.0
/*
 * trace_helpers.c - see trace_helpers.h. The tracepoint layout check is
 * what makes classic tracepoints safe without module BTF: qnn_tp.h is
 * compared field by field with the kernel's format files, so a driver
 * whose records changed is refused instead of misread.
 */
#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>

#include "qnn_tp.h"
#include "trace_helpers.h"

volatile sig_atomic_t qnn_exiting;

static void on_signal(int sig)
{
	qnn_exiting = 1;
}

/*
 * SIGINT and SIGTERM stay blocked except inside qnn_sleep(), whose ppoll()
 * unblocks them atomically: a signal that comes just before the sleep ends
 * it instead of being noticed only after it (qnnlat's default interval is
 * "until Ctrl-C").
 */
static sigset_t unblocked;

void qnn_signals_init(void)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigset_t block;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);
}

bool qnn_sleep_ms(unsigned int ms)
{
	struct timespec end, now, left;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += ms / 1000;
	end.tv_nsec += (long)(ms % 1000) * 1000000;
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	while (!qnn_exiting) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000;
		}
		if (left.tv_sec < 0)
			left.tv_sec = left.tv_nsec = 0;
		if (ppoll(NULL, 0, &left, &unblocked) == 0)
			break;
	}
	return !qnn_exiting;
}

bool qnn_sleep(unsigned int secs)
{
	return qnn_sleep_ms(secs * 1000);
}

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!verbose && level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void qnn_libbpf_verbose(bool on)
{
	verbose = on;
	libbpf_set_print(libbpf_print);
}

/* A field of a tracepoint record as qnn_tp.h lays it out. */
struct tp_field {
	const char *event;
	const char *name;
	size_t offset, size;
};

#define F(ev, st, fld)                                                                             \
	{                                                                                          \
#ev, #fld, offsetof(struct st, fld), sizeof(((struct st *)0)->fld)                 \
	}

static const struct tp_field tp_fields[] = {
    F(qnn_job_submit, qnn_tp_job_submit, dev),	   F(qnn_job_submit, qnn_tp_job_submit, id),
    F(qnn_job_submit, qnn_tp_job_submit, samples), F(qnn_job_submit, qnn_tp_job_submit, queued),
    F(qnn_job_start, qnn_tp_job_start, dev),	   F(qnn_job_start, qnn_tp_job_start, id),
    F(qnn_job_start, qnn_tp_job_start, samples),   F(qnn_job_start, qnn_tp_job_start, wait_ns),
    F(qnn_job_done, qnn_tp_job_done, dev),	   F(qnn_job_done, qnn_tp_job_done, id),
    F(qnn_job_done, qnn_tp_job_done, samples),	   F(qnn_job_done, qnn_tp_job_done, latency_ns),
    F(qnn_job_done, qnn_tp_job_done, status),
};

/* Where tracefs is (libbpf looks in the same two places). */
static const char *tracefs_dir(void)
{
	if (access("/sys/kernel/tracing/events", F_OK) == 0)
		return "/sys/kernel/tracing";
	if (access("/sys/kernel/debug/tracing/events", F_OK) == 0)
		return "/sys/kernel/debug/tracing";
	return NULL;
}

/* tracefs is there but root's alone (mode 0700): not "not mounted" for a user. */
static bool tracefs_denied(void)
{
	return (access("/sys/kernel/tracing/events", F_OK) && errno == EACCES) ||
	       (access("/sys/kernel/debug/tracing/events", F_OK) && errno == EACCES);
}

/* Offset and size of field in a format file's text; false if absent. */
static bool format_field(const char *fmt, const char *name, size_t *off, size_t *size)
{
	char key[64];
	const char *p = fmt;

	snprintf(key, sizeof(key), " %s;", name);
	while ((p = strstr(p, "field:"))) {
		const char *eol = strchr(p, '\n');
		const char *k = strstr(p, key);

		if (k && (!eol || k < eol)) {
			const char *o = strstr(k, "offset:");
			const char *s = strstr(k, "size:");

			if (!o || !s)
				return false;
			*off = strtoul(o + 7, NULL, 10);
			*size = strtoul(s + 5, NULL, 10);
			return true;
		}
		p += 6;
	}
	return false;
}

bool qnn_tracepoints_present(void)
{
	const char *dir = tracefs_dir();
	char path[128];

	if (!dir)
		return false;
	snprintf(path, sizeof(path), "%s/events/qnn/qnn_job_done/format", dir);
	return access(path, R_OK) == 0;
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (!f)
		return NULL;
	buf = calloc(1, 16384);
	n = buf ? fread(buf, 1, 16383, f) : 0;
	fclose(f);
	if (buf && n == 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int check_layout(const char *tool, const char *dir)
{
	for (size_t i = 0; i < sizeof(tp_fields) / sizeof(tp_fields[0]); i++) {
		const struct tp_field *f = &tp_fields[i];
		char path[256];
		size_t off, size;
		char *fmt;
		bool ok;

		snprintf(path, sizeof(path), "%s/events/qnn/%s/format", dir, f->event);
		fmt = read_text(path);
		if (!fmt) {
			fprintf(stderr,
				"%s: tracepoint qnn:%s not found (%s): is qnn.ko loaded? "
				"It must be a driver with that tracepoint.\n",
				tool, f->event, path);
			return 2;
		}
		ok = format_field(fmt, f->name, &off, &size);
		free(fmt);
		if (!ok || off != f->offset || size != f->size) {
			fprintf(
			    stderr,
			    "%s: qnn:%s field %s is %s in this driver, this tool expects offset "
			    "%zu size %zu: tool and qnn.ko do not match (rebuild the tool)\n",
			    tool, f->event, f->name, ok ? "elsewhere" : "missing", f->offset,
			    f->size);
			return 2;
		}
	}
	return 0;
}

int qnn_trace_preflight(const char *tool)
{
	const char *dir = tracefs_dir();
	int ret;

	if (!dir && tracefs_denied()) {
		fprintf(stderr,
			"%s: not allowed to read tracefs (%s): run as root (CAP_BPF and "
			"CAP_PERFMON)\n",
			tool, strerror(EACCES));
		return 2;
	}
	if (!dir) {
		fprintf(stderr,
			"%s: tracefs is not mounted (neither /sys/kernel/tracing nor "
			"/sys/kernel/debug/tracing has events/): mount -t tracefs tracefs "
			"/sys/kernel/tracing\n",
			tool);
		return 2;
	}
	ret = check_layout(tool, dir);
	if (ret)
		return ret;
	ret = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_TRACEPOINT, NULL);
	if (ret == 1)
		return 0;
	if (ret == -EPERM || ret == -EACCES)
		fprintf(stderr,
			"%s: not allowed to load BPF programs: run as root (CAP_BPF and "
			"CAP_PERFMON)\n",
			tool);
	else if (ret == -ENOSYS)
		fprintf(stderr, "%s: this kernel has no BPF (CONFIG_BPF_SYSCALL is not set)\n",
			tool);
	else
		fprintf(stderr, "%s: this kernel cannot run tracepoint BPF programs (%s)\n", tool,
			ret < 0 ? strerror(-ret) : "CONFIG_BPF_EVENTS is not set?");
	return 2;
}

void qnn_explain_bpf_error(const char *tool, const char *what, int err)
{
	if (err < 0)
		err = -err;
	fprintf(stderr, "%s: %s failed: %s%s\n", tool, what, strerror(err),
		err == EPERM || err == EACCES ? " (run as root: CAP_BPF and CAP_PERFMON)"
		: err == ENOENT		      ? " (a tracepoint or probe is missing)"
					      : "");
}

bool qnn_parse_ulong(const char *tool, const char *what, const char *s, unsigned long min,
		     unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (!*s || *end || errno || s[0] == '-' || v < min || v > max) {
		fprintf(stderr, "%s: bad %s '%s': want a whole number from %lu to %lu\n", tool,
			what, s, min, max);
		return false;
	}
	*out = v;
	return true;
}

uint64_t qnn_hist_total(const uint32_t *slots, int n_slots)
{
	uint64_t t = 0;

	for (int i = 0; i < n_slots; i++)
		t += slots[i];
	return t;
}

static void print_bar(uint32_t v, uint32_t max, int width)
{
	int n = max ? (int)((uint64_t)v * width / max) : 0;

	for (int i = 0; i < width; i++)
		putchar(i < n ? '*' : ' ');
}

void qnn_print_log2_hist(const uint32_t *slots, int n_slots, const char *unit)
{
	uint32_t max = 0;
	int last = -1;

	for (int i = 0; i < n_slots; i++) {
		if (slots[i])
			last = i;
		if (slots[i] > max)
			max = slots[i];
	}
	if (last < 0)
		return;
	printf("%*s%-*s : count    distribution\n", 5, "", 19, unit);
	for (int i = 0; i <= last; i++) {
		unsigned long long lo = i ? 1ULL << (i - 1) : 0;
		unsigned long long hi = i ? (1ULL << i) - 1 : 0;

		printf("%10llu -> %-10llu : %-8u |", lo, hi, slots[i]);
		print_bar(slots[i], max, 40);
		printf("|\n");
	}
}

const char *qnn_status_name(int status, char *buf, size_t len)
{
	const char *name;

	if (status == 0)
		return "OK";
	name = status < 0 ? strerrorname_np(-status) : NULL;
	if (name)
		return name;
	snprintf(buf, len, "%d", status);
	return buf;
}

const char *qnn_clock(char *buf, size_t len)
{
	time_t t = time(NULL);
	struct tm tm;

	strftime(buf, len, "%H:%M:%S", localtime_r(&t, &tm));
	return buf;
}

bool qnn_parse_positional(const char *tool, int pos, const char *arg, unsigned long *interval,
			  unsigned long *count)
{
	if (pos == 0)
		return qnn_parse_ulong(tool, "interval (seconds)", arg, 1, 86400, interval);
	if (pos == 1)
		return qnn_parse_ulong(tool, "count", arg, 1, 1000000, count);
	fprintf(stderr, "%s: unexpected argument '%s' (after interval and count)\n", tool, arg);
	return false;
}
