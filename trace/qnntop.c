// SPDX-License-Identifier: GPL-2.0
/*
 * qnntop - which processes use the qnn devices, refreshed every interval
 * like top: jobs/s, samples/s, average and max latency (submit -> done, of
 * the successful jobs), errors and timeouts, per process and device.
 * --json prints one JSON object per interval instead, for machines.
 *
 * Usage: qnntop [-Cv] [--json] [-p PID] [-d DEV] [-r ROWS] [interval [count]]
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "qnntop.h"
#include "qnntop.skel.h"
#include "tool_common.h"
#include "trace_helpers.h"

#define TOOL "qnntop"

static struct env {
	bool no_clear, json;
	unsigned long rows;
	unsigned long interval, count;
} env = {.interval = 1, .rows = 20};

const char *argp_program_version = "qnntop 1.0";
static const char doc[] =
    "Show the processes using the qnn devices: jobs/s, samples/s, latency, errors.\n"
    "\n"
    "Counted when a job is done, for the process that submitted it (jobs submitted\n"
    "before qnntop started are not counted). Latency: submit -> done, successful jobs;\n"
    "MAX_us is the largest since qnntop started. Idle processes are not shown.\n"
    "\n"
    "EXAMPLES:\n"
    "    qnntop             # refresh every second\n"
    "    qnntop -C 5 3      # every 5 s, three times, without clearing the screen\n"
    "    qnntop --json 1 10 # one JSON object per second";

enum { OPT_JSON = 1000 };

static const struct argp_option opts[] = {
    {"noclear", 'C', NULL, 0, "Do not clear the screen", 0},
    {"json", OPT_JSON, NULL, 0, "One JSON object per interval", 0},
    {"rows", 'r', "ROWS", 0, "At most ROWS processes (default 20)", 0},
    {},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	static int pos;

	switch (key) {
	case 'C':
		env.no_clear = true;
		break;
	case OPT_JSON:
		env.json = true;
		break;
	case 'r':
		if (!qnn_parse_ulong(TOOL, "rows", arg, 1, QNNTOP_MAX_PROCS, &env.rows))
			argp_usage(state);
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

struct row {
	struct qnntop_key key;
	struct qnntop_val v; /* summed over the CPUs */
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->v.samples != y->v.samples)
		return x->v.samples > y->v.samples ? -1 : 1;
	return x->key.tgid < y->key.tgid ? -1 : x->key.tgid > y->key.tgid;
}

/* Every entry of the per-CPU map, summed, then the map emptied. */
static int collect(int fd, struct row *rows, int max)
{
	int ncpu = libbpf_num_possible_cpus();
	struct qnntop_val *pc = calloc(ncpu > 0 ? ncpu : 1, sizeof(*pc));
	struct qnntop_key k, next, *prev = NULL;
	int n = 0;

	if (!pc || ncpu <= 0) {
		free(pc);
		return -ENOMEM;
	}
	while (n < max && bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &next, pc))
			continue;
		memset(&rows[n], 0, sizeof(rows[n]));
		rows[n].key = next;
		for (int c = 0; c < ncpu; c++) {
			struct qnntop_val *s = &rows[n].v, *p = &pc[c];

			s->jobs += p->jobs;
			s->samples += p->samples;
			s->lat_sum_ns += p->lat_sum_ns;
			s->ok += p->ok;
			s->errors += p->errors;
			s->timeouts += p->timeouts;
			if (p->lat_max_ns > s->lat_max_ns)
				s->lat_max_ns = p->lat_max_ns;
			if (p->comm[0])
				memcpy(s->comm, p->comm, sizeof(s->comm));
		}
		n++;
	}
	free(pc);
	return n;
}

/*
 * The map only grows (reading and then deleting an entry would lose what a
 * CPU adds in between): an interval is the difference from the last
 * snapshot. Processes without a job in it are left out; MAX is since start.
 */
static int interval_rows(struct row *cur, int n, struct row *prev, int *n_prev)
{
	static struct row snap[QNNTOP_MAX_PROCS];
	int out = 0;

	memcpy(snap, cur, n * sizeof(cur[0]));
	for (int i = 0; i < n; i++) {
		struct qnntop_val *v = &cur[i].v;

		for (int j = 0; j < *n_prev; j++) {
			const struct qnntop_val *p = &prev[j].v;

			if (memcmp(&prev[j].key, &cur[i].key, sizeof(cur[i].key)))
				continue;
			v->jobs -= p->jobs;
			v->samples -= p->samples;
			v->lat_sum_ns -= p->lat_sum_ns;
			v->ok -= p->ok;
			v->errors -= p->errors;
			v->timeouts -= p->timeouts;
			break;
		}
		if (v->jobs)
			cur[out++] = cur[i];
	}
	memcpy(prev, snap, n * sizeof(snap[0]));
	*n_prev = n;
	qsort(cur, out, sizeof(cur[0]), cmp_row);
	return out;
}

