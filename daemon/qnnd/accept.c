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
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"
#include "log.h"
#include "qnnd.h"

#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 1000u
#define ACCEPT_BURST   64

int accept_allow_group(struct server *s)
{
	struct group *g;

	if (!s->cfg.allow_group[0])
		return 0;
	g = getgrnam(s->cfg.allow_group);
	if (!g) {
		log_failure("config", "allow_group: no group '%s'", s->cfg.allow_group);
		return -1;
	}
	s->acc.allow_gid = g->gr_gid;
	s->acc.allow_gid_set = true;
	return 0;
}

int accept_open(struct server *s)
{
	struct acceptor *a = &s->acc;

	a->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (a->spare_fd < 0)
		log_warn("no spare descriptor (/dev/null: %s): clients waiting while qnnd is "
			 "out of descriptors will not be told why",
			 strerror(errno));
	a->lsrc = (struct ev_src){SRC_LISTEN, NULL};
	a->lfd = listen_open(&s->cfg, &a->lfd_owned);
	if (a->lfd < 0 || loop_watch(s, a->lfd, EPOLLIN, &a->lsrc)) {
		log_failure("startup", "no listening socket");
		return -1;
	}
	return 0;
}

void accept_stop(struct server *s)
{
	struct acceptor *a = &s->acc;

	if (a->lfd >= 0) {
		loop_unwatch(s, a->lfd);
		listen_close(a->lfd, &s->cfg, a->lfd_owned);
		a->lfd = -1;
	}
}

void accept_close(struct server *s)
{
	accept_stop(s);
	if (s->acc.spare_fd >= 0)
		close(s->acc.spare_fd);
	s->acc.spare_fd = -1;
}

static void listener_events(struct server *s, uint32_t events)
{
	if (s->acc.lfd >= 0)
		loop_rewatch(s, s->acc.lfd, events, &s->acc.lsrc);
}

static void resume(struct server *s)
{
	if (!s->acc.paused)
		return;
	s->acc.paused = false;
	listener_events(s, EPOLLIN);
}

void accept_released(struct server *s)
{
	if (s->acc.spare_fd < 0)
		s->acc.spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	resume(s);
}

void accept_tick(struct server *s, uint64_t now)
{
	if (s->acc.paused && now >= s->acc.resume_us)
		resume(s);
}

/* Take one waiting client on the spare descriptor and tell it why it is refused. */
static bool refuse_one(struct server *s)
{
	struct acceptor *a = &s->acc;
	uint8_t frame[QNN_PROTO_HDR_SIZE + QNN_WIRE_ERROR_SIZE + QNN_PROTO_MAX_ERRMSG];
	char msg[128];

	if (a->spare_fd < 0)
		return false;
	close(a->spare_fd);
	int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

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
		a->refused++;
	}
	a->spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

/* accept() failed with err, which does not take the client off the backlog. */
static void exhausted(struct server *s, int err)
{
	struct acceptor *a = &s->acc;
	unsigned refused = 0;

	if (err == EMFILE || err == ENFILE)
		while (refused < ACCEPT_BURST && refuse_one(s))
			refused++;
	a->backoff_ms = a->backoff_ms ? a->backoff_ms * 2 : BACKOFF_MIN_MS;
	if (a->backoff_ms > BACKOFF_MAX_MS)
		a->backoff_ms = BACKOFF_MAX_MS;
	a->paused = true;
	a->resume_us = now_us() + (uint64_t)a->backoff_ms * 1000;
	listener_events(s, 0);
	log_warn_limited("accept",
			 "accept: %s with %llu clients connected: %u waiting clients refused; "
			 "not accepting for up to %u ms (until a connection closes)",
			 strerror(err), (unsigned long long)s->st.clients, refused, a->backoff_ms);
}

/* Root, our own user, or a member of allow_group (primary or supplementary). */
static bool peer_allowed(const struct acceptor *a, uid_t uid, gid_t gid)
{
	if (!a->allow_gid_set || uid == 0 || uid == geteuid() || gid == a->allow_gid)
		return true;
	struct passwd *pw = getpwuid(uid);
	gid_t groups[256];
	int n = 256;

	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == a->allow_gid)
			return true;
	return false;
}

/* A new connection: registered, counted, then refused with a reason if it may not stay. */
static void admit(struct server *s, int fd)
{
	struct ucred cr = {0};
	socklen_t crl = sizeof(cr);
	struct conn *c = NULL;
	char msg[160];

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crl) < 0 || !(c = conn_new(s, fd, &cr))) {
		log_failure("accept", "no memory or no peer credentials; connection refused");
		close(fd);
		return;
	}
	int st = quota_conn(s, c, msg, sizeof(msg));

	conn_add(s, c);
	if (!peer_allowed(&s->acc, cr.uid, cr.gid)) {
		log_failure("permission", "uid %u (pid %d) is not in group %s: refused", cr.uid,
			    cr.pid, s->cfg.allow_group);
		reply_fatal(s, c, 0, QNN_E_PERM, "not allowed to use qnnd");
	} else if (st) {
		reply_fatal(s, c, 0, st, msg);
	}
}

void accept_ready(struct server *s)
{
	for (int burst = 0; burst < ACCEPT_BURST; burst++) {
		int fd = accept4(s->acc.lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN)
				exhausted(s, errno); /* anything else would be retried at once */
			return;
		}
		s->acc.backoff_ms = 0;
		admit(s, fd);
	}
}
