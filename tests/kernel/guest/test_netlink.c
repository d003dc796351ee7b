// SPDX-License-Identifier: GPL-2.0
/*
 * test_netlink.c - the generic netlink family "qnn" seen by a libnl-genl
 * client: the device dump agrees with sysfs, single-device get, strict
 * policies (output-only, unknown, out-of-range attributes refused), writes
 * need CAP_NET_ADMIN, and the "events" multicast group announces job
 * timeouts and errors (with the job id and errno), core resets, and the
 * device going away and coming back.
 */
#include <errno.h>
#include <linux/capability.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qg.h"

static int family;

struct dev_seen {
	int count;
	uint32_t index;
	char name[32];
	uint64_t jobs, samples, errors, timeouts;
	uint32_t base_ms;
};

static int dev_cb(struct nl_msg *msg, void *arg)
{
	struct dev_seen *s = arg;
	struct nlattr *a[QNN_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, QNN_A_MAX, NULL))
		return NL_SKIP;
	s->count++;
	if (!a[QNN_A_DEV_INDEX] || !a[QNN_A_DEV_NAME] || !a[QNN_A_JOBS])
		return NL_SKIP;
	s->index = nla_get_u32(a[QNN_A_DEV_INDEX]);
	snprintf(s->name, sizeof(s->name), "%s", nla_get_string(a[QNN_A_DEV_NAME]));
	s->jobs = nla_get_u64(a[QNN_A_JOBS]);
	s->samples = nla_get_u64(a[QNN_A_SAMPLES]);
	s->errors = nla_get_u64(a[QNN_A_ERRORS]);
	s->timeouts = nla_get_u64(a[QNN_A_TIMEOUTS]);
	s->base_ms = nla_get_u32(a[QNN_A_TIMEOUT_BASE_MS]);
	return NL_OK;
}

static struct nl_sock *connect_sock(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	if (!sk || genl_connect(sk))
		qg_die("genl_connect");
	return sk;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	*(int *)arg = 1;
	return NL_STOP;
}

/*
 * Sends cmd with the attributes put by fill; returns 0 or -NLE_*. A dump
 * ends with NLMSG_DONE; a do ends with its ack (after any reply).
 */
static int request(struct nl_sock *sk, int cmd, int flags,
		   void (*fill)(struct nl_msg *m, void *arg), void *arg,
		   struct dev_seen *seen)
{
	struct nl_msg *m = nlmsg_alloc();
	int ret, acked = 0;

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
		    QNN_GENL_VERSION);
	if (fill)
		fill(m, arg);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, dev_cb, seen);
	nl_socket_modify_cb(sk, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &acked);
	ret = nl_send_auto(sk, m);
	nlmsg_free(m);
	if (ret < 0)
		return ret;
	do {
		ret = nl_recvmsgs_default(sk);
	} while (ret >= 0 && !(flags & NLM_F_DUMP) && !acked);
	return ret < 0 ? ret : 0;
}

static void put_index(struct nl_msg *m, void *arg)
{
	nla_put_u32(m, QNN_A_DEV_INDEX, 0);
}

static void put_output_attr(struct nl_msg *m, void *arg)
{
	nla_put_u32(m, QNN_A_DEV_INDEX, 0);
	nla_put_u64(m, QNN_A_JOBS, 5);
}

static void put_unknown_attr(struct nl_msg *m, void *arg)
{
	nla_put_u32(m, QNN_A_DEV_INDEX, 0);
	nla_put_u32(m, QNN_A_MAX + 10, 5);
}

static void put_base(struct nl_msg *m, void *arg)
{
	nla_put_u32(m, QNN_A_DEV_INDEX, 0);
	nla_put_u32(m, QNN_A_TIMEOUT_BASE_MS, *(uint32_t *)arg);
}

static void put_flags(struct nl_msg *m, void *arg)
{
	nla_put_u32(m, QNN_A_DEV_INDEX, 0);
	nla_put_u32(m, QNN_A_SET_FLAGS, *(uint32_t *)arg);
}

