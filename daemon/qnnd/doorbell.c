// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * doorbell.c - eventfd doorbells rung together.
 *
 * A batch completes and the daemon wakes the clients of its requests: one
 * eventfd write each. Done with write() one by one, the first write wakes
 * a sleeping client thread, and the kernel switches to it on the way back
 * from that very write() when the writer is a worker that has used its
 * share of the CPU: the client sees one reply, sleeps again, and is woken
 * by the next write, once per reply. io_uring submits all the writes in one
 * system call, so a client woken by the batch sees all of its replies at
 * once. Where io_uring is not allowed (seccomp, io_uring_disabled), the
 * writes go one by one.
 */
#include <liburing.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "doorbell.h"

static const uint64_t one = 1;

void doorbells_init(struct doorbells *d, bool want_uring, char *how, size_t len)
{
	struct io_uring *r;
	int e;

	d->n = 0;
	d->uring = NULL;
	if (!want_uring) {
		snprintf(how, len, "one write() each (io_uring: no)");
		return;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(how, len, "one write() each (out of memory)");
		return;
	}
	e = io_uring_queue_init(DOORBELL_BATCH, r, 0);
	if (e < 0) {
		/* EPERM: a seccomp filter; ENOSYS: an old or io_uring-less kernel. */
		snprintf(how, len, "one write() each (io_uring: %s)", strerror(-e));
		free(r);
		return;
	}
	if (!(r->features & IORING_FEAT_CQE_SKIP)) {
		/* Before 5.17 the kernel refuses IOSQE_CQE_SKIP_SUCCESS: every ring would fail. */
		io_uring_queue_exit(r);
		free(r);
		snprintf(how, len, "one write() each (io_uring: no CQE skip before Linux 5.17)");
		return;
	}
	d->uring = r;
	snprintf(how, len, "io_uring, up to %u per system call", DOORBELL_BATCH);
}

static void ring_one_by_one(struct doorbells *d)
{
	for (unsigned i = 0; i < d->n; i++)
		if (write(d->fds[i], &one, sizeof(one)) < 0) {
			/* a saturated counter is already readable */
		}
}

void doorbells_ring(struct doorbells *d)
{
	struct io_uring *r = d->uring;

	if (!d->n)
		return;
	/* A lone doorbell (one client, light load): a write() costs less than a submission. */
	if (!r || d->n == 1) {
		ring_one_by_one(d);
		d->n = 0;
		return;
	}
	for (unsigned i = 0; i < d->n; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(r);

		io_uring_prep_write(sqe, d->fds[i], &one, sizeof(one), 0);
		sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
	}
	if (io_uring_submit(r) != (int)d->n) {
		ring_one_by_one(d); /* an extra count on an eventfd only costs a spurious wake */
		/*
		 * What the kernel did not take stays in the submission queue, to go out with
		 * the next call, to fds closed (and maybe reused: another client's socket) by
		 * then. Closing the ring drops it; from here on, one write() each.
		 */
		io_uring_queue_exit(r);
		free(r);
		d->uring = NULL;
		d->n = 0;
		return;
	}
	/* Failed writes (a closed client end cannot fail an eventfd) leave a CQE each. */
	io_uring_cq_advance(r, io_uring_cq_ready(r));
	d->n = 0;
}

void doorbells_add(struct doorbells *d, int fd)
{
	if (d->n == DOORBELL_BATCH)
		doorbells_ring(d);
	d->fds[d->n++] = fd;
}

void doorbells_exit(struct doorbells *d)
{
	doorbells_ring(d);
	if (d->uring) {
		io_uring_queue_exit(d->uring);
		free(d->uring);
		d->uring = NULL;
	}
}
