// SPDX-License-Identifier: GPL-2.0
/*
 * test_multiproc.c - four processes share /dev/qnn0, each keeping three
 * asynchronous jobs queued on its own digits: every output must be
 * bit-exact, each process must get its jobs back in submission order, and
 * the device must interleave the processes (FIFO across files, nobody
 * starves). Then a process killed with jobs queued: its jobs are cleaned
 * up (counted as canceled, queue drained) and the device keeps working.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qg.h"

enum { PROCS = 4, DEPTH = 3, JOBS = 24, BATCH = 40 };

/* Each child writes the id of every job to a pipe for the fairness check. */
static int child(int idx, int report_fd, int ready_fd, int go_fd)
{
	struct qg_dev d;
	struct qg_mnist m;
	struct qg_buf in[DEPTH], out[DEPTH];
	uint64_t ids[DEPTH];
	int submitted = 0, reaped = 0;
	size_t bad = 0;
	static char name[32];	/* qg_name points here until exit */
	char go;

	snprintf(name, sizeof(name), "multiproc[%d]", idx);
	qg_begin(name);
	if (qg_open(&d, QG_DEV) || qg_mnist_load(&m, &d))
		qg_die("open or data");
	for (int i = 0; i < DEPTH; i++)
		if (qg_buf_alloc(&d, BATCH * d.in_bytes, &in[i]) ||
		    qg_buf_alloc(&d, BATCH * d.out_bytes, &out[i]))
			qg_die("alloc");
	/* Start together: fairness is about processes competing. */
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &go, 1) != 1)
		qg_die("start barrier");
	while (reaped < JOBS) {
		while (submitted < JOBS && submitted - reaped < DEPTH) {
			int s = submitted % DEPTH;
			size_t first = (size_t)((idx * JOBS + submitted) * BATCH) % (m.n - BATCH);
			struct qnn_job j;
			int ret;

			memcpy(in[s].map, (char *)m.in + first * d.in_bytes,
			       BATCH * d.in_bytes);
			qg_job(&j, BATCH, &in[s], 0, &out[s], 0);
			j.user_data = first;
			ret = qg_submit(&d, &j);
			if (ret == -EAGAIN)
				break;
			if (!qg_check(ret == 0, "submit: %s", strerror(-ret)))
				return qg_finish();
			ids[s] = j.id;
			submitted++;
		}
		struct pollfd p = { .fd = d.fd, .events = POLLIN };
		struct qnn_reap r;
		int s = reaped % DEPTH;

		if (!qg_check(poll(&p, 1, 60000) == 1, "poll timeout"))
			return qg_finish();
		if (!qg_check(qg_reap(&d, &r, false) == 0, "reap"))
			return qg_finish();
		qg_check(r.id == ids[s], "job %llu came back, %llu expected",
			 (unsigned long long)r.id, (unsigned long long)ids[s]);
		qg_check(r.status == 0, "status %d", r.status);
		bad += qg_mnist_mismatches(&m, &d, out[s].map, r.user_data, BATCH);
		if (write(report_fd, &r.id, sizeof(r.id)) != sizeof(r.id))
			qg_check(false, "report pipe");
		reaped++;
	}
	qg_check(bad == 0, "%zu digits differ from the host engine", bad);
	qg_close(&d);
	return qg_finish();
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void run_concurrent(void)
{
	uint64_t ids[PROCS][JOBS];
	uint64_t all[PROCS * JOBS];
	int pipes[PROCS][2], ready[2], go[2];
	pid_t pids[PROCS];
	int status, n = 0;
	char buf[PROCS];

	if (pipe(ready) || pipe(go))
		qg_die("pipe");
	for (int i = 0; i < PROCS; i++) {
		if (pipe(pipes[i]))
			qg_die("pipe");
		pids[i] = fork();
		if (pids[i] == 0) {
			close(pipes[i][0]);
			_exit(child(i, pipes[i][1], ready[1], go[0]));
		}
		close(pipes[i][1]);
	}
	for (int i = 0; i < PROCS; i++)
		if (read(ready[0], buf, 1) != 1)
			qg_die("a process did not get ready");
	if (write(go[1], buf, PROCS) != PROCS)
		qg_die("go");
	for (int i = 0; i < PROCS; i++) {
		ssize_t got = read(pipes[i][0], ids[i], sizeof(ids[i]));

		for (ssize_t k = got; k > 0 && k < (ssize_t)sizeof(ids[i]);) {
			ssize_t more = read(pipes[i][0], (char *)ids[i] + k,
					    sizeof(ids[i]) - (size_t)k);
			if (more <= 0)
				break;
			k += more;
			got = k;
		}
		close(pipes[i][0]);
		qg_check(got == sizeof(ids[i]), "process %d reported %zd bytes",
			 i, got);
		if (waitpid(pids[i], &status, 0) != pids[i] ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			qg_check(false, "process %d failed", i);
		for (int k = 0; k < JOBS; k++)
			all[n++] = ids[i][k];
	}
	/* Ids are global: unique, and every process got some early ones. */
	qsort(all, (size_t)n, sizeof(all[0]), cmp_u64);
	for (int k = 1; k < n; k++)
		qg_check(all[k] != all[k - 1], "duplicate job id %llu",
			 (unsigned long long)all[k]);
	/*
	 * Served first come first served, with DEPTH jobs each in flight,
	 * the processes advance in step: the k-th jobs of all of them were
	 * submitted close together. One process served ahead of the others
	 * would spread them by up to PROCS * JOBS.
	 */
	for (int k = 0; k < JOBS; k++) {
		uint64_t lo = UINT64_MAX, hi = 0;

		for (int i = 0; i < PROCS; i++) {
			lo = ids[i][k] < lo ? ids[i][k] : lo;
			hi = ids[i][k] > hi ? ids[i][k] : hi;
		}
		qg_check(hi - lo <= 3 * PROCS * DEPTH,
			 "job %d of each process: ids %llu..%llu (unfair)", k,
			 (unsigned long long)lo, (unsigned long long)hi);
	}
}

/* A process killed with jobs queued leaves nothing behind. */
static void run_killed(void)
{
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	int sync[2], status, ret;
	uint64_t canceled0 = qg_sysfs_u64("canceled");
	pid_t pid;
	char c;

	if (pipe(sync))
		qg_die("pipe");
	pid = fork();
	if (pid == 0) {
		struct qg_dev cd;
		struct qg_buf ci, co;
		int queued = 0;

		if (qg_open(&cd, QG_DEV) || qg_buf_alloc(&cd, 1024 * cd.in_bytes, &ci) ||
		    qg_buf_alloc(&cd, 1024 * cd.out_bytes, &co))
			_exit(2);
		for (int i = 0; i < QNN_MAX_JOBS_PER_FILE; i++) {
			qg_job(&j, 1024, &ci, 0, &co, 0);
			if (qg_submit(&cd, &j) == 0)
				queued++;
		}
		if (write(sync[1], &c, 1) != 1)
			_exit(3);
		pause();
		_exit(queued);
	}
	close(sync[1]);
	if (read(sync[0], &c, 1) != 1)
		qg_die("child did not queue its jobs");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	qg_check(WIFSIGNALED(status), "child killed");

	/* Its queued jobs are dropped at once; those on the hardware finish. */
	for (int i = 0; i < 600 && qg_sysfs_u64("queue_depth") != 0; i++)
		usleep(100000);
	qg_check(qg_sysfs_u64("queue_depth") == 0, "queue drained");
	/* Two jobs on the channels and one synced behind them run. */
	qg_check(qg_sysfs_u64("canceled") - canceled0 >= QNN_MAX_JOBS_PER_FILE - 3,
		 "the killed process's jobs were canceled (%llu)",
		 (unsigned long long)(qg_sysfs_u64("canceled") - canceled0));

	ret = qg_open(&d, QG_DEV);
	if (ret || qg_buf_alloc(&d, d.in_bytes, &in) ||
	    qg_buf_alloc(&d, d.out_bytes, &out))
		qg_die("reopen");
	qg_job(&j, 1, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == 0, "the next job runs: %s", strerror(-ret));
	qg_close(&d);
}

int main(void)
{
	qg_begin("multiproc");
	qg_relax_timeouts();
	run_concurrent();
	run_killed();
	return qg_finish();
}
