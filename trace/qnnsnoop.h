/* SPDX-License-Identifier: GPL-2.0 */
/* qnnsnoop: one event per finished job, from qnnsnoop.bpf.c to qnnsnoop.c. */
#ifndef QNNSNOOP_H
#define QNNSNOOP_H

struct qnnsnoop_event {
	__u64 ts_ns; /* bpf_ktime_get_ns() at done */
	__u64 id;
	__u64 wait_ns;	  /* submit -> start; 0 if it never started */
	__u64 latency_ns; /* submit -> done */
	__u32 tgid;
	__u32 pid;
	__s32 dev;
	__u32 samples;
	__s32 status;
	__u32 started;
	char comm[16];
};

#endif /* QNNSNOOP_H */
