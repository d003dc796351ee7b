// SPDX-License-Identifier: GPL-2.0
/*
 * test_qnnctl_devices.c - the device part of `qnnctl status`
 * (daemon/qnnctl/sysfs.c and netlink.c, built into this program
 * unchanged) against the real driver: after a job of known size, the
 * blocks it prints for qnn0 from sysfs and from the generic-netlink
 * family carry the model, shape and counters the driver reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qg.h"

#include "../../../daemon/qnnctl/netlink.c"
#include "../../../daemon/qnnctl/sysfs.c"

#define OUT_FILE "/tmp/qnnctl_devices.txt"

static const char *block = "device qnn0 (netlink)\n";

/* The value printed for key in qnn0's current block, or NULL. */
static const char *field(const char *text, const char *key, char *val, size_t len)
{
	const char *p = strstr(text, block);
	char pat[64];

	if (!p)
		return NULL;
	snprintf(pat, sizeof(pat), "\n  %s ", key);
	p = strstr(p, pat);
	if (!p)
		return NULL;
	p += strlen(pat);
	while (*p == ' ')
		p++;
	snprintf(val, len, "%.*s", (int)strcspn(p, "\n"), p);
	return val;
}

static void check_u64(const char *text, const char *key, uint64_t want)
{
	char v[64];

	qg_check(field(text, key, v, sizeof(v)) && strtoull(v, NULL, 10) == want,
		 "%s%s: qnnctl printed '%s', sysfs says %llu", block, key,
		 field(text, key, v, sizeof(v)) ? v : "(missing)",
		 (unsigned long long)want);
}

int main(void)
{
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	char err[256], err_sys[256], model[64], v[64], *text;
	size_t len;
	int saved, fd, n, n_sys;

	qg_begin("qnnctl_devices");
	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, 16 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 16 * d.out_bytes, &out))
		qg_die("device");
	memset(in.map, 0, in.size);
	qg_job(&j, 16, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == 0, "a 16-sample job");

	/* Capture what `qnnctl status` prints for the devices: sysfs, then netlink. */
	fflush(stdout);
	saved = dup(1);
	fd = open(OUT_FILE, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (saved < 0 || fd < 0 || dup2(fd, 1) < 0)
		qg_die("redirect: %s", strerror(errno));
	n_sys = qnnctl_sysfs_dump(err_sys, sizeof(err_sys));
	n = qnnctl_netlink_dump(err, sizeof(err));
	fflush(stdout);
	dup2(saved, 1);
	close(fd);
	close(saved);
	text = qg_slurp(OUT_FILE, &len);
	if (!text)
		qg_die("no output");
	text = realloc(text, len + 1);
	text[len] = '\0';
	fputs(text, stdout);

	qg_check(n_sys == 1, "sysfs devices reported: %d (%s)", n_sys, n_sys < 0 ? err_sys : "");
	block = "device qnn0 (sysfs " QG_SYSFS ")\n";
	check_u64(text, "jobs", qg_sysfs_u64("jobs"));
	check_u64(text, "samples", qg_sysfs_u64("samples"));
	check_u64(text, "n_inputs", 784);
	qg_check(field(text, "input_type", v, sizeof(v)) && !strcmp(v, "float32"),
		 "sysfs input_type '%s'", field(text, "input_type", v, sizeof(v)) ? v : "");
	qg_check(!field(text, "reset_counters", v, sizeof(v)) && !field(text, "uevent", v, sizeof(v)),
		 "write-only knobs and uevent are not printed");

	block = "device qnn0 (netlink)\n";
	qg_check(n == 1, "netlink devices reported: %d (%s)", n, n < 0 ? err : "");
	check_u64(text, "jobs", qg_sysfs_u64("jobs"));
	check_u64(text, "samples", qg_sysfs_u64("samples"));
	check_u64(text, "bytes_in", qg_sysfs_u64("bytes_in"));
	check_u64(text, "errors", qg_sysfs_u64("errors"));
	/* every counter sysfs has (test_netlink_counters: the values after faults) */
	check_u64(text, "bytes_out", qg_sysfs_u64("bytes_out"));
	check_u64(text, "timeouts", qg_sysfs_u64("timeouts"));
	check_u64(text, "dma_errors", qg_sysfs_u64("dma_errors"));
	check_u64(text, "proto_errors", qg_sysfs_u64("proto_errors"));
	check_u64(text, "canceled", qg_sysfs_u64("canceled"));
	check_u64(text, "resets", qg_sysfs_u64("resets"));
	check_u64(text, "n_inputs", 784);
	check_u64(text, "n_outputs", 10);
	check_u64(text, "max_batch", qg_sysfs_u64("max_batch"));
	qg_check(!qg_sysfs_str("model_name", model, sizeof(model)) &&
		 field(text, "model", v, sizeof(v)) && !strcmp(v, model),
		 "model: qnnctl '%s', sysfs '%s'", field(text, "model", v, sizeof(v)) ? v : "",
		 model);
	free(text);
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);
	return qg_finish();
}