static double avg_us(const struct qnntop_val *v)
{
	return v->ok ? (double)v->lat_sum_ns / v->ok / 1000.0 : 0.0;
}

static void print_table(const struct row *rows, int n, double secs)
{
	char ts[16];

	if (!env.no_clear)
		printf("\033[H\033[2J");
	printf("%s qnn jobs by process, last %.1f s\n", qnn_clock(ts, sizeof(ts)), secs);
	printf("%7s %-16s %4s %9s %10s %10s %10s %7s %8s\n", "PID", "COMM", "DEV", "JOBS/s",
	       "SAMPLES/s", "AVG_us", "MAX_us", "ERRORS", "TIMEOUTS");
	for (int i = 0; i < n && i < (int)env.rows; i++) {
		const struct qnntop_val *v = &rows[i].v;

		printf("%7u %-16.16s %4d %9.1f %10.1f %10.1f %10.1f %7llu %8llu\n",
		       rows[i].key.tgid, v->comm, rows[i].key.dev, v->jobs / secs,
		       v->samples / secs, avg_us(v), v->lat_max_ns / 1000.0,
		       (unsigned long long)v->errors, (unsigned long long)v->timeouts);
	}
}

static void print_json(const struct row *rows, int n, double secs)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();

	json_object_object_add(o, "time", json_object_new_int64(time(NULL)));
	json_object_object_add(o, "interval_s", json_object_new_double(secs));
	for (int i = 0; i < n && i < (int)env.rows; i++) {
		const struct qnntop_val *v = &rows[i].v;
		struct json_object *p = json_object_new_object();
		char comm[17];

		snprintf(comm, sizeof(comm), "%.16s", v->comm);
		json_object_object_add(p, "pid", json_object_new_int64(rows[i].key.tgid));
		json_object_object_add(p, "comm", json_object_new_string(comm));
		json_object_object_add(p, "dev", json_object_new_int(rows[i].key.dev));
		json_object_object_add(p, "jobs", json_object_new_int64(v->jobs));
		json_object_object_add(p, "samples", json_object_new_int64(v->samples));
		json_object_object_add(p, "jobs_per_s", json_object_new_double(v->jobs / secs));
		json_object_object_add(p, "samples_per_s",
				       json_object_new_double(v->samples / secs));
		json_object_object_add(p, "lat_avg_us", json_object_new_double(avg_us(v)));
		json_object_object_add(p, "lat_max_us",
				       json_object_new_double(v->lat_max_ns / 1000.0));
		json_object_object_add(p, "errors", json_object_new_int64(v->errors));
		json_object_object_add(p, "timeouts", json_object_new_int64(v->timeouts));
		json_object_array_add(arr, p);
	}
	json_object_object_add(o, "processes", arr);
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct argp_child children[] = {{&qnn_common_argp, 0, NULL, 0}, {}};
	static const struct argp argp = {.options = opts,
					 .parser = parse_arg,
					 .args_doc = "[interval [count]]",
					 .doc = doc,
					 .children = children};
	static struct row rows[QNNTOP_MAX_PROCS], prev[QNNTOP_MAX_PROCS];
	int n_prev = 0;
	struct qnntop_bpf *obj;
	double t0, t1;
	int err, n;

	err = qnn_start(TOOL, &argp, argc, argv);
	if (err)
		return err;

	obj = qnntop_bpf__open();
	if (!obj) {
		qnn_explain_bpf_error(TOOL, "opening the BPF object", errno);
		return 1;
	}
	obj->rodata->targ_tgid = qnn_opts.pid;
	obj->rodata->targ_dev = qnn_opts.dev;
	err = qnn_load_attach(TOOL, obj->skeleton);
	if (err)
		goto out;

	qnn_signals_init();
	fprintf(stderr, "Tracing qnn jobs by process... Hit Ctrl-C to end.\n");
	t0 = now_s();
	/* The interval cut short by Ctrl-C is printed too, over its real length. */
	for (unsigned long i = 0; !env.count || i < env.count; i++) {
		qnn_sleep(env.interval);
		t1 = now_s();
		n = collect(bpf_map__fd(obj->maps.procs), rows, QNNTOP_MAX_PROCS);
		if (n < 0) {
			err = n;
			fprintf(stderr, "%s: out of memory\n", TOOL);
			break;
		}
		n = interval_rows(rows, n, prev, &n_prev);
		if (env.json)
			print_json(rows, n, t1 - t0);
		else
			print_table(rows, n, t1 - t0);
		fflush(stdout);
		t0 = t1;
		if (qnn_exiting)
			break;
	}
out:
	qnntop_bpf__destroy(obj);
	return err ? 1 : 0;
}
