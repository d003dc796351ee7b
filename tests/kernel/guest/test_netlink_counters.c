// SPDX-License-Identifier: GPL-2.0
/*
 * test_netlink_counters.c - every counter of /sys/class/qnn/qnn0/ has its
 * attribute in the generic netlink device dump, with the same value, after
 * work of known outcome: good jobs, an injected timeout, a DMA error, a
 * short transfer, and jobs canceled by closing their file. Both views come
 * from one qnn_stats_snapshot(), so any difference is a missing or
 * misplaced attribute; the counts themselves are checked against the work.
 */
#include <errno.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qg.h"

/* sysfs file <-> netlink attribute, for every value both describe. */
static const struct {
	const char *sysfs;
	int attr;
	int type; /* NLA_U64, NLA_U32, NLA_U8 */
} counters[] = {
	{ "jobs", QNN_A_JOBS, NLA_U64 },
	{ "samples", QNN_A_SAMPLES, NLA_U64 },
	{ "bytes_in", QNN_A_BYTES_IN, NLA_U64 },
	{ "bytes_out", QNN_A_BYTES_OUT, NLA_U64 },
	{ "errors", QNN_A_ERRORS, NLA_U64 },
	{ "timeouts", QNN_A_TIMEOUTS, NLA_U64 },
	{ "dma_errors", QNN_A_DMA_ERRORS, NLA_U64 },
	{ "proto_errors", QNN_A_PROTO_ERRORS, NLA_U64 },
	{ "canceled", QNN_A_CANCELED, NLA_U64 },
	{ "resets", QNN_A_RESETS, NLA_U64 },
	{ "busy_ns", QNN_A_BUSY_NS, NLA_U64 },
	{ "latency_last_ns", QNN_A_LAT_LAST_NS, NLA_U64 },
	{ "latency_avg_ns", QNN_A_LAT_AVG_NS, NLA_U64 },
	{ "latency_max_ns", QNN_A_LAT_MAX_NS, NLA_U64 },
	{ "needs_reset", QNN_A_NEEDS_RESET, NLA_U8 },
	{ "timeout_base_ms", QNN_A_TIMEOUT_BASE_MS, NLA_U32 },
	{ "timeout_per_sample_us", QNN_A_TIMEOUT_PER_SAMPLE_US, NLA_U32 },
};

#define N_COUNTERS (sizeof(counters) / sizeof(counters[0]))
#define MISSING UINT64_MAX

struct view {
	uint64_t v[N_COUNTERS];
	int devices;
};

static int dump_cb(struct nl_msg *msg, void *arg)
{
	struct view *w = arg;
	struct nlattr *a[QNN_A_MAX + 1];

	if (genlmsg_parse(nlmsg_hdr(msg), 0, a, QNN_A_MAX, NULL))
		return NL_SKIP;
	w->devices++;
	for (size_t i = 0; i < N_COUNTERS; i++) {
		struct nlattr *x = a[counters[i].attr];

		if (!x)
			w->v[i] = MISSING;
		else if (counters[i].type == NLA_U8)
			w->v[i] = nla_get_u8(x);
		else if (counters[i].type == NLA_U32)
			w->v[i] = nla_get_u32(x);
		else
			w->v[i] = nla_get_u64(x);
	}
	return NL_OK;
}

static int netlink_view(struct nl_sock *sk, int family, struct view *w)
{
	struct nl_msg *m = nlmsg_alloc();
	int ret;

	memset(w, 0, sizeof(*w));
	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, NLM_F_DUMP,
		    QNN_CMD_GET_DEVICE, QNN_GENL_VERSION);
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, dump_cb, w);
	ret = nl_send_auto(sk, m);
	nlmsg_free(m);
	if (ret >= 0)
		ret = nl_recvmsgs_default(sk);
	return ret < 0 ? ret : 0;
}

static void sysfs_view(struct view *w)
{
	for (size_t i = 0; i < N_COUNTERS; i++)
		w->v[i] = qg_sysfs_u64(counters[i].sysfs);
}

/*
 * Compare the two views while nothing runs: sysfs, netlink, sysfs again,
 * until both sysfs reads agree (a job still finishing moves them).
 */
static void compare(struct nl_sock *sk, int family, const char *when,
		    struct view *out)
{
	struct view s1, nl, s2;
	int tries = 0, ret;

	do {
		sysfs_view(&s1);
		ret = netlink_view(sk, family, &nl);
		sysfs_view(&s2);
		if (memcmp(s1.v, s2.v, sizeof(s1.v)))
			usleep(200000);
	} while (memcmp(s1.v, s2.v, sizeof(s1.v)) && ++tries < 100);
	qg_check(tries < 100, "%s: counters settle", when);
	qg_check(ret == 0 && nl.devices == 1, "%s: dump: %s, %d device(s)",
		 when, nl_geterror(ret), nl.devices);
	for (size_t i = 0; i < N_COUNTERS; i++) {
		if (nl.v[i] == MISSING) {
			qg_check(false, "%s: netlink has no %s (sysfs %llu)",
				 when, counters[i].sysfs,
				 (unsigned long long)s1.v[i]);
			continue;
		}
		qg_check(nl.v[i] == s1.v[i], "%s: %s netlink %llu, sysfs %llu",
			 when, counters[i].sysfs, (unsigned long long)nl.v[i],
			 (unsigned long long)s1.v[i]);
	}
	*out = s1;
}

