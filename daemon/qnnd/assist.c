// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * assist.c - a sw worker doing the event loop's turn itself.
 *
 * Under load the loop's work is driven by the backend: a batch completes
 * (replies to post, doorbells to ring) or the workers took the last chunk
 * of the queue (time to pull the rings and form the next batch). Handing
 * that to the event-loop thread costs a thread wake-up each time, and on a
 * machine whose cores all run workers, that wake-up preempts a worker: two
 * context switches and an IPI, about as much CPU as the replies themselves.
 * So the worker that notices does the turn, when the lock is free (the loop
 * is asleep in epoll_wait()). When it is not, the loop is awake anyway and
 * the backend signals its event fd as before.
 *
 * What a worker's turn leaves to the loop thread:
 *  - freeing dead connections: the loop's last epoll events may point at
 *    them (reply_flush_all(s, false) keeps them on the outbox's list, and
 *    the event fd wakes the loop to free them);
 *  - a retiring service: freeing it joins the very worker that runs this;
 *  - draining: the loop decides when it is over.
 * Kicks are armed as the loop would before it sleeps, so no ring request
 * is left unseen.
 */
#include "qnnd.h"

/* Turns a worker does back to back while the rings keep receiving work. */
#define ASSIST_MAX_ROUNDS 4

bool assist_turn(void *ctx)
{
	struct service *svc = ctx;
	struct server *s = svc->srv;
	bool done = false;

	if (pthread_mutex_trylock(&s->loop.lock))
		return false;
	if (s->loop.assist_on && svc == s->svcs.cur && !svc->retiring && !s->loop.draining &&
	    !s->svcs.old) {
		bool ring_work = true;

		batch_complete(s, svc);
		for (int i = 0; ring_work && i < ASSIST_MAX_ROUNDS; i++) {
			loop_turn(s, false);
			ring_work = shm_arm_all(s);
		}
		/* Left for the loop: work in a ring, or a connection to free. */
		done = !ring_work && !s->out.dirty;
	}
	pthread_mutex_unlock(&s->loop.lock);
	return done;
}