static void check_dump_and_get(struct nl_sock *sk)
{
	struct dev_seen s = { 0 };
	int ret;

	ret = request(sk, QNN_CMD_GET_DEVICE, NLM_F_DUMP, NULL, NULL, &s);
	qg_check(ret == 0, "dump: %s", nl_geterror(ret));
	qg_check(s.count == 1 && s.index == 0 && !strcmp(s.name, "qnn0"),
		 "dump saw %d device(s), \"%s\"", s.count, s.name);
	qg_check(s.jobs == qg_sysfs_u64("jobs") &&
		 s.samples == qg_sysfs_u64("samples") &&
		 s.errors == qg_sysfs_u64("errors") &&
		 s.timeouts == qg_sysfs_u64("timeouts"),
		 "dump counters (%llu jobs) equal sysfs (%llu)",
		 (unsigned long long)s.jobs,
		 (unsigned long long)qg_sysfs_u64("jobs"));
	memset(&s, 0, sizeof(s));
	ret = request(sk, QNN_CMD_GET_DEVICE, 0, put_index, NULL, &s);
	qg_check(ret == 0 && s.count == 1 && s.index == 0, "get qnn0: %s",
		 nl_geterror(ret));
	ret = request(sk, QNN_CMD_GET_DEVICE, 0, NULL, NULL, &s);
	qg_check(ret < 0, "get without an index refused");
}

static void check_policies(struct nl_sock *sk)
{
	struct dev_seen s = { 0 };
	uint32_t v;
	int ret;

	ret = request(sk, QNN_CMD_GET_DEVICE, 0, put_output_attr, NULL, &s);
	qg_check(ret < 0, "output-only attribute refused (%d)", ret);
	ret = request(sk, QNN_CMD_GET_DEVICE, 0, put_unknown_attr, NULL, &s);
	qg_check(ret < 0, "unknown attribute refused (%d)", ret);
	v = 0;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_base, &v, &s);
	qg_check(ret < 0, "timeout_base_ms 0 refused");
	v = QNN_MAX_TIMEOUT_MS + 1;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_base, &v, &s);
	qg_check(ret < 0, "timeout_base_ms too big refused");
	v = 0x80;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_flags, &v, &s);
	qg_check(ret < 0, "unknown set flag refused");
	v = 777;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_base, &v, &s);
	qg_check(ret == 0, "set timeout_base_ms: %s", nl_geterror(ret));
	qg_check(qg_sysfs_u64("timeout_base_ms") == 777, "sysfs sees the set");
	v = QNN_SET_RESET_COUNTERS;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_flags, &v, &s);
	qg_check(ret == 0 && qg_sysfs_u64("jobs") == 0 &&
		 qg_sysfs_u64("samples") == 0, "reset counters: %s",
		 nl_geterror(ret));
	v = QNN_SET_RESET_CORE;
	ret = request(sk, QNN_CMD_SET_DEVICE, 0, put_flags, &v, &s);
	qg_check(ret == 0 && qg_sysfs_u64("resets") == 1,
		 "reset the core: %s", nl_geterror(ret));
}

/* In a child without CAP_NET_ADMIN: reads work, writes are refused. */
static void check_admin_perm(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		struct __user_cap_header_struct h = {
			.version = _LINUX_CAPABILITY_VERSION_3,
		};
		struct __user_cap_data_struct c[2];
		struct dev_seen s = { 0 };
		struct nl_sock *sk;
		uint32_t v = 1000;

		if (syscall(SYS_capget, &h, c))
			_exit(10);
		c[0].effective &= ~(1u << CAP_NET_ADMIN);
		c[0].permitted &= ~(1u << CAP_NET_ADMIN);
		if (syscall(SYS_capset, &h, c))
			_exit(11);
		sk = connect_sock();
		if (request(sk, QNN_CMD_GET_DEVICE, NLM_F_DUMP, NULL, NULL, &s) ||
		    s.count != 1)
			_exit(12);
		if (request(sk, QNN_CMD_SET_DEVICE, 0, put_base, &v, &s) !=
		    -NLE_PERM)
			_exit(13);
		_exit(0);
	}
	waitpid(pid, &status, 0);
	qg_check(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "without CAP_NET_ADMIN: step %d failed", WEXITSTATUS(status));
	qg_check(qg_sysfs_u64("timeout_base_ms") == 777, "unprivileged set had no effect");
}

struct event {
	uint32_t type;
	uint64_t job;
	int32_t status;
	char dev[32];
};

struct events {
	struct event ev[32];
	int n;
};

