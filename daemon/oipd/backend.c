// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * backend.c - the front's one connection to qnnd. Every HTTP request
 * becomes an asynchronous libqnn request (qnn_submit_timed) on it, so
 * concurrent HTTP requests are concurrent qnnd requests and qnnd batches
 * them with everybody else's. One thread reaps the completions and hands
 * each back to its HTTP connection (done callback).
 *
 * A connection may have max_inflight requests pending at qnnd; beyond
 * that (QNN_E_LIMIT) a request waits here, first come first served, and
 * goes out when a completion frees a slot. The waiting list is bounded:
 * beyond max_waiting the request is refused (503) instead of queueing
 * without limit.
 *
 * qnnd may start after the front (socket activation of both): the
 * connection is made on first use, and again after a failed attempt.
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oipd.h"

static struct {
	pthread_mutex_t mu;
	struct oip_backend_cfg cfg;
	qnn_client *c; /* NULL until connected */
	struct qnn_model_info info;
	pthread_t reaper;
	bool reaper_running;
	atomic_bool stop;
	struct oip_job *wait_head, *wait_tail;
	uint64_t waiting;
	atomic_uint_fast64_t inflight;
	struct timespec last_try;
} be = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void *reaper_main(void *arg);

static int submit_now(struct oip_job *j)
{
	int r =
	    qnn_submit_timed(be.c, j->in, j->n, &j->out, &j->timing, be.cfg.timeout_ms, j, NULL);

	if (r == QNN_OK)
		atomic_fetch_add(&be.inflight, 1);
	return r;
}

/* Under be.mu: connect when not connected (at most one attempt per 200 ms). */
static int ensure_connected(void)
{
	struct timespec now;

	if (be.c)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t since = (now.tv_sec - be.last_try.tv_sec) * 1000 +
			(now.tv_nsec - be.last_try.tv_nsec) / 1000000;

	if (be.last_try.tv_sec && since < 200)
		return QNN_E_CONNECT;
	be.last_try = now;
	qnn_client *c;
	int r = qnn_connect(be.cfg.socket, &c);

	if (r)
		return r;
	qnn_get_model_info(c, &be.info);
	be.c = c;
	if (pthread_create(&be.reaper, NULL, reaper_main, NULL)) {
		qnn_close(c);
		be.c = NULL;
		return QNN_E_NOMEM;
	}
	be.reaper_running = true;
	return 0;
}

int oip_backend_start(const struct oip_backend_cfg *cfg)
{
	pthread_mutex_lock(&be.mu);
	be.cfg = *cfg;
	int r = ensure_connected();

	pthread_mutex_unlock(&be.mu);
	return r;
}

int oip_backend_info(struct qnn_model_info *info)
{
	pthread_mutex_lock(&be.mu);
	int r = ensure_connected();

	if (!r)
		r = qnn_get_model_info(be.c, info);
	pthread_mutex_unlock(&be.mu);
	return r;
}

int oip_backend_submit(struct oip_job *j)
{
	int r;

	pthread_mutex_lock(&be.mu);
	r = ensure_connected();
	if (r)
		goto out;
	if (!be.wait_head) {
		r = submit_now(j);
		if (r != QNN_E_LIMIT)
			goto out;
	}
	if (be.waiting >= be.cfg.max_waiting) {
		r = QNN_E_BUSY;
		goto out;
	}
	j->next = NULL;
	if (be.wait_tail)
		be.wait_tail->next = j;
	else
		be.wait_head = j;
	be.wait_tail = j;
	be.waiting++;
	r = 0;
out:
	pthread_mutex_unlock(&be.mu);
	return r;
}

/* After completions: send what waits, in order, while slots are free. */
static void drain_waiting(void)
{
	pthread_mutex_lock(&be.mu);
	while (be.wait_head) {
		struct oip_job *j = be.wait_head;
		int r = submit_now(j);

		if (r == QNN_E_LIMIT)
			break;
		be.wait_head = j->next;
		if (!be.wait_head)
			be.wait_tail = NULL;
		be.waiting--;
		if (r) {
			j->status = r;
			j->done(j);
		}
	}
	pthread_mutex_unlock(&be.mu);
}

static void *reaper_main(void *arg)
{
	struct qnn_completion done[64];

	(void)arg;
	while (!atomic_load(&be.stop)) {
		int n = qnn_reap(be.c, done, 64, 200);

		if (n < 0) {
			/* Not a completion: the connection is gone for now; libqnn reconnects. */
			struct timespec ts = {0, 50 * 1000 * 1000};

			nanosleep(&ts, NULL);
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct oip_job *j = done[i].user;

			atomic_fetch_sub(&be.inflight, 1);
			j->status = done[i].status;
			j->out.flags = done[i].flags;
			j->done(j);
		}
		if (n > 0 || be.wait_head)
			drain_waiting();
	}
	return NULL;
}

int oip_backend_stats(struct qnn_daemon_stats *st)
{
	pthread_mutex_lock(&be.mu);
	int r = ensure_connected();
	qnn_client *c = be.c;

	pthread_mutex_unlock(&be.mu);
	return r ? r : qnn_get_stats(c, st, 2000);
}

void oip_backend_depth(uint64_t *inflight, uint64_t *waiting)
{
	*inflight = atomic_load(&be.inflight);
	pthread_mutex_lock(&be.mu);
	*waiting = be.waiting;
	pthread_mutex_unlock(&be.mu);
}

void oip_backend_stop(void)
{
	atomic_store(&be.stop, true);
	if (be.reaper_running)
		pthread_join(be.reaper, NULL);
	be.reaper_running = false;
	/* Jobs still waiting never went out: fail them so their connections resume. */
	while (be.wait_head) {
		struct oip_job *j = be.wait_head;

		be.wait_head = j->next;
		j->status = QNN_E_SHUTDOWN;
		j->done(j);
	}
	be.wait_tail = NULL;
}

void oip_backend_close(void)
{
	if (be.c)
		qnn_close(be.c);
	be.c = NULL;
}
