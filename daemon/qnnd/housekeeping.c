// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * housekeeping.c - what runs on the 100 ms tick: request deadlines (a
 * backstop: dispatch.c arms the wake timer for the next one), clients
 * stalled in the middle of a frame, STATUS= every second, the journal's
 * throughput record, and the watchdog, which is only fed while work makes
 * progress (a wedged backend gets the daemon restarted).
 */
#include <stdio.h>

#include "log.h"
#include "notify.h"
#include "qnnd.h"

void housekeeping_status(struct server *s, char *buf, size_t len)
{
	struct stats_snapshot snap;

	stats_window_close(&s->st.status, now_us(), s->bq.queued_samples, &snap);
	snprintf(buf, len,
		 "%s: %.0f samples/s, batch avg %.1f, p99 %llu us, queue %u, clients %llu",
		 s->svc ? s->svc->be->desc : "no backend", snap.samples_per_s, snap.batch_avg,
		 (unsigned long long)snap.p99_us, s->bq.queued_samples,
		 (unsigned long long)s->st.clients);
}

static void stalled_frames(struct server *s, uint64_t now)
{
	uint64_t limit = (uint64_t)s->cfg.frame_timeout_ms * 1000;
	struct conn *c = s->conns, *next;

	if (!limit)
		return;
	for (; c; c = next) {
		next = c->next;
		if (c->partial_since_us && now - c->partial_since_us > limit) {
			log_failure("protocol",
				    "connection %llu (pid %d): incomplete frame for %u ms",
				    (unsigned long long)c->id, c->pid, s->cfg.frame_timeout_ms);
			conn_close(s, c, "stalled mid-frame");
		}
	}
}

static void watchdog(struct server *s, uint64_t now)
{
	if (!s->wd_usec || now - s->last_wd_us < s->wd_usec / 2)
		return;
	bool pending = !dispatch_idle(s);

	/* Busy and nothing completed for a whole period: let systemd act. */
	if (pending && now - s->last_progress_us > s->wd_usec) {
		log_failure("watchdog", "no batch completed for %llu ms with work pending",
			    (unsigned long long)(now - s->last_progress_us) / 1000);
		s->last_wd_us = now;
		return;
	}
	if (!pending)
		s->last_progress_us = now;
	notify_watchdog();
	s->last_wd_us = now;
}

void housekeeping_tick(struct server *s, uint64_t now)
{
	dispatch_expire(s, now);
	stalled_frames(s, now);
	accept_tick(s, now);
	log_limits_flush();
	watchdog(s, now);
	if (now - s->last_status_us >= 1000000) {
		char status[256];

		housekeeping_status(s, status, sizeof(status));
		notify_status(status);
		s->last_status_us = now;
	}
	if (s->cfg.stats_interval_s &&
	    now - s->last_journal_us >= (uint64_t)s->cfg.stats_interval_s * 1000000) {
		stats_window_close(&s->st.journal, now, s->bq.queued_samples, &s->last);
		log_stats(&s->last, s->svc ? s->svc->info.backend : "none");
		s->last_journal_us = now;
	}
}
