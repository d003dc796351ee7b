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

void reload_request(struct server *s)
{
	s->reload_requested++;
}

void reload_frame(struct server *s, struct conn *c, uint32_t id)
{
	if (c->uid != 0 && c->uid != geteuid()) {
		conn_send_error(s, c, id, QNN_E_PERM, "only root or qnnd's own user may reload it");
		return;
	}
	if (s->draining) {
		conn_send_error(s, c, id, QNN_E_SHUTDOWN, "qnnd is stopping");
		return;
	}
	if (c->reload_wait) {
		conn_send_error(s, c, id, QNN_E_LIMIT, "a reload request already waits here");
		return;
	}
	c->reload_wait = ++s->reload_requested;
	c->reload_id = id;
}

/* The RELOAD frames the reload that answered requests up to upto was for. */
static void answer_frames(struct server *s, uint64_t upto, const struct reload_result *r)
{
	for (struct conn *c = s->conns; c; c = c->next) {
		if (!c->reload_wait || c->reload_wait > upto)
			continue;
		c->reload_wait = 0;
		if (!r->applied) {
			conn_send_error(s, c, c->reload_id, QNN_E_RELOAD, r->error);
			continue;
		}
		uint8_t *p = conn_reserve(s, c, QNN_PROTO_HDR_SIZE + QNN_WIRE_RELOAD_SIZE);

		if (!p)
			continue;
		qnn_proto_put_hdr(p, QNN_MSG_RELOAD_REPLY, c->reload_id, QNN_WIRE_RELOAD_SIZE);
		qnn_put_u64(p + QNN_PROTO_HDR_SIZE, r->generation);
		qnn_put_u32(p + QNN_PROTO_HDR_SIZE + 8, (uint32_t)r->coalesced);
		qnn_put_u32(p + QNN_PROTO_HDR_SIZE + 12, 0);
	}
}

void reload_run(struct server *s)
{
	/*
	 * A retiring service still finishes batches: swapping again now would need a second
	 * one retiring. The request stays pending; the loop comes back here every turn, and
	 * the old service's last completion is such a turn.
	 */
	if (s->reload_answered == s->reload_requested || s->draining)
		return;
	if (s->old) {
		if (!s->reload_deferred)
			log_info("reload waits for the previous model's %u batches in flight",
				 s->old->inflight);
		s->reload_deferred = true;
		return;
	}
	s->reload_deferred = false;
	uint64_t upto = s->reload_requested;
	char err[600], status[256];

	notify_reloading();
	log_info("reloading %s and the model (%llu requests)", s->config_src->path,
		 (unsigned long long)(upto - s->reload_answered));
	int r = service_swap(s, err, sizeof(err));

	if (!r)
		s->config_gen++;
	struct reload_result res = {
	    .applied = r == 0,
	    .error = r ? err : NULL,
	    .generation = s->config_gen,
	    .request = upto,
	    .coalesced = upto - s->reload_answered,
	    .model = s->cfg.model,
	};

	s->reload_answered = upto;
	log_reload(&res);
	answer_frames(s, upto, &res);
	housekeeping_status(s, status, sizeof(status));
	notify_ready(status);
}
