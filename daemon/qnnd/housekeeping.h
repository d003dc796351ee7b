/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * housekeeping.h - what runs on the 100 ms tick (housekeeping.c): deadlines,
 * stalled frames, the paused listener, STATUS=, the journal's throughput
 * record, the watchdog.
 */
#ifndef QNND_HOUSEKEEPING_H
#define QNND_HOUSEKEEPING_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

struct server;

struct housekeeping {
	struct stats_snapshot last; /* last journal window, for STATS replies */
	uint64_t last_status_us, last_journal_us, last_wd_us;
	uint64_t last_progress_us; /* a batch completed (or nothing was pending) */
	uint64_t wd_usec;	   /* systemd's watchdog period; 0: none */
};

/* At start (the clock's zero for the windows and the watchdog). */
void housekeeping_init(struct server *s, uint64_t now);
void housekeeping_tick(struct server *s, uint64_t now);
/* The STATUS= line: backend, throughput, queue, clients. */
void housekeeping_status(struct server *s, char *buf, size_t len);

/* A batch completed: work makes progress (the watchdog is fed). */
static inline void housekeeping_progress(struct housekeeping *hk, uint64_t now)
{
	hk->last_progress_us = now;
}

#endif
