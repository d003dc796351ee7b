/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_progress.h - a progress indicator on stderr for long runs.
 * On a terminal it redraws one line (at most 10 times a second); otherwise
 * (CI logs, pipes) it prints a plain line every 10%. Safe to update from
 * several threads at once.
 */
#ifndef HLSGEN_PROGRESS_H
#define HLSGEN_PROGRESS_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct hlsgen_progress {
	FILE *f;
	char label[48];
	uint64_t total;
	uint64_t done; /* updated atomically */
	int enabled;
	int tty;
	int last_tenth;	  /* last 10% step printed (non-tty) */
	double t0;	  /* start, seconds */
	double last_draw; /* last redraw (tty) */
	pthread_mutex_t lock;
};

/* f NULL means stderr; enabled 0 makes every call a no-op. */
void hlsgen_progress_begin(struct hlsgen_progress *p, FILE *f, const char *label, uint64_t total,
			   int enabled);
void hlsgen_progress_add(struct hlsgen_progress *p, uint64_t n);
void hlsgen_progress_end(struct hlsgen_progress *p);

/* Monotonic seconds (also used for the images/s figures). */
double hlsgen_now(void);

#endif /* HLSGEN_PROGRESS_H */
