// SPDX-License-Identifier: GPL-2.0
/*
 * test_leaks.c - the driver and the simulator give back everything a file,
 * a buffer, a job or a failed job took. The guest boots with
 * slub_debug=FZPU, so every slab cache lists its live objects by
 * allocation site (debugfs slab/<cache>/alloc_traces; sysfs alloc_calls
 * before Linux 5.19) and
 * /proc/vmallocinfo lists vmalloc areas by caller: the objects allocated
 * by qnn and qnn_sim functions are counted after one round of work (the
 * warm-up: lazily created state), then after many more rounds; the counts
 * must come back to the same numbers. This sees a leak of one object per
 * job, which the load/unload cycles' MemAvailable guard cannot.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "qg.h"

enum { ROUNDS = 12, N = 8 };

struct qnn_objs {
	long slab;	/* live slab objects allocated by qnn code */
	long vmalloc;	/* vmalloc areas allocated by qnn code */
};

/* Sum of the counts of the lines naming a qnn function. */
static long count_lines(const char *text, bool first_field_is_count)
{
	long n = 0;

	for (const char *l = text; l && *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, l);
		if (strstr(line, "qnn"))
			n += first_field_is_count ? strtol(line, NULL, 10) : 1;
		l = e ? e + 1 : NULL;
	}
	return n;
}

static const char *const slab_dirs[][2] = {
	{ "/sys/kernel/debug/slab", "alloc_traces" },
	{ "/sys/kernel/slab", "alloc_calls" },
};

/* Live slab objects allocated by qnn code; -ENOENT without tracking. */
static int count_slab(const char *top, const char *file, long *count)
{
	DIR *dir = opendir(top);
	struct dirent *de;
	int caches = 0;

	if (!dir)
		return -ENOENT;
	*count = 0;
	while ((de = readdir(dir))) {
		char path[300];
		size_t len;
		char *text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", top, de->d_name, file);
		text = qg_slurp(path, &len);
		if (!text)
			continue;	/* aliases of merged caches */
		caches++;
		*count += count_lines(text, true);
		free(text);
	}
	closedir(dir);
	return caches ? 0 : -ENOENT;
}

static int count_objs(struct qnn_objs *o)
{
	size_t i;

	for (i = 0; i < sizeof(slab_dirs) / sizeof(slab_dirs[0]); i++)
		if (!count_slab(slab_dirs[i][0], slab_dirs[i][1], &o->slab))
			break;
	if (i == sizeof(slab_dirs) / sizeof(slab_dirs[0])) {
		qg_log("no slab allocation traces (is slub_debug=U on?)");
		return -ENOENT;
	}

	char *vm = qg_slurp("/proc/vmallocinfo", &(size_t){ 0 });

	if (!vm) {
		qg_log("/proc/vmallocinfo: %s", strerror(errno));
		return -ENOENT;
	}
	o->vmalloc = count_lines(vm, false);
	free(vm);
	return 0;
}

/*
 * One round: a file with buffers, a synchronous run, async jobs reaped, a
 * failed job (DMA error, core reset), and a file closed with jobs still
 * queued and buffers still mapped.
 */
static void one_round(void)
{
	struct qg_dev d, d2;
	struct qg_buf in, out, in2, out2;
	struct qnn_job j;
	struct qnn_reap r;

	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, N * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, N * d.out_bytes, &out))
		qg_die("open/alloc");
	memset(in.map, 0, in.size);
	qg_job(&j, N, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == 0, "run");
	for (int i = 0; i < 3; i++) {
		qg_job(&j, N, &in, 0, &out, 0);
		qg_check(qg_submit(&d, &j) == 0, "submit %d", i);
	}
	for (int i = 0; i < 3; i++)
		qg_check(qg_reap(&d, &r, true) == 0 && r.status == 0, "reap %d", i);
	qg_check(qg_sim_fault("error 1") == 0, "inject");
	qg_job(&j, N, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == -EIO, "failed job");
	qg_job(&j, N, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == 0, "run after the failure");

	/* A second file goes away with work queued and buffers mapped. */
	if (qg_open(&d2, QG_DEV) || qg_buf_alloc(&d2, N * d2.in_bytes, &in2) ||
	    qg_buf_alloc(&d2, N * d2.out_bytes, &out2))
		qg_die("open/alloc 2");
	for (int i = 0; i < 6; i++) {
		qg_job(&j, N, &in2, 0, &out2, 0);
		qg_check(qg_submit(&d2, &j) == 0, "submit2 %d", i);
	}
	qg_close(&d2);
	munmap(in2.map, in2.size);
	munmap(out2.map, out2.size);

	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);
}

/* Frees may finish a little later (the worker, RCU): wait for them. */
static int settle(const struct qnn_objs *want, struct qnn_objs *got)
{
	for (int i = 0; i < 50; i++) {
		int ret = count_objs(got);

		if (ret)
			return ret;
		if (got->slab <= want->slab && got->vmalloc <= want->vmalloc)
			return 0;
		usleep(100000);
	}
	return 0;
}

int main(void)
{
	struct qnn_objs base, after;
	int ret;

	qg_begin("leaks");
	qg_relax_timeouts();
	one_round();
	sleep(1);
	ret = count_objs(&base);
	if (ret)
		qg_die("cannot count allocations: %s", strerror(-ret));
	qg_log("after the warm-up: %ld slab objects, %ld vmalloc areas of qnn",
	       base.slab, base.vmalloc);
	qg_check(base.slab > 0, "allocation tracking sees the driver's objects");
	for (int i = 0; i < ROUNDS; i++)
		one_round();
	ret = settle(&base, &after);
	if (ret)
		qg_die("cannot count allocations: %s", strerror(-ret));
	qg_log("after %d more rounds: %ld slab objects, %ld vmalloc areas",
	       ROUNDS, after.slab, after.vmalloc);
	qg_check(after.slab == base.slab, "slab objects %ld -> %ld", base.slab,
		 after.slab);
	qg_check(after.vmalloc == base.vmalloc, "vmalloc areas %ld -> %ld",
		 base.vmalloc, after.vmalloc);
	return qg_finish();
}
