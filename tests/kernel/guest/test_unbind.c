// SPDX-License-Identifier: GPL-2.0
/*
 * test_unbind.c - unbinding the driver (sysfs unbind, as an overlay
 * removal does) while a process holds /dev/qnn0 open with a job running,
 * jobs queued and a synchronous run waiting: every job fails with ENODEV,
 * every waiter wakes (poll reports POLLHUP), new calls get ENODEV, the
 * mmapped buffers stay valid, and closing frees everything. After binding
 * again the device works.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qg.h"

static struct qg_dev d;
static struct qg_buf in, out, out2;

struct sync_run {
	int ret;
	uint64_t ms;
};

static void *sync_runner(void *arg)
{
	struct sync_run *r = arg;
	struct qnn_job j;
	uint64_t t0 = qg_now_ns();

	qg_job(&j, 4, &in, 0, &out2, 0);
	r->ret = qg_run(&d, &j);
	r->ms = (qg_now_ns() - t0) / 1000000;
	return NULL;
}

static void *poller(void *arg)
{
	struct pollfd p = { .fd = d.fd, .events = POLLIN };
	int *revents = arg;

	/* Waits until the unbind fails the jobs. */
	if (poll(&p, 1, 20000) == 1)
		*revents = p.revents;
	return NULL;
}

int main(void)
{
	struct sync_run sr = { .ret = 1 };
	pthread_t t_sync, t_poll;
	struct qnn_reap r;
	struct qnn_job j;
	uint64_t ids[4];
	int revents = 0, ret, n_nodev = 0;

	qg_begin("unbind");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	if (qg_buf_alloc(&d, 64 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 64 * d.out_bytes, &out) ||
	    qg_buf_alloc(&d, 64 * d.out_bytes, &out2))
		qg_die("alloc");
	if (!qg_platform_name())
		qg_die("no platform device behind qnn0");
	memset(in.map, 0x3c, in.size);

	/* The first job stalls (long timeout); three more queue behind it. */
	qg_sysfs_write("timeout_base_ms", "30000");
	qg_check(qg_sim_fault("stall 1") == 0, "inject");
	for (int i = 0; i < 4; i++) {
		qg_job(&j, 8, &in, 0, &out, 0);
		ret = qg_submit(&d, &j);
		qg_check(ret == 0, "submit %d: %s", i, strerror(-ret));
		ids[i] = j.id;
	}
	pthread_create(&t_sync, NULL, sync_runner, &sr);
	pthread_create(&t_poll, NULL, poller, &revents);
	usleep(300000);
	/*
	 * Jobs 1 and 2 on the channels (two deep), job 3 synced behind them;
	 * job 4 and the sync run queued.
	 */
	qg_check(qg_sysfs_u64("queue_depth") == 2, "1 queued + the sync run (%llu)",
		 (unsigned long long)qg_sysfs_u64("queue_depth"));

	uint64_t t0 = qg_now_ns();

	ret = qg_unbind();
	qg_check(ret == 0, "unbind with open files: %s", strerror(-ret));
	qg_log("unbind took %llu ms",
	       (unsigned long long)((qg_now_ns() - t0) / 1000000));
	pthread_join(t_sync, NULL);
	pthread_join(t_poll, NULL);
	qg_check(sr.ret == -ENODEV, "the waiting run: %s", strerror(-sr.ret));
	qg_check(revents & POLLHUP, "poll woke with POLLHUP (%#x)", revents);
	qg_check(access(QG_DEV, F_OK) != 0, "/dev/qnn0 is gone");

	/*
	 * Every queued or running job comes back with ENODEV (in completion
	 * order: the queued ones fail first), then none.
	 */
	for (int i = 0; i < 4; i++) {
		ret = qg_reap(&d, &r, true);
		if (!qg_check(ret == 0, "reap %d: %s", i, strerror(-ret)))
			continue;
		for (int k = 0; k < 4; k++) {
			if (ids[k] == r.id) {
				ids[k] = 0;
				n_nodev += r.status == -ENODEV;
			}
		}
	}
	qg_check(n_nodev == 4, "%d of 4 jobs failed with ENODEV", n_nodev);
	qg_check(qg_reap(&d, &r, true) == -ENODEV, "then reap: ENODEV");

	/* New work is refused; the mappings are still ours. */
	qg_job(&j, 1, &in, 0, &out, 0);
	qg_check(qg_run(&d, &j) == -ENODEV, "run after unbind");
	qg_check(qg_submit(&d, &j) == -ENODEV, "submit after unbind");
	qg_check(qg_buf_alloc(&d, 4096, &(struct qg_buf){ 0 }) == -ENODEV,
		 "alloc after unbind");
	qg_check(((volatile unsigned char *)in.map)[in.size - 1] == 0x3c,
		 "input mapping intact");
	memset(out.map, 0x11, out.size);
	struct qnn_info info = { .abi_version = QNN_ABI_VERSION };

	qg_check(qg_ioctl(d.fd, QNN_IOC_INFO, &info) == 0,
		 "info still answers");
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_buf_free(&d, &out2);
	qg_close(&d);

	/* Bind again: a fresh device that works. */
	ret = qg_bind();
	qg_check(ret == 0, "bind: %s", strerror(-ret));
	qg_check(qg_wait_dev(5000) == 0, "/dev/qnn0 is back");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("reopen: %s", strerror(-ret));
	qg_relax_timeouts();
	if (qg_buf_alloc(&d, d.in_bytes, &in) ||
	    qg_buf_alloc(&d, d.out_bytes, &out))
		qg_die("alloc");
	qg_job(&j, 1, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == 0, "run after rebind: %s", strerror(-ret));
	qg_close(&d);
	return qg_finish();
}
