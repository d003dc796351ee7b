/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * doorbell.h - eventfd doorbells rung together, in one system call where
 * the kernel allows io_uring (doorbell.c).
 */
#ifndef QNND_DOORBELL_H
#define QNND_DOORBELL_H

#include <stdbool.h>
#include <stddef.h>

#define DOORBELL_BATCH 256u

struct doorbells {
	void *uring; /* struct io_uring, or NULL: one write() per doorbell */
	unsigned n;
	int fds[DOORBELL_BATCH];
};

/* With io_uring when want_uring and the kernel lets us; how, for the log. */
void doorbells_init(struct doorbells *d, bool want_uring, char *how, size_t len);
/* Queue a write of 1 to fd (rung when full or by doorbells_ring()). */
void doorbells_add(struct doorbells *d, int fd);
/* Ring every queued doorbell; must run before any of their fds is closed. */
void doorbells_ring(struct doorbells *d);
void doorbells_exit(struct doorbells *d);

#endif
