// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * progress.c - stderr progress indicator: one redrawn line on a terminal,
 * a line per 10% elsewhere, so CI logs stay short but show life.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hlsgen_progress.h"

#define REDRAW_INTERVAL 0.1 /* seconds between terminal redraws */
#define BAR_WIDTH	30

double hlsgen_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void hlsgen_progress_begin(struct hlsgen_progress *p, FILE *f, const char *label, uint64_t total,
			   int enabled)
{
	memset(p, 0, sizeof(*p));
	p->f = f ? f : stderr;
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->total = total;
	p->enabled = enabled && total > 0;
	p->tty = isatty(fileno(p->f));
	p->t0 = hlsgen_now();
	pthread_mutex_init(&p->lock, NULL);
}

static void draw_bar(struct hlsgen_progress *p, uint64_t done, double now, const char *end)
{
	int fill = (int)(done * BAR_WIDTH / p->total);
	double rate = now > p->t0 ? (double)done / (now - p->t0) : 0;
	char bar[BAR_WIDTH + 1];

	memset(bar, '#', (size_t)fill);
	memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
	bar[BAR_WIDTH] = 0;
	fprintf(p->f, "\r%s [%s] %3d%% %llu/%llu %.0f/s%s", p->label, bar,
		(int)(done * 100 / p->total), (unsigned long long)done,
		(unsigned long long)p->total, rate, end);
	fflush(p->f);
}

void hlsgen_progress_add(struct hlsgen_progress *p, uint64_t n)
{
	uint64_t done;
	double now;

	if (!p->enabled)
		return;
	done = __atomic_add_fetch(&p->done, n, __ATOMIC_RELAXED);
	if (done > p->total)
		done = p->total;
	/* one drawer at a time; the others skip rather than wait */
	if (pthread_mutex_trylock(&p->lock))
		return;
	now = hlsgen_now();
	if (p->tty) {
		if (now - p->last_draw >= REDRAW_INTERVAL) {
			draw_bar(p, done, now, "");
			p->last_draw = now;
		}
	} else {
		int tenth = (int)(done * 10 / p->total);

		if (tenth > p->last_tenth && tenth < 10) {
			fprintf(p->f, "%s: %d%% (%llu/%llu)\n", p->label, tenth * 10,
				(unsigned long long)done, (unsigned long long)p->total);
			fflush(p->f);
			p->last_tenth = tenth;
		}
	}
	pthread_mutex_unlock(&p->lock);
}

void hlsgen_progress_end(struct hlsgen_progress *p)
{
	double now = hlsgen_now();
	uint64_t done;

	if (p->enabled) {
		done = __atomic_load_n(&p->done, __ATOMIC_RELAXED);
		if (done > p->total)
			done = p->total;
		if (p->tty)
			draw_bar(p, done, now, "\n");
		else
			fprintf(p->f, "%s: done (%llu/%llu) in %.2f s\n", p->label,
				(unsigned long long)done, (unsigned long long)p->total,
				now - p->t0);
		fflush(p->f);
	}
	pthread_mutex_destroy(&p->lock);
}
