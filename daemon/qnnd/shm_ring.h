/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * shm_ring.h - one connection's ring as the daemon holds it, shared by the
 * files of the ring: shm.c (set-up, doorbells armed), shm_receive.c
 * (submissions in) and shm_reply.c (replies out). Nothing else looks inside.
 */
#ifndef QNND_SHM_RING_H
#define QNND_SHM_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "loop.h"
#include "qnn_proto.h"

struct conn_shm {
	struct ev_src kick_src;
	struct qnn_wire_shm lay;
	uint8_t *base;
	struct qnn_shm_ctrl *ctl;
	uint32_t *sq, *cq;
	uint32_t sq_head, cq_tail; /* ours: never read back from the region */
	uint32_t n_in, n_out;	   /* the model the layout was made for */
	uint8_t *owned;		   /* per slot: between its sq entry and our cq entry */
	int kick_fd, notify_fd;
	bool armed;	     /* we last stored d_need_kick = 1 */
	bool deferred;	     /* the next entry waits for socket frames (sock_seq) */
	bool notify_pending; /* cq entries posted since the last notify */
};

static inline uint32_t rd32(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline uint8_t *slot_ptr(struct conn_shm *m, uint32_t idx)
{
	return m->base + m->lay.slots_off + (size_t)idx * m->lay.slot_size;
}

#endif
