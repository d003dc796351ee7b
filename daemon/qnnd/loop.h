/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * loop.h - the event loop (loop.c): one epoll set; what each event points at
 * (struct ev_src) names the stage it goes to. Signals come through a
 * signalfd (SIGHUP reloads, SIGTERM/SIGINT drain), the 100 ms housekeeping
 * tick and the wake timer (the batcher's delay, the next deadline) through
 * timerfds. The loop holds the server lock except inside epoll_wait().
 */
#ifndef QNND_LOOP_H
#define QNND_LOOP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

struct server;

enum src_kind { SRC_LISTEN, SRC_SIGNAL, SRC_TICK, SRC_WAKE, SRC_BACKEND, SRC_CONN, SRC_KICK };

/* What an epoll event points at. */
struct ev_src {
	enum src_kind kind;
	void *obj;
};

struct loop {
	int epfd, sigfd, tickfd, wakefd;
	struct ev_src sigsrc, ticksrc, wakesrc;
	uint64_t wake_armed_us;
	bool draining; /* SIGTERM/SIGINT: no new work, exit once everything is answered */
	uint64_t drain_start_us;
	pthread_mutex_t lock; /* the server lock: the loop's, except inside epoll_wait() */
	bool assist_on;	      /* workers may do turns (only inside loop_run()) */
};

/* The lock (taken: held from here to exit), the epoll set, the signal and timer fds. */
int loop_open(struct server *s);
/* Watch fd for events on behalf of src, change what is watched, stop. */
int loop_watch(struct server *s, int fd, uint32_t events, struct ev_src *src);
void loop_rewatch(struct server *s, int fd, uint32_t events, struct ev_src *src);
void loop_unwatch(struct server *s, int fd);
/*
 * The turn after the events: pull the rings, dispatch batches, send the replies. Dead
 * connections are freed only if may_free (never on a worker: the loop's last epoll
 * events may point at them).
 */
void loop_turn(struct server *s, bool may_free);
/* Serve until drained (0) or epoll fails (1). */
int loop_run(struct server *s);

#endif
