/* SPDX-License-Identifier: GPL-2.0 */
/* log2 slots of the histograms: slot s holds [2^(s-1), 2^s - 1], slot 0 holds 0. */
#ifndef BITS_BPF_H
#define BITS_BPF_H

/* The number of significant bits of v (a loop the verifier bounds). */
static __always_inline __u32 qnn_log2_slot(__u64 v)
{
	__u32 n = 0;

	for (int i = 32; i > 0; i >>= 1) {
		if (v >> i) {
			v >>= i;
			n += i;
		}
	}
	return v ? n + 1 : n;
}

#endif /* BITS_BPF_H */
