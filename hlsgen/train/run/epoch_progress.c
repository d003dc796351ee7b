// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Progress display for training. The ETA is the measured time per step so
 * far times the steps left (validation passes included in the rate, since
 * they are part of the time per epoch).
 */
#include <unistd.h>

#include "epoch_progress.h"
#include "hlsgen_progress.h"

void hg_progress_start(struct hg_progress *p, FILE *f, int mode, int epochs, long steps_per_epoch)
{
	p->f = f;
	p->quiet = mode == 0;
	p->live = mode == 2 && isatty(fileno(f));
	p->epochs = epochs;
	p->steps_per_epoch = steps_per_epoch;
	p->t_start = hlsgen_now();
	p->last_draw = 0.0;
}

static void fmt_time(char *buf, size_t len, double s)
{
	long t = (long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

void hg_progress_step(struct hg_progress *p, int epoch, long step_in_epoch, double loss, double acc)
{
	double now = hlsgen_now();
	long done = (long)epoch * p->steps_per_epoch + step_in_epoch;
	long total = (long)p->epochs * p->steps_per_epoch;
	char eta[32];
	int width = 24, fill;

	if (!p->live || (now - p->last_draw < 0.1 && step_in_epoch < p->steps_per_epoch))
		return;
	p->last_draw = now;
	fmt_time(eta, sizeof(eta),
		 done ? (now - p->t_start) / (double)done * (double)(total - done) : 0);
	fill = (int)((double)width * (double)step_in_epoch / (double)p->steps_per_epoch);
	fprintf(p->f, "\repoch %d/%d [", epoch + 1, p->epochs);
	for (int i = 0; i < width; i++)
		fputc(i < fill ? '=' : (i == fill ? '>' : '.'), p->f);
	fprintf(p->f, "] %ld/%ld loss %.4f acc %.4f ETA %s ", step_in_epoch, p->steps_per_epoch,
		loss, acc, eta);
	fflush(p->f);
}

void hg_progress_epoch(struct hg_progress *p, int epoch, double loss, double acc, double val_loss,
		       double val_acc, double lr, double seconds, const char *note)
{
	double el = hlsgen_now() - p->t_start;
	char eta[32];

	if (p->quiet)
		return;
	fmt_time(eta, sizeof(eta), el / (epoch + 1) * (p->epochs - epoch - 1));
	fprintf(p->f,
		"%sepoch %d/%d  %.2fs  loss %.4f  acc %.4f  val_loss %.4f  val_acc %.4f  lr %.3g  "
		"ETA %s%s%s\n",
		p->live ? "\r\033[K" : "", epoch + 1, p->epochs, seconds, loss, acc, val_loss,
		val_acc, lr, eta, note && *note ? "  " : "", note ? note : "");
	fflush(p->f);
}
