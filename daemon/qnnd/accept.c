// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * accept.c - letting clients in: accept4, SO_PEERCRED (logged, checked
 * against allow_group and the per-uid connection limit), and running out of
 * descriptors or memory without spinning.
 *
 * accept() that fails for lack of a descriptor (EMFILE, ENFILE) or of memory
 * (ENOBUFS, ENOMEM) leaves the client in the backlog, so the listener stays
 * readable: retried at once, it would spin a core and log without end. So
 * qnnd first uses a spare descriptor (/dev/null, held for this) to take each
 * waiting client and tell it why it is refused (ERROR, QNN_E_BUSY, "out of
 * file descriptors"), then stops watching the listener until a connection
 * closes (a descriptor is back) or a backoff (100 ms doubling to 1 s) ends.
 * Everyone already connected keeps being served meanwhile.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "qnnd.h"

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 1000u
#define ACCEPT_BURST   64

void accept_init(struct server *s)
{
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (s->spare_fd < 0)
		log_warn("no spare descriptor (/dev/null: %s): clients waiting while qnnd is "
			 "out of descriptors will not be told why",
			 strerror(errno));
}

static void listener_events(struct server *s, uint32_t events)
{
	struct epoll_event e = {.events = events, .data.ptr = &s->lsrc};

	if (s->lfd >= 0)
		epoll_ctl(s->epfd, EPOLL_CTL_MOD, s->lfd, &e);
}

static void resume(struct server *s)
{
	if (!s->accept_paused)
		return;
	s->accept_paused = false;
	listener_events(s, EPOLLIN);
}

void accept_released(struct server *s)
{
	if (s->spare_fd < 0)
		s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	resume(s);
}

void accept_tick(struct server *s, uint64_t now)
{
	if (s->accept_paused && now >= s->accept_resume_us)
		resume(s);
}

/* Take one waiting client on the spare descriptor and tell it why it is refused. */
static bool refuse_one(struct server *s)
{
	uint8_t frame[QNN_PROTO_HDR_SIZE + QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	char msg[128];

	if (s->spare_fd < 0)
		return false;
	close(s->spare_fd);
	int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0) {
		snprintf(
		    msg, sizeof(msg),
		    "qnnd is out of file descriptors (%llu clients connected): try again later",
		    (unsigned long long)s->st.clients);
		uint32_t len = qnn_proto_put_error(frame + QNN_PROTO_HDR_SIZE, QNN_E_BUSY, msg);

		qnn_proto_put_hdr(frame, QNN_MSG_ERROR, 0, len);
		/* A fresh socket's buffer takes a few hundred bytes: this does not block. */
		if (send(fd, frame, QNN_PROTO_HDR_SIZE + len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
			/* it left already */
		}
		close(fd);
		s->accept_refused++;
	}
	s->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

/* accept() failed with err, which does not take the client off the backlog. */
static void exhausted(struct server *s, int err)
{
	unsigned refused = 0;

	if (err == EMFILE || err == ENFILE)
		while (refused < ACCEPT_BURST && refuse_one(s))
			refused++;
	s->accept_backoff_ms = s->accept_backoff_ms ? s->accept_backoff_ms * 2 : BACKOFF_MIN_MS;
	if (s->accept_backoff_ms > BACKOFF_MAX_MS)
		s->accept_backoff_ms = BACKOFF_MAX_MS;
	s->accept_paused = true;
	s->accept_resume_us = now_us() + (uint64_t)s->accept_backoff_ms * 1000;
	listener_events(s, 0);
	log_warn_limited("accept",
			 "accept: %s with %llu clients connected: %u waiting clients refused; "
			 "not accepting for up to %u ms (until a connection closes)",
			 strerror(err), (unsigned long long)s->st.clients, refused,
			 s->accept_backoff_ms);
}

/* Root, our own user, or a member of allow_group (primary or supplementary). */
static bool peer_allowed(const struct server *s, uid_t uid, gid_t gid)
{
	if (!s->allow_gid_set || uid == 0 || uid == geteuid() || gid == s->allow_gid)
		return true;
	struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n = 256;

	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == s->allow_gid)
			return true;
	return false;
}

/* A new connection: registered, counted, then refused with a reason if it may not stay. */
static void admit(struct server *s, int fd)
{
	struct ucred cr = {0};
	socklen_t crl = sizeof(cr);
	struct conn *c = calloc(1, sizeof(*c));

	if (!c || getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) < 0 ||
	    !(c->use = quota_get(s, cr.uid))) {
		log_failure("accept", "no memory or no peer credentials; connection refused");
		free(c);
		close(fd);
		return;
	}
	c->src = (struct ev_src){SRC_CONN, c};
	c->fd = fd;
	c->id = ++s->next_conn_id;
	c->pid = cr.pid;
	c->uid = cr.uid;
	c->gid = cr.gid;
	c->events = EPOLLIN;
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &c->src};

	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		quota_drop(s, c->use);
		free(c);
		close(fd);
		return;
	}
	char msg[160];
	int st = quota_conn(s, c, msg, sizeof(msg));

	c->use->conns++;
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->st.clients++;
	s->st.connections_total++;
	log_peer("connect", cr.pid, cr.uid, cr.gid, c->id);
	if (!peer_allowed(s, cr.uid, cr.gid)) {
		log_failure("permission", "uid %u (pid %d) is not in group %s: refused", cr.uid,
			    cr.pid, s->cfg.allow_group);
		conn_send_error(s, c, 0, QNN_E_PERM, "not allowed to use qnnd");
		c->closing = true;
	} else if (st) {
		conn_send_error(s, c, 0, st, msg);
		c->closing = true;
	}
}

void conn_accept(struct server *s)
{
	for (int burst = 0; burst < ACCEPT_BURST; burst++) {
		int fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN)
				exhausted(s, errno); /* anything else would be retried at once */
			return;
		}
		s->accept_backoff_ms = 0;
		admit(s, fd);
	}
}
