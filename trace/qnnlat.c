// SPDX-License-Identifier: GPL-2.0
/*
 * qnnlat - log2 histograms of the time qnn jobs spend in each stage:
 * submitted -> started on the DMA (queue), started -> done (device), and
 * both (total), per device, optionally per process; like biolatency.
 * --daemon adds qnnd's stages of each request from its USDT probes:
 * received -> queued -> batched -> dispatched -> back from the backend ->
 * answered, and, on the dev backend, the driver's queue and device time of
 * the job each request's batch became (joined through qnnd's batch_dev_job
 * probe and the job id), so the whole path from a client's call to the DMA
 * shows.
 *
 * Usage: qnnlat [-mPTv] [-p PID] [-d DEV] [--daemon[=QNND]] [interval [count]]
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "qnnlat.h"
#include "qnnlat.skel.h"
#include "tool_common.h"
#include "trace_helpers.h"

#define TOOL "qnnlat"

static struct env {
	bool ms, per_process, timestamp, daemon;
	const char *qnnd;	       /* --daemon: the qnnd binary */
	unsigned long interval, count; /* count 0: until Ctrl-C */
} env = {.interval = 99999999};

const char *argp_program_version = "qnnlat 1.0";
static const char doc[] =
    "Summarize the latency of qnn jobs per stage as log2 histograms.\n"
    "\n"
    "Stages: queue (submitted -> started on the DMA), device (started -> done),\n"
    "total (submitted -> done). Only jobs submitted while qnnlat runs count.\n"
    "\n"
    "EXAMPLES:\n"
    "    qnnlat             # histograms when Ctrl-C is hit\n"
    "    qnnlat 1 10        # every second, ten times\n"
    "    qnnlat -P -m 5     # per process, milliseconds, every 5 s\n"
    "    qnnlat -p 185 -d 0 # only process 185 on /dev/qnn0\n"
    "    qnnlat --daemon -p $(pidof qnnd)  # qnnd's stages + its jobs in the driver\n"
    "\n"
    "--daemon attaches to qnnd's USDT probes (QNND: the binary; default the one\n"
    "process -p runs, else /usr/sbin/qnnd). Without the qnn tracepoints (no\n"
    "qnn.ko, e.g. the sw backend) it shows qnnd's stages alone.";

enum { OPT_DAEMON = 1000 };

