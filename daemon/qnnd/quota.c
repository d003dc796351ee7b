// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * quota.c - what each peer uid holds: connections, requests in flight (over
 * all its connections, socket and ring) and shared-memory ring bytes,
 * against uid_max_connections, uid_max_inflight and uid_max_ring_mib
 * (0 = no limit). Without them one local user could hold every descriptor,
 * every queue slot and gigabytes of rings, and starve the others. A refusal
 * is an ERROR the client sees (QNN_E_QUOTA, the message names the limit) and
 * a journal record naming the uid (QNN_EVENT=quota, rate-limited).
 * The entries live in a short list: there are as many as uids connected.
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "qnnd.h"

struct uid_use *quota_get(struct server *s, uid_t uid)
{
	struct uid_use *u;

	for (u = s->quota.uids; u; u = u->next)
		if (u->uid == uid)
			break;
	if (!u) {
		u = calloc(1, sizeof(*u));
		if (!u)
			return NULL;
		u->uid = uid;
		u->next = s->quota.uids;
		s->quota.uids = u;
	}
	u->refs++;
	return u;
}

void quota_drop(struct server *s, struct uid_use *u)
{
	if (!u || --u->refs)
		return;
	for (struct uid_use **p = &s->quota.uids; *p; p = &(*p)->next) {
		if (*p == u) {
			*p = u->next;
			break;
		}
	}
	free(u);
}

static int refuse(const struct conn *c, const char *which, char *msg, size_t len)
{
	log_quota(c->uid, c->pid, which, "%s (connection %llu refused it)", msg,
		  (unsigned long long)c->id);
	(void)len;
	return QNN_E_QUOTA;
}

/* c's uid already holds used of what (the setting's limit max; 0: none) and wants one more. */
static int one_more(const struct conn *c, uint32_t used, uint32_t max, const char *what,
		    const char *setting, const char *which, char *msg, size_t len)
{
	if (!max || used < max)
		return 0;
	snprintf(msg, len, "uid %u already has %u %s (%s)", c->uid, used, what, setting);
	return refuse(c, which, msg, len);
}

int quota_conn(struct server *s, const struct conn *c, char *msg, size_t len)
{
	return one_more(c, c->use->conns, s->cfg.uid_max_connections, "connections",
			"uid_max_connections", "connections", msg, len);
}

int quota_request(struct server *s, const struct conn *c, char *msg, size_t len)
{
	return one_more(c, c->use->inflight, s->cfg.uid_max_inflight, "requests in flight",
			"uid_max_inflight", "inflight", msg, len);
}

int quota_ring(struct server *s, const struct conn *c, uint64_t bytes, char *msg, size_t len)
{
	uint64_t max = (uint64_t)s->cfg.uid_max_ring_mib << 20;

	if (!max || c->use->ring_bytes + bytes <= max)
		return 0;
	snprintf(msg, len,
		 "uid %u holds %llu KiB of rings; %llu KiB more exceeds uid_max_ring_mib (%u)",
		 c->uid, (unsigned long long)(c->use->ring_bytes >> 10),
		 (unsigned long long)(bytes >> 10), s->cfg.uid_max_ring_mib);
	return refuse(c, "ring", msg, len);
}
