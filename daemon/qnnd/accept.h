/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * accept.h - letting clients in (accept.c): the listening socket, peer
 * credentials against allow_group and the per-uid connection limit, and
 * running out of descriptors without spinning.
 */
#ifndef QNND_ACCEPT_H
#define QNND_ACCEPT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "loop.h"

struct server;

struct acceptor {
	int lfd; /* the listening socket, or -1 (closed for draining) */
	bool lfd_owned;
	struct ev_src lsrc;
	gid_t allow_gid;
	bool allow_gid_set;
	/* Descriptor exhaustion: a spare fd to refuse with, the paused listener. */
	int spare_fd;
	bool paused;
	uint32_t backoff_ms;
	uint64_t resume_us;
	uint64_t refused; /* clients told "out of descriptors" */
};

/* allow_group as a gid (at start: an unknown group is a configuration error). 0 or -1. */
int accept_allow_group(struct server *s);
/* The spare descriptor, the listening socket opened and watched. 0, or -1 (logged). */
int accept_open(struct server *s);
/* Stop listening (draining); at exit, also give back the spare descriptor. */
void accept_stop(struct server *s);
void accept_close(struct server *s);
/* The listener is readable: take the waiting clients. */
void accept_ready(struct server *s);
/* A descriptor was closed: a paused listener may accept again. */
void accept_released(struct server *s);
void accept_tick(struct server *s, uint64_t now);

#endif