static const struct argp_option opts[] = {
    {"milliseconds", 'm', NULL, 0, "Histograms in milliseconds (default microseconds)", 0},
    {"pids", 'P', NULL, 0, "One histogram per process", 0},
    {"timestamp", 'T', NULL, 0, "Print a timestamp with each interval", 0},
    {"daemon", OPT_DAEMON, "QNND", OPTION_ARG_OPTIONAL,
     "Also qnnd's stages (USDT probes of the qnnd binary QNND)", 0},
    {},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;

	switch (key) {
	case 'm':
		env.ms = true;
		break;
	case 'P':
		env.per_process = true;
		break;
	case 'T':
		env.timestamp = true;
		break;
	case OPT_DAEMON:
		env.daemon = true;
		env.qnnd = arg;
		break;
	case ARGP_KEY_ARG:
		if (!qnn_parse_positional(TOOL, pos++, arg, &env.interval, &env.count))
			argp_usage(state);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *const stage_names[QNNLAT_N_STAGES] = {
    [QNNLAT_QUEUE] = "queue (submitted -> started on the DMA)",
    [QNNLAT_DEVICE] = "device (started -> done)",
    [QNNLAT_TOTAL] = "total (submitted -> done)",
    [QNNLAT_D_ADMIT] = "request (received -> queued)",
    [QNNLAT_D_QUEUE] = "queue wait (queued -> in a batch)",
    [QNNLAT_D_BATCH] = "batch formation (in a batch -> dispatched)",
    [QNNLAT_D_BACKEND] = "backend (dispatched -> batch back)",
    [QNNLAT_D_DEV_QUEUE] = "device queue (its batch's job: submitted -> started on the DMA)",
    [QNNLAT_D_DEVICE] = "device (its batch's job: started -> done)",
    [QNNLAT_D_REPLY] = "reply (batch back -> answered)",
    [QNNLAT_D_TOTAL] = "total (received -> answered)",
};

/* The USDT programs and the probes they attach to. */
static const char *const usdt_probes[] = {
    "request_received", "request_queued", "request_batched",  "batch_dispatched",
    "batch_dev_job",	"batch_done",	  "request_answered",
};

static struct bpf_program *usdt_prog(struct qnnlat_bpf *obj, int i)
{
	struct bpf_program *const progs[] = {
	    obj->progs.qnnd_request_received, obj->progs.qnnd_request_queued,
	    obj->progs.qnnd_request_batched,  obj->progs.qnnd_batch_dispatched,
	    obj->progs.qnnd_batch_dev_job,    obj->progs.qnnd_batch_done,
	    obj->progs.qnnd_request_answered,
	};

	return progs[i];
}

#define N_USDT ((int)(sizeof(usdt_probes) / sizeof(usdt_probes[0])))
static struct bpf_link *usdt_links[N_USDT];

static int attach_usdt(struct qnnlat_bpf *obj, const char *path)
{
	pid_t pid = qnn_opts.pid ? (pid_t)qnn_opts.pid : -1;

	if (access(path, R_OK)) {
		fprintf(stderr, "%s: --daemon: cannot read the qnnd binary %s: %s\n", TOOL, path,
			strerror(errno));
		return -ENOENT;
	}
	for (int i = 0; i < N_USDT; i++) {
		usdt_links[i] = bpf_program__attach_usdt(usdt_prog(obj, i), pid, path, "qnnd",
							 usdt_probes[i], NULL);
		if (!usdt_links[i]) {
			int err = -errno;

			fprintf(stderr, "%s: --daemon: cannot attach to qnnd:%s in %s: %s%s\n",
				TOOL, usdt_probes[i], path, strerror(-err),
				err == -ENOENT || err == -EINVAL
				    ? " (a qnnd built without its USDT probes? readelf -n shows "
				      "them as stapsdt notes)"
				    : "");
			return err;
		}
	}
	return 0;
}

static void print_daemon_counts(const struct qnnlat_daemon_counts *c)
{
	printf("\nqnnd: %llu requests answered (%llu failed), %llu samples, %llu batches "
	       "dispatched, %llu device jobs, %llu joined to the driver's (since qnnlat "
	       "started)\n",
	       (unsigned long long)c->requests, (unsigned long long)c->failed,
	       (unsigned long long)c->samples, (unsigned long long)c->batches,
	       (unsigned long long)c->dev_jobs, (unsigned long long)c->joined);
}

struct entry {
	struct qnnlat_key key;
	struct qnnlat_hist hist;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct qnnlat_key *x = &((const struct entry *)a)->key;
	const struct qnnlat_key *y = &((const struct entry *)b)->key;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->tgid != y->tgid)
		return x->tgid < y->tgid ? -1 : 1;
	return (int)x->stage - (int)y->stage;
}

/*
 * The histograms of the last interval: the map only grows (reading and then
 * deleting an entry would lose what a CPU adds in between), so an interval
 * is the difference from the previous snapshot; empty ones are left out.
 */
static int interval_hists(struct entry *e, int n)
{
	static struct entry prev[QNNLAT_MAX_HISTS], snap[QNNLAT_MAX_HISTS];
	static int n_prev;
	int out = 0;

	memcpy(snap, e, n * sizeof(e[0]));
	for (int i = 0; i < n; i++) {
		for (int j = 0; j < n_prev; j++) {
			if (memcmp(&prev[j].key, &e[i].key, sizeof(e[i].key)))
				continue;
			for (int s = 0; s < QNNLAT_SLOTS; s++)
				e[i].hist.slots[s] -= prev[j].hist.slots[s];
			break;
		}
		if (qnn_hist_total(e[i].hist.slots, QNNLAT_SLOTS))
			e[out++] = e[i];
	}
	memcpy(prev, snap, n * sizeof(snap[0]));
	n_prev = n;
	return out;
}

/* Print the last interval's histograms, sorted. */
static int print_hists(int fd)
{
	static struct entry e[QNNLAT_MAX_HISTS];
	struct qnnlat_key k, next, *prev = NULL;
	int n = 0;

	while (n < QNNLAT_MAX_HISTS && bpf_map_get_next_key(fd, prev, &next) == 0) {
		if (bpf_map_lookup_elem(fd, &next, &e[n].hist) == 0) {
			e[n].key = next;
			n++;
		}
		k = next;
		prev = &k;
	}
	n = interval_hists(e, n);
	qsort(e, n, sizeof(e[0]), cmp_entry);
	for (int i = 0; i < n; i++) {
		const struct qnnlat_key *key = &e[i].key;
		const char *stage = key->stage < QNNLAT_N_STAGES && stage_names[key->stage]
					? stage_names[key->stage]
					: "?";

		if (key->dev >= 0)
			printf("\nqnn%d", key->dev);
		else
			printf("\nqnnd");
		if (env.per_process)
			printf(" pid %u (%.16s)", key->tgid, e[i].hist.comm);
		printf(" %s: %llu %s\n", stage,
		       (unsigned long long)qnn_hist_total(e[i].hist.slots, QNNLAT_SLOTS),
		       key->dev >= 0 ? "jobs" : "requests");
		qnn_print_log2_hist(e[i].hist.slots, QNNLAT_SLOTS, env.ms ? "msecs" : "usecs");
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp_child children[] = {{&qnn_common_argp, 0, NULL, 0}, {}};
	static const struct argp argp = {.options = opts,
					 .parser = parse_arg,
					 .args_doc = "[interval [count]]",
					 .doc = doc,
					 .children = children};
	struct qnnlat_bpf *obj;
	static char exe[64];
	bool driver = true;
	char ts[16];
	int err;

	err = qnn_parse_args(&argp, argc, argv);
	if (err)
		return err;
	if (env.daemon && !env.qnnd) {
		snprintf(exe, sizeof(exe), "/proc/%lu/exe", qnn_opts.pid);
		env.qnnd = qnn_opts.pid ? exe : "/usr/sbin/qnnd";
	}
	if (env.daemon && !qnn_tracepoints_present()) {
		/* qnnd on the sw backend, or a machine without qnn.ko: its stages alone. */
		fprintf(stderr,
			"%s: no qnn tracepoints here (qnn.ko not loaded, or tracefs not "
			"mounted): qnnd's stages only\n",
			TOOL);
		driver = false;
	} else {
		err = qnn_trace_preflight(TOOL);
		if (err)
			return err;
	}

	obj = qnnlat_bpf__open();
	if (!obj) {
		qnn_explain_bpf_error(TOOL, "opening the BPF object", errno);
		return 1;
	}
	obj->rodata->targ_tgid = qnn_opts.pid;
	obj->rodata->targ_dev = qnn_opts.dev;
	obj->rodata->targ_per_process = env.per_process;
	obj->rodata->targ_ms = env.ms;
	obj->rodata->targ_daemon = env.daemon && driver;
	bpf_program__set_autoload(obj->progs.qnnlat_submit, driver);
	bpf_program__set_autoload(obj->progs.qnnlat_start, driver);
	bpf_program__set_autoload(obj->progs.qnnlat_done, driver);
	for (int i = 0; i < N_USDT; i++)
		bpf_program__set_autoload(usdt_prog(obj, i), env.daemon);
	err = qnn_load_attach(TOOL, obj->skeleton);
	if (err)
		goto out;
	if (env.daemon) {
		err = attach_usdt(obj, env.qnnd);
		if (err)
			goto out;
	}

	qnn_signals_init();
	fprintf(stderr, "Tracing qnn job latency... Hit Ctrl-C to end.\n");
	for (unsigned long i = 0; !env.count || i < env.count; i++) {
		qnn_sleep(env.interval);
		if (env.timestamp)
			printf("\n%s\n", qnn_clock(ts, sizeof(ts)));
		print_hists(bpf_map__fd(obj->maps.hists));
		if (env.daemon)
			print_daemon_counts(&obj->bss->dcounts);
		fflush(stdout);
		if (qnn_exiting)
			break;
	}
	err = 0;
out:
	for (int i = 0; i < N_USDT; i++)
		bpf_link__destroy(usdt_links[i]);
	qnnlat_bpf__destroy(obj);
	return err ? 1 : 0;
}
