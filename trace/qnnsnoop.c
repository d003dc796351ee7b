// SPDX-License-Identifier: GPL-2.0
/*
 * qnnsnoop - one line per finished qnn job: time, process, device, job id,
 * samples, queue / device / total time and status (OK or the errno name
 * the driver returned: ETIMEDOUT, EIO, EPROTO, ENODEV).
 *
 * Usage: qnnsnoop [-xv] [-p PID] [-d DEV] [-c COUNT]
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "qnnsnoop.h"
#include "qnnsnoop.skel.h"
#include "tool_common.h"
#include "trace_helpers.h"

#define TOOL "qnnsnoop"

static struct env {
	bool failed;
	unsigned long count; /* 0: until Ctrl-C */
} env;

const char *argp_program_version = "qnnsnoop 1.0";
static const char doc[] =
    "Print one line per finished qnn job.\n"
    "\n"
    "Columns: TIME(s) since qnnsnoop started, PID and COMM of the submitter, DEV,\n"
    "the driver's job ID, SAMPLES, QUEUE_us (submitted -> started on the DMA),\n"
    "DEVICE_us (started -> done; - if it never started), TOTAL_us, STATUS.\n"
    "\n"
    "EXAMPLES:\n"
    "    qnnsnoop           # every job until Ctrl-C\n"
    "    qnnsnoop -x        # only failed jobs\n"
    "    qnnsnoop -c 100    # the next 100 jobs";

static const struct argp_option opts[] = {
    {"failed", 'x', NULL, 0, "Only failed jobs", 0},
    {"count", 'c', "COUNT", 0, "Exit after COUNT jobs", 0},
    {},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'x':
		env.failed = true;
		break;
	case 'c':
		if (!qnn_parse_ulong(TOOL, "count", arg, 1, 100000000, &env.count))
			argp_usage(state);
		break;
	case ARGP_KEY_ARG:
		fprintf(stderr, "%s: unexpected argument '%s'\n", TOOL, arg);
		argp_usage(state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static __u64 t_start_ns;
static unsigned long printed;

static int on_event(void *ctx, void *data, size_t len)
{
	const struct qnnsnoop_event *e = data;
	char dev_us[24], st[16];

	if (len < sizeof(*e) || (env.count && printed >= env.count))
		return 0;
	if (e->started)
		snprintf(dev_us, sizeof(dev_us), "%.1f", (e->latency_ns - e->wait_ns) / 1000.0);
	else
		snprintf(dev_us, sizeof(dev_us), "-");
	printf("%-10.6f %7u %-16.16s qnn%-2d %8llu %7u %10.1f %10s %10.1f %s\n",
	       (e->ts_ns - t_start_ns) / 1e9, e->tgid, e->comm, e->dev, (unsigned long long)e->id,
	       e->samples, e->wait_ns / 1000.0, dev_us, e->latency_ns / 1000.0,
	       qnn_status_name(e->status, st, sizeof(st)));
	printed++;
	return 0;
}

static __u64 mono_ns(void)
{
	struct timespec ts;

	/* bpf_ktime_get_ns() is CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	static const struct argp_child children[] = {{&qnn_common_argp, 0, NULL, 0}, {}};
	static const struct argp argp = {
	    .options = opts, .parser = parse_arg, .doc = doc, .children = children};
	struct ring_buffer *rb = NULL;
	struct qnnsnoop_bpf *obj;
	int err;

	err = qnn_start(TOOL, &argp, argc, argv);
	if (err)
		return err;

	obj = qnnsnoop_bpf__open();
	if (!obj) {
		qnn_explain_bpf_error(TOOL, "opening the BPF object", errno);
		return 1;
	}
	obj->rodata->targ_tgid = qnn_opts.pid;
	obj->rodata->targ_dev = qnn_opts.dev;
	obj->rodata->targ_failed = env.failed;
	err = qnn_load_attach(TOOL, obj->skeleton);
	if (err)
		goto out;
	rb = ring_buffer__new(bpf_map__fd(obj->maps.events), on_event, NULL, NULL);
	if (!rb) {
		err = -errno;
		qnn_explain_bpf_error(TOOL, "opening the ring buffer", err);
		goto out;
	}

	qnn_signals_init();
	fprintf(stderr, "Tracing qnn jobs... Hit Ctrl-C to end.\n");
	t_start_ns = mono_ns();
	printf("%-10s %7s %-16s %-5s %8s %7s %10s %10s %10s %s\n", "TIME(s)", "PID", "COMM", "DEV",
	       "ID", "SAMPLES", "QUEUE_us", "DEVICE_us", "TOTAL_us", "STATUS");
	fflush(stdout);
	/*
	 * Signals are taken in qnn_sleep_ms() between polls. Every turn also consumes
	 * what is in the ring without waiting for a wake-up, so a late or missed
	 * notification delays a line by one turn at most.
	 */
	while (qnn_sleep_ms(0) && (!env.count || printed < env.count)) {
		err = ring_buffer__poll(rb, 100);
		if (err >= 0)
			err = ring_buffer__consume(rb);
		fflush(stdout);
		if (err == -EINTR)
			err = 0;
		if (err < 0) {
			qnn_explain_bpf_error(TOOL, "reading the ring buffer", err);
			break;
		}
		err = 0;
	}
out:
	ring_buffer__free(rb);
	qnnsnoop_bpf__destroy(obj);
	return err ? 1 : 0;
}
