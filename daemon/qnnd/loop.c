// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * loop.c - the epoll loop: each event goes to its stage (accept, receive,
 * ring kick, batch completion, tick), then the turn: pull the rings, form
 * and submit batches, send the replies. Signals: SIGHUP asks for a reload,
 * SIGTERM/SIGINT start draining (the listener closes; the loop ends once
 * every queued request is answered and sent, or after drain_timeout_ms).
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "log.h"
#include "notify.h"
#include "qnnd.h"

int loop_watch(struct server *s, int fd, uint32_t events, struct ev_src *src)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};

	return epoll_ctl(s->loop.epfd, EPOLL_CTL_ADD, fd, &ev);
}

void loop_rewatch(struct server *s, int fd, uint32_t events, struct ev_src *src)
{
	struct epoll_event ev = {.events = events, .data.ptr = src};

	epoll_ctl(s->loop.epfd, EPOLL_CTL_MOD, fd, &ev);
}

void loop_unwatch(struct server *s, int fd)
{
	epoll_ctl(s->loop.epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int watch_own(struct server *s, int fd, struct ev_src *src, enum src_kind kind)
{
	src->kind = kind;
	src->obj = NULL;
	return loop_watch(s, fd, EPOLLIN, src);
}

int loop_open(struct server *s)
{
	struct loop *l = &s->loop;
	sigset_t mask;
	struct itimerspec tick = {{0, 100000000}, {0, 100000000}};

	/* Held from here on; loop_run() lets go of it only inside epoll_wait(). */
	pthread_mutex_init(&l->lock, NULL);
	pthread_mutex_lock(&l->lock);
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	l->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	l->tickfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	l->wakefd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (l->epfd < 0 || l->sigfd < 0 || l->tickfd < 0 || l->wakefd < 0)
		return -1;
	timerfd_settime(l->tickfd, 0, &tick, NULL);
	return watch_own(s, l->sigfd, &l->sigsrc, SRC_SIGNAL) ||
	       watch_own(s, l->tickfd, &l->ticksrc, SRC_TICK) ||
	       watch_own(s, l->wakefd, &l->wakesrc, SRC_WAKE);
}

/* Have the loop wake at at_us (absolute, microseconds; 0: no timed wake-up). */
static void wake_at(struct server *s, uint64_t at_us)
{
	struct loop *l = &s->loop;
	struct itimerspec its = {0};

	if (at_us == l->wake_armed_us)
		return;
	if (at_us) {
		its.it_value.tv_sec = (time_t)(at_us / 1000000);
		its.it_value.tv_nsec = (long)(at_us % 1000000) * 1000;
	}
	timerfd_settime(l->wakefd, TFD_TIMER_ABSTIME, &its, NULL);
	l->wake_armed_us = at_us;
}

static void start_drain(struct server *s, const char *why)
{
	struct loop *l = &s->loop;

	if (l->draining)
		return;
	l->draining = true;
	l->drain_start_us = now_us();
	notify_stopping();
	log_info("%s: draining %u queued samples and %u batches in flight, then exiting", why,
		 s->queue.bq.queued_samples, s->svcs.cur ? s->svcs.cur->inflight : 0);
	accept_stop(s);
}

static void on_signal(struct server *s)
{
	struct signalfd_siginfo si;

	while (read(s->loop.sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload_request(s);
		else if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			start_drain(s, si.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT");
	}
}

static bool drained(struct server *s, uint64_t now)
{
	struct loop *l = &s->loop;

	if (!l->draining)
		return false;
	if (batch_idle(s) && !reply_pending(s))
		return true;
	if (now - l->drain_start_us > (uint64_t)s->cfg.drain_timeout_ms * 1000) {
		log_failure("drain", "gave up after %u ms with %u samples queued",
			    s->cfg.drain_timeout_ms, s->queue.bq.queued_samples);
		return true;
	}
	return false;
}

/* Handles one event; true when it was client traffic (a frame, a kick, a new client). */
static bool handle(struct server *s, struct ev_src *src, uint32_t events)
{
	uint64_t v;

	switch (src->kind) {
	case SRC_LISTEN:
		accept_ready(s);
		return true;
	case SRC_SIGNAL:
		on_signal(s);
		break;
	case SRC_TICK:
		if (read(s->loop.tickfd, &v, sizeof(v)) > 0)
			housekeeping_tick(s, now_us());
		break;
	case SRC_WAKE:
		if (read(s->loop.wakefd, &v, sizeof(v)) > 0)
			s->loop.wake_armed_us = 0;
		break;
	case SRC_BACKEND:
		batch_complete(s, src->obj);
		break;
	case SRC_KICK:
		shm_kicked(src->obj); /* the rings are pulled after the events */
		return true;
	case SRC_CONN: {
		struct conn *c = src->obj;

		if (!c->dead && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
			reply_writable(s, c);
		if (!c->dead && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			receive_readable(s, c);
		return true;
	}
	}
	return false;
}

void loop_turn(struct server *s, bool may_free)
{
	/* Before the clock: a request is never dispatched before its receipt. */
	shm_pull_all(s);
	wake_at(s, batch_dispatch(s, now_us()));
	reply_flush_all(s, may_free);
}

/*
 * Busy polling: a client with one request at a time waits for each reply, and on a
 * VM a cross-CPU wake-up costs about 20 us each way, more than the work. So after
 * client traffic, while the backend is idle (it would not need the CPU), the loop
 * polls for busy_poll_us before it sleeps; under load the workers reply and the loop
 * sleeps. The cost is bounded: busy_poll_us of CPU per burst of client traffic.
 */
static int wait_timeout(bool ring_work, uint64_t poll_until)
{
	if (ring_work || (poll_until && now_us() < poll_until))
		return 0;
	return 1000;
}

int loop_run(struct server *s)
{
	struct loop *l = &s->loop;
	struct epoll_event evs[64];
	bool ring_work = false;
	uint64_t poll_until = 0;

	l->assist_on = true;
	for (;;) {
		/* The only place the loop lets go of the lock: a worker may do a turn. */
		pthread_mutex_unlock(&l->lock);
		int n = epoll_wait(l->epfd, evs, 64, wait_timeout(ring_work, poll_until));

		pthread_mutex_lock(&l->lock);
		if (n < 0 && errno != EINTR) {
			log_err("epoll_wait: %s", strerror(errno));
			l->assist_on = false;
			return 1;
		}
		bool traffic = false;

		for (int i = 0; i < n; i++)
			traffic |= handle(s, evs[i].data.ptr, evs[i].events);
		reload_run(s);
		loop_turn(s, true);
		uint64_t now = now_us();

		if (drained(s, now))
			break;
		ring_work = shm_arm_all(s);
		if (traffic && s->cfg.busy_poll_us && batch_idle(s))
			poll_until = now + s->cfg.busy_poll_us;
	}
	l->assist_on = false;
	return 0;
}
