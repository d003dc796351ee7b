/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * callbacks.h - Keras' ReduceLROnPlateau and EarlyStopping, monitoring
 * val_loss (mode 'min'), with Keras' bookkeeping of wait/cooldown.
 */
#ifndef HG_CALLBACKS_H
#define HG_CALLBACKS_H

struct hg_plateau {
	int patience, cooldown;
	float factor, min_delta, min_lr;
	double best;
	int wait, cooldown_left;
};

struct hg_early_stop {
	int patience;
	float min_delta;
	double best;
	int best_epoch;
	int wait;
};

void hg_plateau_init(struct hg_plateau *p, int patience, float factor, float min_delta,
		     int cooldown, float min_lr);
/* Returns the learning rate to use from the next epoch on. */
float hg_plateau_update(struct hg_plateau *p, double val_loss, float lr);

void hg_early_stop_init(struct hg_early_stop *e, int patience, float min_delta);
/* 1 when this epoch improved (callers snapshot weights); *stop set to stop. */
int hg_early_stop_update(struct hg_early_stop *e, int epoch, double val_loss, int *stop);

#endif /* HG_CALLBACKS_H */
