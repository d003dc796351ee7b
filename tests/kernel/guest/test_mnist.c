// SPDX-License-Identifier: GPL-2.0
/*
 * test_mnist.c - 1000 real MNIST test digits through /dev/qnn0, compared
 * bit for bit with the host engine's outputs (`hlsgen run`, made on the
 * host before boot). The digits go through in batches of irregular sizes,
 * synchronously and with several asynchronous jobs queued, at offsets
 * inside shared buffers, so each batch boundary and each offset path is
 * exercised; the counters must account for exactly these samples.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qg.h"

/* Irregular batch sizes summing to more than 1000 (the tail is clipped). */
static const uint32_t batches[] = { 1, 7, 64, 3, 128, 255, 2, 33, 500, 1024 };

static size_t align_up(size_t v)
{
	return (v + QNN_IO_ALIGN - 1) & ~(size_t)(QNN_IO_ALIGN - 1);
}

/* Synchronous runs, input and output in one buffer at aligned offsets. */
static size_t run_sync(struct qg_dev *d, const struct qg_mnist *m,
		       struct qg_buf *b)
{
	size_t first = 0, bad = 0, k = 0;

	while (first < m->n) {
		uint32_t n = batches[k++ % (sizeof(batches) / sizeof(batches[0]))];
		size_t in_len, out_off;
		struct qnn_job j;
		int ret;

		if (n > m->n - first)
			n = (uint32_t)(m->n - first);
		in_len = n * d->in_bytes;
		out_off = align_up(QNN_IO_ALIGN + in_len);
		memcpy((char *)b->map + QNN_IO_ALIGN,
		       (const char *)m->in + first * d->in_bytes, in_len);
		memset((char *)b->map + out_off, 0xff, n * d->out_bytes);
		qg_job(&j, n, b, QNN_IO_ALIGN, b, out_off);
		ret = qg_run(d, &j);
		if (!qg_check(ret == 0, "run of %u digits at %zu: %s", n, first,
			      strerror(-ret)))
			return m->n;
		bad += qg_mnist_mismatches(m, d, (char *)b->map + out_off,
					   first, n);
		first += n;
	}
	return bad;
}

struct slot {
	struct qg_buf in, out;
	size_t first;
	uint32_t n;
	uint64_t id;
};

/* Up to 4 jobs queued at once, reaped in FIFO order after poll(). */
static size_t run_async(struct qg_dev *d, const struct qg_mnist *m)
{
	enum { SLOTS = 4, BATCH = 100 };
	struct slot s[SLOTS];
	size_t next = 0, bad = 0, inflight = 0, head = 0, tail = 0;

	for (int i = 0; i < SLOTS; i++) {
		if (qg_buf_alloc(d, BATCH * d->in_bytes, &s[i].in) ||
		    qg_buf_alloc(d, BATCH * d->out_bytes, &s[i].out)) {
			qg_check(false, "alloc");
			return m->n;
		}
	}
	while (next < m->n || inflight) {
		while (next < m->n && inflight < SLOTS) {
			struct slot *x = &s[tail++ % SLOTS];
			struct qnn_job j;
			int ret;

			x->first = next;
			x->n = (uint32_t)(m->n - next < BATCH ? m->n - next : BATCH);
			memcpy(x->in.map, (const char *)m->in + next * d->in_bytes,
			       x->n * d->in_bytes);
			qg_job(&j, x->n, &x->in, 0, &x->out, 0);
			j.user_data = x->first;
			ret = qg_submit(d, &j);
			if (!qg_check(ret == 0, "submit: %s", strerror(-ret)))
				return m->n;
			x->id = j.id;
			next += x->n;
			inflight++;
		}
		struct pollfd p = { .fd = d->fd, .events = POLLIN };
		struct qnn_reap r;
		struct slot *x = &s[head++ % SLOTS];

		if (!qg_check(poll(&p, 1, 60000) == 1, "poll timed out"))
			return m->n;
		if (!qg_check(qg_reap(d, &r, false) == 0, "reap"))
			return m->n;
		qg_check(r.id == x->id && r.user_data == x->first,
			 "reaped job %llu, expected %llu (FIFO)",
			 (unsigned long long)r.id, (unsigned long long)x->id);
		qg_check(r.status == 0, "job status %d", r.status);
		bad += qg_mnist_mismatches(m, d, x->out.map, x->first, x->n);
		inflight--;
	}
	for (int i = 0; i < SLOTS; i++) {
		qg_buf_free(d, &s[i].in);
		qg_buf_free(d, &s[i].out);
	}
	return bad;
}

int main(void)
{
	struct qg_dev d;
	struct qg_mnist m;
	struct qg_buf b;
	uint64_t s0, j0, bi0, bo0, e0;
	size_t bad;
	int ret;

	qg_begin("mnist");
	ret = qg_open(&d, QG_DEV);
	if (ret)
		qg_die("open: %s", strerror(-ret));
	ret = qg_mnist_load(&m, &d);
	if (ret)
		qg_die("no MNIST data (%s, %s): %s", QG_DATA_IN, QG_DATA_EXPECTED,
		       strerror(-ret));
	if (m.n < QG_N_DIGITS)
		qg_die("only %zu digits", m.n);
	qg_relax_timeouts();
	if (qg_buf_alloc(&d, 2 * QNN_IO_ALIGN + 1024 * (d.in_bytes + d.out_bytes),
			 &b))
		qg_die("alloc");
	s0 = qg_sysfs_u64("samples");
	j0 = qg_sysfs_u64("jobs");
	bi0 = qg_sysfs_u64("bytes_in");
	bo0 = qg_sysfs_u64("bytes_out");
	e0 = qg_sysfs_u64("errors");

	uint64_t t0 = qg_now_ns();

	bad = run_sync(&d, &m, &b);
	qg_log("sync: %zu digits, %zu differ from the host engine (%.1f ms)",
	       m.n, bad, (double)(qg_now_ns() - t0) / 1e6);
	qg_check(bad == 0, "%zu of %zu digits differ (sync)", bad, m.n);
	t0 = qg_now_ns();
	bad = run_async(&d, &m);
	qg_log("async: %zu digits, %zu differ (%.1f ms)", m.n, bad,
	       (double)(qg_now_ns() - t0) / 1e6);
	qg_check(bad == 0, "%zu of %zu digits differ (async)", bad, m.n);

	qg_check(qg_sysfs_u64("samples") - s0 == 2 * m.n, "samples counted");
	qg_check(qg_sysfs_u64("bytes_in") - bi0 == 2 * m.n * d.in_bytes,
		 "bytes_in counted");
	qg_check(qg_sysfs_u64("bytes_out") - bo0 == 2 * m.n * d.out_bytes,
		 "bytes_out counted");
	qg_check(qg_sysfs_u64("jobs") - j0 == 10 + 10, "jobs counted (%llu)",
		 (unsigned long long)(qg_sysfs_u64("jobs") - j0));
	qg_check(qg_sysfs_u64("errors") == e0, "no errors");
	qg_buf_free(&d, &b);
	qg_close(&d);
	return qg_finish();
}