static uint64_t value(const struct view *w, const char *name)
{
	for (size_t i = 0; i < N_COUNTERS; i++)
		if (!strcmp(counters[i].sysfs, name))
			return w->v[i];
	qg_die("no counter %s", name);
}

/* One job of n samples, its fault injected first ("none" for none). */
static void run_job(struct qg_dev *d, struct qg_buf *in, struct qg_buf *out,
		    uint32_t n, const char *fault, int want)
{
	struct qnn_job j;
	char mode[32];
	int ret;

	snprintf(mode, sizeof(mode), "%s 1", fault);
	if (strcmp(fault, "none"))
		qg_check(qg_sim_fault(mode) == 0, "inject %s", fault);
	qg_job(&j, n, in, 0, out, 0);
	if (want == -ETIMEDOUT)
		j.timeout_ms = 300;
	ret = qg_run(d, &j);
	qg_check(ret == want, "%s job of %u: %s (want %s)", fault, n,
		 strerror(-ret), strerror(-want));
}

/*
 * Jobs queued behind a slow one are canceled when their file closes; those
 * already on the channels finish. Returns once each of the 8 is one or the
 * other.
 */
static void cancel_by_close(void)
{
	uint64_t done0 = qg_sysfs_u64("jobs") + qg_sysfs_u64("canceled");
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	int queued = 0;

	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, 16 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 16 * d.out_bytes, &out))
		qg_die("open for cancel");
	qg_check(qg_sim_speed(100, 2000000) == 0, "slow the simulator down");
	for (int i = 0; i < 8; i++) {
		qg_job(&j, 16, &in, 0, &out, 0);
		queued += qg_submit(&d, &j) == 0;
	}
	qg_check(queued == 8, "8 jobs submitted (%d)", queued);
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);
	for (int i = 0; i < 600; i++) {
		if (qg_sysfs_u64("jobs") + qg_sysfs_u64("canceled") == done0 + 8)
			break;
		usleep(100000);
	}
	qg_check(qg_sysfs_u64("jobs") + qg_sysfs_u64("canceled") == done0 + 8,
		 "the 8 jobs ran or were canceled");
	qg_sim_speed(-1, -1);
}

int main(void)
{
	struct nl_sock *sk;
	struct qg_dev d;
	struct qg_buf in, out;
	struct view w;
	int family;

	qg_begin("netlink_counters");
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk))
		qg_die("genl_connect");
	family = genl_ctrl_resolve(sk, QNN_GENL_NAME);
	if (family < 0)
		qg_die("family \"%s\": %s", QNN_GENL_NAME, nl_geterror(family));
	qg_relax_timeouts();
	qg_check(qg_sysfs_write("reset_counters", "1") == 0, "reset counters");
	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, 8 * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, 8 * d.out_bytes, &out))
		qg_die("open");
	memset(in.map, 0, in.size);

	run_job(&d, &in, &out, 8, "none", 0);
	run_job(&d, &in, &out, 4, "stall", -ETIMEDOUT);
	run_job(&d, &in, &out, 8, "error", -EIO);
	run_job(&d, &in, &out, 8, "short_s2mm", -EPROTO);
	run_job(&d, &in, &out, 5, "none", 0);
	compare(sk, family, "after the known jobs", &w);
	qg_check(value(&w, "jobs") == 5 && value(&w, "samples") == 13 &&
		 value(&w, "errors") == 3 && value(&w, "timeouts") == 1 &&
		 value(&w, "dma_errors") == 1 && value(&w, "proto_errors") == 1 &&
		 value(&w, "canceled") == 0,
		 "the work as counted: jobs %llu samples %llu errors %llu timeouts %llu dma %llu proto %llu",
		 (unsigned long long)value(&w, "jobs"),
		 (unsigned long long)value(&w, "samples"),
		 (unsigned long long)value(&w, "errors"),
		 (unsigned long long)value(&w, "timeouts"),
		 (unsigned long long)value(&w, "dma_errors"),
		 (unsigned long long)value(&w, "proto_errors"));
	qg_check(value(&w, "bytes_in") == 13 * d.in_bytes &&
		 value(&w, "bytes_out") == 13 * d.out_bytes,
		 "bytes of the good jobs");
	qg_buf_free(&d, &in);
	qg_buf_free(&d, &out);
	qg_close(&d);

	cancel_by_close();
	compare(sk, family, "after a file closed with jobs queued", &w);
	qg_check(value(&w, "canceled") >= 1, "jobs canceled: %llu",
		 (unsigned long long)value(&w, "canceled"));
	qg_relax_timeouts();
	nl_socket_free(sk);
	return qg_finish();
}
