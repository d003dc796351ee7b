/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * epoch_progress.h - the trainer's progress display: a live bar with epoch,
 * loss, accuracy and ETA on a terminal; one line per epoch otherwise (so
 * logs and CI output stay readable).
 */
#ifndef HG_PROGRESS_H
#define HG_PROGRESS_H

#include <stdio.h>

struct hg_progress {
	FILE *f;
	int live; /* redraw one line with \r */
	int quiet;
	int epochs;
	long steps_per_epoch;
	double t_start;
	double last_draw;
};

/* mode: 0 quiet, 1 line per epoch, 2 live bar when f is a terminal. */
void hg_progress_start(struct hg_progress *p, FILE *f, int mode, int epochs, long steps_per_epoch);
void hg_progress_step(struct hg_progress *p, int epoch, long step_in_epoch, double loss,
		      double acc);
void hg_progress_epoch(struct hg_progress *p, int epoch, double loss, double acc, double val_loss,
		       double val_acc, double lr, double seconds, const char *note);

#endif /* HG_PROGRESS_H */
