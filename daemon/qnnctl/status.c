// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * status.c - `qnnctl status`: the daemon's counters (the protocol's STATS
 * request), then every qnn device as the kernel shows it: its sysfs
 * attributes (/sys/class/qnn/qnnN) and its generic-netlink record.
 * Sections with nothing to show say why instead of failing the command;
 * the exit status is 1 only when a requested section could not be read.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qnn.h"
#include "qnnctl.h"

static const char usage[] =
    "usage: qnnctl status [--daemon-only | --devices-only] [--json] [--timeout MS]\n"
    "  Daemon counters (from qnnd over its socket), then each qnn device's\n"
    "  sysfs attributes (" QNNCTL_SYSFS_CLASS "/qnnN) and netlink counters.\n"
    "  Counters count since qnnd started; samples_per_s, batch_avg and the\n"
    "  latency percentiles cover qnnd's last completed statistics interval\n"
    "  (stats_interval_s in qnnd.conf, default 10 s; 0 until one has ended).\n"
    "  --daemon-only     only the daemon\n"
    "  --devices-only    only the devices (no daemon needed)\n"
    "  --json            the daemon's counters as one JSON object (no devices)\n"
    "  --timeout MS      for the daemon's reply (default 5000)\n";

static void print_x1000(const char *name, uint64_t v)
{
	printf("  %-22s %" PRIu64 ".%03" PRIu64 "\n", name, v / 1000, v % 1000);
}

static void print_u64(const char *name, uint64_t v)
{
	printf("  %-22s %" PRIu64 "\n", name, v);
}

/* JSON string of a name the daemon sent (model/backend names: no quotes expected, escaped anyway)
 */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++)
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s >= 0x20)
			putchar(*s);
	putchar('"');
}

static void print_json(const struct qnn_daemon_stats *st, const struct qnn_model_info *mi)
{
	const struct {
		const char *k;
		uint64_t v;
	} u[] = {
	    {"max_batch", mi->max_batch},
	    {"uptime_ms", st->uptime_ms},
	    {"clients", st->clients},
	    {"connections_total", st->connections_total},
	    {"requests", st->requests},
	    {"samples", st->samples},
	    {"batches", st->batches},
	    {"busy_rejects", st->busy_rejects},
	    {"timeouts", st->timeouts},
	    {"errors", st->errors},
	    {"nonfinite_rejects", st->nonfinite_rejects},
	    {"queue_depth", st->queue_depth},
	    {"inflight_batches", st->inflight_batches},
	    {"latency_p50_us", st->latency_p50_us},
	    {"latency_p99_us", st->latency_p99_us},
	    {"reloads", st->reloads},
	    {"backend_failures", st->backend_failures},
	};

	printf("{\"socket\": ");
	json_str(qnnctl_socket ? qnnctl_socket : qnn_default_socket());
	printf(", \"backend\": ");
	json_str(st->backend);
	printf(", \"model\": {\"name\": ");
	json_str(st->model);
	printf(", \"in_h\": %u, \"in_w\": %u, \"in_c\": %u, \"n_out\": %u, \"crc32\": "
	       "\"%08x\"}",
	       mi->in_h, mi->in_w, mi->in_c, mi->n_out, mi->model_crc);
	for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++)
		printf(", \"%s\": %" PRIu64, u[i].k, u[i].v);
	printf(", \"samples_per_s\": ");
	qnnctl_json_double(stdout, st->samples_per_s_x1000 / 1000.0);
	printf(", \"batch_avg\": ");
	qnnctl_json_double(stdout, st->batch_avg_x1000 / 1000.0);
	printf(", \"rates_window\": \"the last completed stats_interval_s\"}\n");
}

static int show_daemon(int timeout_ms, int json)
{
	struct qnn_daemon_stats st;
	struct qnn_model_info mi;
	qnn_client *c;
	int r = qnn_connect(qnnctl_socket, &c);

	if (r != QNN_OK) {
		qnnctl_qnn_error(qnnctl_socket ? qnnctl_socket : qnn_default_socket(), r);
		return 1;
	}
	r = qnn_get_model_info(c, &mi);
	if (r == QNN_OK)
		r = qnn_get_stats(c, &st, timeout_ms);
	qnn_close(c);
	if (r != QNN_OK) {
		qnnctl_qnn_error("stats", r);
		return 1;
	}
	if (json) {
		print_json(&st, &mi);
		return 0;
	}
	printf("daemon %s\n", qnnctl_socket ? qnnctl_socket : qnn_default_socket());
	printf("  %-22s %s\n", "backend", st.backend);
	printf("  %-22s %s (%ux%ux%u -> %u, crc32 %08x)\n", "model", st.model, mi.in_h, mi.in_w,
	       mi.in_c, mi.n_out, mi.model_crc);
	print_u64("max_batch", mi.max_batch);
	print_u64("uptime_ms", st.uptime_ms);
	print_u64("clients", st.clients);
	print_u64("connections_total", st.connections_total);
	print_u64("requests", st.requests);
	print_u64("samples", st.samples);
	print_u64("batches", st.batches);
	print_u64("busy_rejects", st.busy_rejects);
	print_u64("timeouts", st.timeouts);
	print_u64("errors", st.errors);
	print_u64("nonfinite_rejects", st.nonfinite_rejects);
	print_u64("queue_depth", st.queue_depth);
	print_u64("inflight_batches", st.inflight_batches);
	print_x1000("samples_per_s", st.samples_per_s_x1000);
	print_x1000("batch_avg", st.batch_avg_x1000);
	print_u64("latency_p50_us", st.latency_p50_us);
	print_u64("latency_p99_us", st.latency_p99_us);
	print_u64("reloads", st.reloads);
	print_u64("backend_failures", st.backend_failures);
	printf("  (counters since qnnd started; samples_per_s, batch_avg and latency_p*: the last\n"
	       "  completed statistics interval, stats_interval_s in qnnd.conf, default 10 s)\n");
	return 0;
}

static int show_devices(void)
{
	char err[256];
	int r = qnnctl_sysfs_dump(err, sizeof(err));

	if (r < 0)
		printf("devices: none (%s)\n", err);
	else if (r == 0)
		printf("devices: none in %s\n", QNNCTL_SYSFS_CLASS);
	r = qnnctl_netlink_dump(err, sizeof(err));
	if (r < 0)
		printf("netlink: %s\n", err);
	else if (r == 0)
		printf("netlink: no devices\n");
	return 0;
}

static int status_run(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"daemon-only", no_argument, NULL, 'd'},
	    {"devices-only", no_argument, NULL, 'D'},
	    {"timeout", required_argument, NULL, 't'},
	    {"json", no_argument, NULL, 'j'},
	    {0},
	};
	int daemon = 1, devices = 1, timeout_ms = 5000, c, rc = 0, json = 0;

	while ((c = getopt_long(argc, argv, "dDt:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			devices = 0;
			break;
		case 'D':
			daemon = 0;
			break;
		case 't':
			timeout_ms = (int)qnnctl_parse_u64("--timeout", optarg, 1, 3600000);
			break;
		case 'j':
			json = 1;
			devices = 0;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind < argc || (!daemon && !devices) || (json && !daemon)) {
		fputs(usage, stderr);
		return 2;
	}
	if (daemon)
		rc |= show_daemon(timeout_ms, json);
	if (devices)
		rc |= show_devices();
	return rc;
}

const struct qnnctl_cmd qnnctl_cmd_status = {
    .name = "status",
    .summary = "daemon counters, devices (sysfs, netlink)",
    .usage = usage,
    .run = status_run,
};
