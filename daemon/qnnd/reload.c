// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * reload.c - reload requests: SIGHUP, and the RELOAD frame (`qnnctl reload`,
 * the unit's ExecReload, which must not return before the reload took
 * effect). Requests are counted, never dropped: each reload answers every
 * request made before it started, and one made while a reload runs, or
 * while the service a reload replaced still finishes its batches, gets one
 * more reload after it. Each reload reads the file again, so the last
 * configuration always wins. Every reload leaves one journal record
 * (QNN_EVENT=reload: result, error, generation, requests it answered).
 */
#include <stdio.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "qnnd.h"

void reload_init(struct server *s, const struct config_source *src)
{
	s->reload.src = src;
	s->reload.config_gen = 1;
}

void reload_request(struct server *s)
{
	s->reload.requested++;
}

void reload_frame(struct server *s, struct conn *c, uint32_t id)
{
	if (c->uid != 0 && c->uid != geteuid()) {
		reply_error(s, c, id, QNN_E_PERM, "only root or qnnd's own user may reload it");
		return;
	}
	if (s->loop.draining) {
		reply_error(s, c, id, QNN_E_SHUTDOWN, "qnnd is stopping");
		return;
	}
	if (c->reload_wait) {
		reply_error(s, c, id, QNN_E_LIMIT, "a reload request already waits here");
		return;
	}
	c->reload_wait = ++s->reload.requested;
	c->reload_id = id;
}

/* The RELOAD frames the reload that answered requests up to upto was for. */
static void answer_frames(struct server *s, uint64_t upto, const struct reload_result *r)
{
	for (struct conn *c = s->conns.head; c; c = c->next) {
		if (!c->reload_wait || c->reload_wait > upto)
			continue;
		c->reload_wait = 0;
		if (!r->applied) {
			reply_error(s, c, c->reload_id, QNN_E_RELOAD, r->error);
			continue;
		}
		uint8_t *p = reply_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_RELOAD_SIZE);

		if (!p)
			continue;
		qnn_proto_put_hdr(p, QNN_MSG_RELOAD_REPLY, c->reload_id, QNN_WIRE_RELOAD_SIZE);
		qnn_put_u64(p + QNN_PROTO_HDR_SIZE, r->generation);
		qnn_put_u32(p + QNN_PROTO_HDR_SIZE + 8, (uint32_t)r->coalesced);
		qnn_put_u32(p + QNN_PROTO_HDR_SIZE + 12, 0);
	}
}

/* The new configuration, then its service: 0, or -1 with err (nothing changed). */
static int apply(struct server *s, char *err, size_t errlen)
{
	struct qnnd_config cfg;
	char why[512];

	if (config_build(s->reload.src, &cfg, why, sizeof(why))) {
		snprintf(err, errlen, "configuration: %s (keeping the current one)", why);
		return -1;
	}
	return service_swap(s, &cfg, err, errlen);
}

void reload_run(struct server *s)
{
	struct reloader *rl = &s->reload;

	/*
	 * A retiring service still finishes batches: swapping again now would need a second
	 * one retiring. The request stays pending; the loop comes back here every turn, and
	 * the old service's last completion is such a turn.
	 */
	if (rl->answered == rl->requested || s->loop.draining)
		return;
	if (s->svcs.old) {
		if (!rl->deferred)
			log_info("reload waits for the previous model's %u batches in flight",
				 s->svcs.old->inflight);
		rl->deferred = true;
		return;
	}
	rl->deferred = false;
	uint64_t upto = rl->requested;
	char err[600], status[256];

	notify_reloading();
	log_info("reloading %s and the model (%llu requests)", rl->src->path,
		 (unsigned long long)(upto - rl->answered));
	int r = apply(s, err, sizeof(err));

	if (!r)
		rl->config_gen++;
	struct reload_result res = {
	    .applied = r == 0,
	    .error = r ? err : NULL,
	    .generation = rl->config_gen,
	    .request = upto,
	    .coalesced = upto - rl->answered,
	    .model = s->cfg.model,
	};

	rl->answered = upto;
	log_reload(&res);
	answer_frames(s, upto, &res);
	housekeeping_status(s, status, sizeof(status));
	notify_ready(status);
}
