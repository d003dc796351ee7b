/* SPDX-License-Identifier: GPL-2.0 */
/* qnntop: the per-process counters shared by qnntop.bpf.c and qnntop.c. */
#ifndef QNNTOP_H
#define QNNTOP_H

#define QNNTOP_MAX_PROCS 4096

struct qnntop_key {
	__u32 tgid;
	__s32 dev;
};

/* Per CPU (no atomics); qnntop.c adds them up (max: the largest). */
struct qnntop_val {
	__u64 jobs; /* finished, any status */
	__u64 samples;
	__u64 lat_sum_ns; /* submit -> done, successful jobs */
	__u64 lat_max_ns;
	__u64 ok;
	__u64 errors;	/* failed, other than timeouts */
	__u64 timeouts; /* ETIMEDOUT */
	char comm[16];
};

#endif /* QNNTOP_H */
