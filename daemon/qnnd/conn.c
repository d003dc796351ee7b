// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * conn.c - a client connection's life: created for an accepted socket,
 * counted (clients, its uid's connections), closed, and freed only when
 * nothing points at it any more: requests of it still in a batch, or the
 * outbox's list of this turn (callers may still hold it).
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "log.h"
#include "qnnd.h"

struct conn *conn_new(struct server *s, int fd, const struct ucred *cr)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || !(c->use = quota_get(s, cr->uid))) {
		free(c);
		return NULL;
	}
	c->src = (struct ev_src){SRC_CONN, c};
	c->fd = fd;
	c->id = ++s->conns.next_id;
	c->pid = cr->pid;
	c->uid = cr->uid;
	c->gid = cr->gid;
	c->events = EPOLLIN;
	if (loop_watch(s, fd, EPOLLIN, &c->src) < 0) {
		quota_drop(s, c->use);
		free(c);
		return NULL;
	}
	return c;
}

void conn_add(struct server *s, struct conn *c)
{
	c->use->conns++;
	c->next = s->conns.head;
	if (s->conns.head)
		s->conns.head->prev = c;
	s->conns.head = c;
	s->st.clients++;
	s->st.connections_total++;
	log_peer("connect", c->pid, c->uid, c->gid, c->id);
}

void conn_free(struct server *s, struct conn *c)
{
	shm_free(c);
	quota_drop(s, c->use);
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

void conn_close(struct server *s, struct conn *c, const char *why)
{
	if (c->dead)
		return;
	log_peer(why, c->pid, c->uid, c->gid, c->id);
	c->dead = true;
	shm_close(s, c);
	/* Freed later by reply_flush_all() or conn_put(): callers may still hold c. */
	reply_mark(s, c);
	loop_unwatch(s, c->fd);
	close(c->fd);
	c->fd = -1;
	s->st.clients--;
	c->use->conns--;
	accept_released(s); /* a descriptor is free: a paused listener may accept again */
	queue_drop_conn(s, c);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns.head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
}

void conn_put(struct server *s, struct conn *c)
{
	c->inflight--;
	c->use->inflight--;
	if (c->dead && !c->inflight && !c->dirty)
		conn_free(s, c);
	else if (!c->dead && c->eof && !c->inflight)
		reply_mark(s, c); /* its last answer: reply_flush_all() closes it */
}
