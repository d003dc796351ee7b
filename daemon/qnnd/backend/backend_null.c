// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * backend_null.c - completes every batch at once, for protocol benchmarks
 * and protocol tests. Its outputs are a function of the inputs (output k
 * of a sample = its input element k), so a test can check that every reply
 * reached the request it answers; the class is their argmax. No logits.
 * Batches complete inside submit() (completes_inline): the event fd exists
 * for the interface but never fires.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "backend.h"
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */

struct null_slot {
	struct qnnd_batch b;
	bool busy, done;
};

struct null_backend {
	struct backend base;
	int efd;
	struct null_slot *slots;
	unsigned nslots;
	unsigned head; /* next slot to report done (FIFO) */
};

static void null_close(struct backend *be)
{
	struct null_backend *nb = (struct null_backend *)be;

	for (unsigned i = 0; nb->slots && i < nb->nslots; i++) {
		free(nb->slots[i].b.in);
		free(nb->slots[i].b.values);
		free(nb->slots[i].b.classes);
	}
	free(nb->slots);
	if (nb->efd >= 0)
		close(nb->efd);
	free(nb);
}

static int null_open(struct backend **out, const struct backend_conf *conf, char *err,
		     size_t errlen)
{
	struct null_backend *nb = calloc(1, sizeof(*nb));

	if (!nb)
		return QNN_E_NOMEM;
	nb->base.ops = &backend_null_ops;
	nb->base.model = conf->model;
	nb->base.n_in = conf->model->n_in;
	nb->base.n_out = conf->model->n_out;
	nb->base.capacity = conf->max_batch;
	nb->base.completes_inline = true;
	nb->nslots = conf->inflight ? conf->inflight : 2;
	nb->base.max_inflight = nb->nslots;
	snprintf(nb->base.desc, sizeof(nb->base.desc), "null: %u slots", nb->nslots);
	nb->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	nb->slots = calloc(nb->nslots, sizeof(*nb->slots));
	if (nb->efd < 0 || !nb->slots)
		goto fail;
	for (unsigned i = 0; i < nb->nslots; i++) {
		struct qnnd_batch *b = &nb->slots[i].b;

		b->capacity = conf->max_batch;
		b->in = malloc((size_t)conf->max_batch * nb->base.n_in * sizeof(float));
		b->values = malloc((size_t)conf->max_batch * nb->base.n_out * sizeof(uint32_t));
		b->classes = malloc((size_t)conf->max_batch * sizeof(uint16_t));
		b->be = &nb->base;
		if (!b->in || !b->values || !b->classes)
			goto fail;
	}
	*out = &nb->base;
	return 0;
fail:
	snprintf(err, errlen, "null backend: out of memory");
	null_close(&nb->base);
	return QNN_E_NOMEM;
}

static struct qnnd_batch *null_get_batch(struct backend *be)
{
	struct null_backend *nb = (struct null_backend *)be;

	for (unsigned i = 0; i < nb->nslots; i++) {
		unsigned k = (nb->head + i) % nb->nslots;

		if (!nb->slots[k].busy) {
			nb->slots[k].busy = true;
			nb->slots[k].done = false;
			return &nb->slots[k].b;
		}
	}
	return NULL;
}

static int null_submit(struct backend *be, struct qnnd_batch *b)
{
	struct null_backend *nb = (struct null_backend *)be;
	uint32_t n_in = be->n_in, n_out = be->n_out;

	for (uint32_t s = 0; s < b->n; s++) {
		uint32_t *v = b->values + (size_t)s * n_out;

		for (uint32_t k = 0; k < n_out; k++)
			memcpy(&v[k], &b->in[(size_t)s * n_in + k % n_in], 4);
		b->classes[s] = backend_argmax_values(v, n_out);
	}
	b->status = 0;
	b->nonfinite = 0;
	b->run_ns = 0;
	((struct null_slot *)b)->done = true;
	(void)nb;
	return 0; /* completes_inline: the daemon calls complete() now, no event fd */
}

static int null_event_fd(struct backend *be)
{
	return ((struct null_backend *)be)->efd;
}

static int null_complete(struct backend *be, struct qnnd_batch **done, unsigned max)
{
	struct null_backend *nb = (struct null_backend *)be;
	unsigned k = 0;

	for (unsigned i = 0; i < nb->nslots && k < max; i++) {
		struct null_slot *s = &nb->slots[(nb->head + i) % nb->nslots];

		if (s->busy && s->done) {
			s->done = false;
			done[k++] = &s->b;
		}
	}
	return (int)k;
}

static void null_put_batch(struct backend *be, struct qnnd_batch *b)
{
	(void)be;
	((struct null_slot *)b)->busy = false;
}

static int null_self_test(struct backend *be, char *err, size_t errlen)
{
	struct qnnd_batch *b = null_get_batch(be), *d[1];

	if (!b) {
		snprintf(err, errlen, "null backend: no free slot");
		return QNN_E_BACKEND;
	}
	b->n = 1;
	backend_test_pattern(b->in, 1, be->n_in, 1);
	int ok = !null_submit(be, b) && null_complete(be, d, 1) == 1 && d[0] == b &&
		 !memcmp(b->values, b->in, 4);

	null_put_batch(be, b);
	if (!ok)
		snprintf(err, errlen, "null backend: self-test failed");
	return ok ? 0 : QNN_E_BACKEND;
}

const struct backend_ops backend_null_ops = {
    .name = "null",
    .open = null_open,
    .self_test = null_self_test,
    .get_batch = null_get_batch,
    .submit = null_submit,
    .event_fd = null_event_fd,
    .complete = null_complete,
    .put_batch = null_put_batch,
    .close = null_close,
};