static int event_cb(struct nl_msg *msg, void *arg)
{
	struct events *e = arg;
	struct nlattr *a[QNN_A_MAX + 1];
	struct event *x;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, QNN_A_MAX, NULL) ||
	    !a[QNN_A_EVENT] || e->n >= 32)
		return NL_SKIP;
	x = &e->ev[e->n++];
	memset(x, 0, sizeof(*x));
	x->type = nla_get_u32(a[QNN_A_EVENT]);
	if (a[QNN_A_JOB_ID])
		x->job = nla_get_u64(a[QNN_A_JOB_ID]);
	if (a[QNN_A_JOB_STATUS])
		x->status = (int32_t)nla_get_u32(a[QNN_A_JOB_STATUS]);
	if (a[QNN_A_DEV_NAME])
		snprintf(x->dev, sizeof(x->dev), "%s",
			 nla_get_string(a[QNN_A_DEV_NAME]));
	return NL_OK;
}

/* Collect events for up to ms; stop early once type has been seen. */
static struct event *wait_event(struct nl_sock *ev, struct events *e,
				uint32_t type, uint64_t job, int ms)
{
	struct pollfd p = { .fd = nl_socket_get_fd(ev), .events = POLLIN };
	uint64_t end = qg_now_ns() + (uint64_t)ms * 1000000;

	for (;;) {
		for (int i = 0; i < e->n; i++)
			if (e->ev[i].type == type && (!job || e->ev[i].job == job))
				return &e->ev[i];
		if (qg_now_ns() >= end)
			return NULL;
		if (poll(&p, 1, 100) == 1)
			nl_recvmsgs_default(ev);
	}
}

static void check_events(void)
{
	struct nl_sock *ev = connect_sock();
	struct events e = { .n = 0 };
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	struct event *x;
	int grp, ret;

	grp = genl_ctrl_resolve_grp(ev, QNN_GENL_NAME, QNN_GENL_MCGRP_EVENTS);
	if (!qg_check(grp >= 0, "events group: %s", nl_geterror(grp)))
		return;
	nl_socket_disable_seq_check(ev);
	nl_socket_modify_cb(ev, NL_CB_VALID, NL_CB_CUSTOM, event_cb, &e);
	qg_check(nl_socket_add_membership(ev, grp) == 0, "join events");
	nl_socket_set_nonblocking(ev);

	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, 8 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 8 * d.out_bytes, &out))
		qg_die("open");
	qg_check(qg_sim_fault("stall 1") == 0, "inject");
	qg_job(&j, 8, &in, 0, &out, 0);
	j.timeout_ms = 300;
	ret = qg_run(&d, &j);
	qg_check(ret == -ETIMEDOUT, "stalled job: %s", strerror(-ret));
	x = wait_event(ev, &e, QNN_EVENT_TIMEOUT, j.id, 3000);
	qg_check(x && x->status == -ETIMEDOUT && !strcmp(x->dev, "qnn0"),
		 "timeout event for job %llu", (unsigned long long)j.id);
	qg_check(wait_event(ev, &e, QNN_EVENT_RESET, 0, 3000) != NULL,
		 "reset event");

	qg_check(qg_sim_fault("error 1") == 0, "inject");
	qg_job(&j, 8, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == -EIO, "failed job: %s", strerror(-ret));
	x = wait_event(ev, &e, QNN_EVENT_JOB_ERROR, j.id, 3000);
	qg_check(x && x->status == -EIO, "job error event for job %llu",
		 (unsigned long long)j.id);
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);

	ret = qg_unbind();
	qg_check(ret == 0, "unbind: %s", strerror(-ret));
	qg_check(wait_event(ev, &e, QNN_EVENT_DEVICE_REMOVE, 0, 3000) != NULL,
		 "device remove event");
	ret = qg_bind();
	qg_check(ret == 0, "bind: %s", strerror(-ret));
	qg_check(wait_event(ev, &e, QNN_EVENT_DEVICE_ADD, 0, 3000) != NULL,
		 "device add event");
	qg_check(qg_wait_dev(5000) == 0, "/dev/qnn0 is back");
	nl_socket_free(ev);
}

int main(void)
{
	struct nl_sock *sk;

	qg_begin("netlink");
	sk = connect_sock();
	family = genl_ctrl_resolve(sk, QNN_GENL_NAME);
	if (family < 0)
		qg_die("family \"%s\": %s", QNN_GENL_NAME, nl_geterror(family));
	check_dump_and_get(sk);
	check_policies(sk);
	check_admin_perm();
	qg_relax_timeouts();
	check_events();
	qg_relax_timeouts();
	nl_socket_free(sk);
	return qg_finish();
}
