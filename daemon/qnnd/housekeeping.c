// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * housekeeping.c - what runs on the 100 ms tick: request deadlines (a
 * backstop: batch.c arms the wake timer for the next one), clients
 * stalled in the middle of a frame, STATUS= every second, the journal's
 * throughput record, and the watchdog, which is only fed while work makes
 * progress (a wedged backend gets the daemon restarted).
 */
#include <stdio.h>

#include "log.h"
#include "notify.h"
#include "qnnd.h"

void housekeeping_init(struct server *s, uint64_t now)
{
	struct housekeeping *hk = &s->hk;

	stats_init(&s->st, now);
	hk->last_status_us = hk->last_journal_us = hk->last_wd_us = hk->last_progress_us = now;
	hk->wd_usec = notify_watchdog_usec();
}

void housekeeping_status(struct server *s, char *buf, size_t len)
{
	struct stats_snapshot snap;

	stats_window_close(&s->st.status, now_us(), s->queue.bq.queued_samples, &snap);
	snprintf(buf, len,
		 "%s: %.0f samples/s, batch avg %.1f, p99 %llu us, queue %u, clients %llu",
		 s->svcs.cur ? s->svcs.cur->be->desc : "no backend", snap.samples_per_s,
		 snap.batch_avg, (unsigned long long)snap.p99_us, s->queue.bq.queued_samples,
		 (unsigned long long)s->st.clients);
}

static void watchdog(struct server *s, uint64_t now)
{
	struct housekeeping *hk = &s->hk;

	if (!hk->wd_usec || now - hk->last_wd_us < hk->wd_usec / 2)
		return;
	bool pending = !batch_idle(s);

	/* Busy and nothing completed for a whole period: let systemd act. */
	if (pending && now - hk->last_progress_us > hk->wd_usec) {
		log_failure("watchdog", "no batch completed for %llu ms with work pending",
			    (unsigned long long)(now - hk->last_progress_us) / 1000);
		hk->last_wd_us = now;
		return;
	}
	if (!pending)
		hk->last_progress_us = now;
	notify_watchdog();
	hk->last_wd_us = now;
}

void housekeeping_tick(struct server *s, uint64_t now)
{
	struct housekeeping *hk = &s->hk;

	queue_expire(s, now);
	receive_stalled(s, now);
	accept_tick(s, now);
	log_limits_flush();
	watchdog(s, now);
	if (now - hk->last_status_us >= 1000000) {
		char status[256];

		housekeeping_status(s, status, sizeof(status));
		notify_status(status);
		hk->last_status_us = now;
	}
	if (s->cfg.stats_interval_s &&
	    now - hk->last_journal_us >= (uint64_t)s->cfg.stats_interval_s * 1000000) {
		stats_window_close(&s->st.journal, now, s->queue.bq.queued_samples, &hk->last);
		log_stats(&hk->last, s->svcs.cur ? s->svcs.cur->info.backend : "none");
		hk->last_journal_us = now;
	}
}
