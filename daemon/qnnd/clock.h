/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * clock.h - qnnd's one clock: CLOCK_MONOTONIC in microseconds. Deadlines,
 * batching delays, timings in replies and the log's rate limits all read
 * it; the batcher takes it as an argument (its tests use a fake one).
 */
#ifndef QNND_CLOCK_H
#define QNND_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

#endif
