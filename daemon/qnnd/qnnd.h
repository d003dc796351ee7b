/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * qnnd.h - the daemon: one struct per stage, each defined in its stage's
 * header and written only by that stage's file (the others may read it).
 * A request's path, in file order, runs one way:
 *   loop.c         the epoll loop, signals, timers; the turn after the events
 *   accept.c       letting clients in: credentials, allow_group, per-uid
 *                  connection limit, descriptor exhaustion
 *   conn.c         a connection's life: created, counted, closed, freed
 *   receive.c      the byte stream in: frames, EOF, stalled and bad frames
 *   shm_receive.c  the ring's way in: submissions (in order with the socket's)
 *   requests.c     what a frame asks for: INFO, STATS, CLASSIFY -> a request
 *   queue.c        admission (limits, quota, NaN/Inf) into the batcher;
 *                  deadlines, clients gone, model changed
 *   batch.c        queued requests into backend batches, batches into replies
 *   backend/       what batches run on (backend.h: the vtable; sw, dev, null)
 *   reply.c        answers into the connections' buffers; flush, doorbells
 *   shm_reply.c    the ring's way out: replies in the slots, completions posted
 * and beside the path:
 *   shm.c          a connection's ring set up, torn down, kicks armed
 *                  (shm_ring.h: its state, private to the three shm files)
 *   service.c      model + backend: loading, self-test, swapping in a new one
 *   reload.c       reload requests (SIGHUP, RELOAD frames): coalesced, never dropped
 *   config.c       settings from defaults, the file and the flags
 *   quota.c        what each peer uid holds (connections, requests, ring memory)
 *   housekeeping.c the 100 ms tick: deadlines, stalled frames, STATUS=, journal,
 *                  watchdog
 *   assist.c       a sw worker doing the loop's turn itself, while the loop sleeps
 *   main.c         flags, start-up in order, shut-down
 * and the parts they use, each with no state of the server's: batcher.c (the
 * batching policy, pure), stats.c, doorbell.c, listen.c, notify.c (sd_notify),
 * journal.c (log.h), clock.h, probes.h (USDT), reload_client.c (qnnd --reload).
 * A connection (conn.c) is the one object every stage touches: closing one takes
 * back what each stage holds of it (queued requests, ring, quota, descriptor).
 * Everything runs under the server lock (struct loop.lock): on the event-loop
 * thread, which holds it except inside epoll_wait(), or on a backend worker that
 * took it to do a turn (assist.c). Only backends have threads of their own.
 */
#ifndef QNND_H
#define QNND_H

#include <stdbool.h>
#include <stdint.h>

#include "accept.h"
#include "assist.h"
#include "backend/backend.h"
#include "batch.h"
#include "clock.h"
#include "config.h"
#include "conn.h"
#include "housekeeping.h"
#include "loop.h"
#include "probes.h"
#include "qnn_proto.h"
#include "queue.h"
#include "quota.h"
#include "receive.h"
#include "reload.h"
#include "reply.h"
#include "requests.h"
#include "service.h"
#include "shm.h"
#include "stats.h"

struct server {
	struct qnnd_config cfg;	 /* the settings in effect (replaced by service_swap()) */
	struct loop loop;	 /* loop.c */
	struct acceptor acc;	 /* accept.c */
	struct conn_table conns; /* conn.c */
	struct queue queue;	 /* queue.c */
	struct services svcs;	 /* service.c */
	struct outbox out;	 /* reply.c */
	struct reloader reload;	 /* reload.c */
	struct quota quota;	 /* quota.c */
	struct housekeeping hk;	 /* housekeeping.c */
	struct stats st;	 /* counters every stage adds to (stats.c sums them up) */
};

#endif
