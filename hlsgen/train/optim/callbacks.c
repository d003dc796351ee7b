// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Keras' ReduceLROnPlateau and EarlyStopping on val_loss (callbacks.h). */
#include <math.h>

#include "callbacks.h"

void hg_plateau_init(struct hg_plateau *p, int patience, float factor, float min_delta,
		     int cooldown, float min_lr)
{
	p->patience = patience;
	p->factor = factor;
	p->min_delta = min_delta;
	p->cooldown = cooldown;
	p->min_lr = min_lr;
	p->best = INFINITY;
	p->wait = 0;
	p->cooldown_left = 0;
}

float hg_plateau_update(struct hg_plateau *p, double val_loss, float lr)
{
	if (p->patience <= 0)
		return lr;
	if (p->cooldown_left > 0) {
		p->cooldown_left--;
		p->wait = 0;
	}
	if (val_loss < p->best - p->min_delta) {
		p->best = val_loss;
		p->wait = 0;
	} else if (p->cooldown_left <= 0) {
		if (++p->wait >= p->patience && lr > p->min_lr) {
			lr = fmaxf(lr * p->factor, p->min_lr);
			p->cooldown_left = p->cooldown;
			p->wait = 0;
		}
	}
	return lr;
}

void hg_early_stop_init(struct hg_early_stop *e, int patience, float min_delta)
{
	e->patience = patience;
	e->min_delta = min_delta;
	e->best = INFINITY;
	e->best_epoch = -1;
	e->wait = 0;
}

int hg_early_stop_update(struct hg_early_stop *e, int epoch, double val_loss, int *stop)
{
	int improved = 0;

	*stop = 0;
	e->wait++;
	if (val_loss - e->min_delta < e->best) {
		e->best = val_loss;
		e->best_epoch = epoch;
		e->wait = 0;
		improved = 1;
	}
	if (e->patience > 0 && e->wait >= e->patience && epoch > 0)
		*stop = 1;
	return improved;
}
