/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * reload.h - reload requests (reload.c): SIGHUP and RELOAD frames, coalesced,
 * never dropped, run after the turn's events.
 */
#ifndef QNND_RELOAD_H
#define QNND_RELOAD_H

#include <stdbool.h>
#include <stdint.h>

struct server;
struct conn;
struct config_source;

/*
 * Reloads run after the turn's events, not among them (reload_run): a reload may free
 * the old service at once, and a later event of the same epoll_wait() may be its
 * backend's (readable although its last batch was already completed, e.g. by a
 * worker's turn).
 */
struct reloader {
	const struct config_source *src; /* file + flags, read again by every reload */
	uint64_t requested;		 /* reload requests so far (SIGHUPs, RELOAD frames) */
	uint64_t answered;		 /* requests the reloads that ran so far answered */
	uint64_t config_gen; /* configuration generation: 1 at start, +1 per applied reload */
	bool deferred;	     /* a request waits for the retiring service (logged once) */
};

/* At start: where the configuration came from, generation 1. */
void reload_init(struct server *s, const struct config_source *src);
void reload_request(struct server *s);				  /* a SIGHUP */
void reload_frame(struct server *s, struct conn *c, uint32_t id); /* a RELOAD frame */
void reload_run(struct server *s); /* after the turn's events: run what is pending */

#endif
