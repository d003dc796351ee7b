// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * backend_sw.c - the bit-exact engine on worker threads: the embedded
 * default that makes qnnd useful on any machine. Workers take a batch in
 * chunks of about 1/(2 x workers) of it, so every worker that becomes free
 * helps finish the oldest batch (one big request uses every core; with few
 * requests in flight, a batch is not left to one worker while another
 * waits); a batch completes when its last chunk does. One batch more than
 * workers may be in flight, so a worker that finishes finds the next one
 * queued while the event loop gathers another; when the last chunk of the
 * queue is taken, the loop forms the next batch then, not only when one
 * completes (complete() may then return nothing). "The loop" is, when it is
 * free, the worker itself (conf->assist): a wake-up of the event-loop thread
 * preempts a worker on a busy machine, twice per batch.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */
#include "qnn_engine.h"

struct sw_slot {
	struct qnnd_batch b;
	bool busy;
	uint32_t next;	/* first sample no worker has taken yet */
	uint32_t left;	/* samples not finished yet */
	uint32_t chunk; /* samples a worker takes at a time */
	uint64_t t0_ns;
	struct sw_slot *next_done;
};

struct slice {
	struct sw_slot *slot;
	uint32_t first, n;
};

struct sw_backend {
	struct backend base;
	unsigned nthreads;
	pthread_t *threads;
	unsigned started;
	void **ws;
	size_t ws_size;

	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sw_slot **queue; /* ring of batches with samples not taken yet */
	unsigned qcap, qhead, qlen;
	unsigned idle; /* workers waiting for work */
	bool stop;
	struct sw_slot *done_head, *done_tail;
	int efd;
	bool (*assist)(void *ctx);
	void *assist_ctx;

	struct sw_slot *slots;
	unsigned nslots;
};

struct worker_arg {
	struct sw_backend *sb;
	unsigned index;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Outside mu: have the daemon's turn run, on this thread if it is free, else on its own. */
static void wake_loop(struct sw_backend *sb)
{
	uint64_t one = 1;

	if (sb->assist && sb->assist(sb->assist_ctx))
		return;
	if (write(sb->efd, &one, sizeof(one)) < 0) {
		/* cannot fail for a non-saturated eventfd */
	}
}

static void run_slice(struct sw_backend *sb, struct qnn_engine *e, const struct slice *s,
		      int *status, uint32_t *nonfinite)
{
	struct qnnd_batch *b = &s->slot->b;
	size_t no = sb->base.n_out;
	struct qnn_engine_out out = {
	    .values = b->values + s->first * no,
	    .logits = b->logits + s->first * no,
	    .classes = b->classes + s->first,
	};
	int r = qnn_engine_run(e, QNN_INPUT_F32, b->in + (size_t)s->first * sb->base.n_in, s->n,
			       &out, NULL, NULL);

	*status = r ? QNN_E_BACKEND : 0;
	*nonfinite = out.nonfinite;
	if (r)
		snprintf(b->err, sizeof(b->err), "engine: error %d on samples %u..%u", r, s->first,
			 s->first + s->n - 1);
}

static void *worker(void *arg)
{
	struct worker_arg *wa = arg;
	struct sw_backend *sb = wa->sb;
	struct qnn_engine e;

	qnn_engine_init(&e, sb->base.model, sb->ws[wa->index], sb->ws_size);
	free(wa);
	pthread_mutex_lock(&sb->mu);
	for (;;) {
		while (!sb->qlen && !sb->stop) {
			sb->idle++;
			pthread_cond_wait(&sb->cv, &sb->mu);
			sb->idle--;
		}
		if (!sb->qlen && sb->stop)
			break;
		struct sw_slot *head = sb->queue[sb->qhead];
		uint32_t rest = head->b.n - head->next;
		struct slice s = {head, head->next, rest < head->chunk ? rest : head->chunk};
		int status;
		uint32_t nonfinite;

		head->next += s.n;
		bool hungry = false;

		if (head->next == head->b.n) {
			sb->qhead = (sb->qhead + 1) % sb->qcap;
			sb->qlen--;
			/* Everything handed out: have the event loop form the next batch now,
			 * not when this one completes (it pulls the rings on this wake-up). */
			hungry = !sb->qlen;
		}
		/* More to take: a waiting worker helps (one wake-up per chunk taken, at most). */
		if (sb->qlen && sb->idle)
			pthread_cond_signal(&sb->cv);
		pthread_mutex_unlock(&sb->mu);
		if (hungry)
			wake_loop(sb);
		run_slice(sb, &e, &s, &status, &nonfinite);
		pthread_mutex_lock(&sb->mu);
		struct sw_slot *slot = s.slot;

		if (status && !slot->b.status)
			slot->b.status = status;
		slot->b.nonfinite += nonfinite;
		slot->left -= s.n;
		if (slot->left == 0) {
			slot->b.run_ns = now_ns() - slot->t0_ns;
			slot->next_done = NULL;
			if (sb->done_tail)
				sb->done_tail->next_done = slot;
			else
				sb->done_head = slot;
			sb->done_tail = slot;
			/*
			 * Outside the lock: the turn takes it in sw_complete(). A count left
			 * after the loop already took the slot only costs one empty complete().
			 */
			pthread_mutex_unlock(&sb->mu);
			wake_loop(sb);
			pthread_mutex_lock(&sb->mu);
		}
	}
	pthread_mutex_unlock(&sb->mu);
	return NULL;
}

static void sw_close(struct backend *be)
{
	struct sw_backend *sb = (struct sw_backend *)be;

	pthread_mutex_lock(&sb->mu);
	sb->stop = true; /* workers finish the queued slices first */
	pthread_cond_broadcast(&sb->cv);
	pthread_mutex_unlock(&sb->mu);
	for (unsigned i = 0; i < sb->started; i++)
		pthread_join(sb->threads[i], NULL);
	for (unsigned i = 0; sb->ws && i < sb->nthreads; i++)
		free(sb->ws[i]);
	for (unsigned i = 0; sb->slots && i < sb->nslots; i++) {
		free(sb->slots[i].b.in);
		free(sb->slots[i].b.values);
		free(sb->slots[i].b.logits);
		free(sb->slots[i].b.classes);
	}
	free(sb->slots);
	free(sb->ws);
	free(sb->threads);
	free(sb->queue);
	if (sb->efd >= 0)
		close(sb->efd);
	pthread_mutex_destroy(&sb->mu);
	pthread_cond_destroy(&sb->cv);
	free(sb);
}

static int alloc_slots(struct sw_backend *sb, uint32_t cap)
{
	size_t ni = sb->base.n_in, no = sb->base.n_out;

	sb->slots = calloc(sb->nslots, sizeof(*sb->slots));
	if (!sb->slots)
		return -1;
	for (unsigned i = 0; i < sb->nslots; i++) {
		struct qnnd_batch *b = &sb->slots[i].b;

		b->capacity = cap;
		b->be = &sb->base;
		b->in = malloc(cap * ni * sizeof(float));
		b->values = malloc(cap * no * sizeof(uint32_t));
		b->logits = malloc(cap * no * sizeof(int32_t));
		b->classes = malloc(cap * sizeof(uint16_t));
		if (!b->in || !b->values || !b->logits || !b->classes)
			return -1;
	}
	return 0;
}

static int sw_open(struct backend **out, const struct backend_conf *conf, char *err, size_t errlen)
{
	struct sw_backend *sb = calloc(1, sizeof(*sb));
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (!sb)
		return QNN_E_NOMEM;
	pthread_mutex_init(&sb->mu, NULL);
	pthread_cond_init(&sb->cv, NULL);
	sb->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	sb->base.ops = &backend_sw_ops;
	sb->base.model = conf->model;
	sb->base.n_in = conf->model->n_in;
	sb->base.n_out = conf->model->n_out;
	sb->base.capacity = conf->max_batch;
	sb->base.has_logits = true;
	sb->base.logits_frac_bits = backend_logits_frac_bits(conf->model);
	sb->assist = conf->assist;
	sb->assist_ctx = conf->assist_ctx;
	sb->nthreads = conf->threads ? conf->threads : (unsigned)(ncpu > 0 ? ncpu : 1);
	/* One batch more than workers: a worker that finishes finds the next one queued
	 * instead of waiting for the event loop to form it. */
	sb->nslots = conf->inflight ? conf->inflight : sb->nthreads + 1;
	sb->base.max_inflight = sb->nslots;
	sb->qcap = sb->nslots;
	sb->queue = calloc(sb->qcap, sizeof(*sb->queue));
	sb->threads = calloc(sb->nthreads, sizeof(*sb->threads));
	sb->ws = calloc(sb->nthreads, sizeof(*sb->ws));
	sb->ws_size = qnn_engine_workspace_size(conf->model);
	snprintf(sb->base.desc, sizeof(sb->base.desc), "sw: %u thread%s, %u batch%s in flight",
		 sb->nthreads, sb->nthreads == 1 ? "" : "s", sb->nslots,
		 sb->nslots == 1 ? "" : "es");
	if (sb->efd < 0 || !sb->queue || !sb->threads || !sb->ws ||
	    alloc_slots(sb, conf->max_batch)) {
		snprintf(err, errlen, "sw backend: out of memory");
		sw_close(&sb->base);
		return QNN_E_NOMEM;
	}
	for (unsigned i = 0; i < sb->nthreads; i++) {
		struct qnn_engine probe;
		struct worker_arg *wa = malloc(sizeof(*wa));

		sb->ws[i] = aligned_alloc(64, (sb->ws_size + 64) & ~(size_t)63);
		if (!wa || !sb->ws[i] ||
		    qnn_engine_init(&probe, conf->model, sb->ws[i], sb->ws_size)) {
			free(wa);
			snprintf(err, errlen, "sw backend: engine init failed");
			sw_close(&sb->base);
			return QNN_E_BACKEND;
		}
		wa->sb = sb;
		wa->index = i;
		int r = pthread_create(&sb->threads[i], NULL, worker, wa);

		if (r) {
			free(wa);
			snprintf(err, errlen, "sw backend: pthread_create: %s", strerror(r));
			sw_close(&sb->base);
			return QNN_E_BACKEND;
		}
		sb->started++;
	}
	*out = &sb->base;
	return 0;
}

static struct qnnd_batch *sw_get_batch(struct backend *be)
{
	struct sw_backend *sb = (struct sw_backend *)be;

	for (unsigned i = 0; i < sb->nslots; i++) {
		if (!sb->slots[i].busy) {
			sb->slots[i].busy = true;
			return &sb->slots[i].b;
		}
	}
	return NULL;
}

static int sw_submit(struct backend *be, struct qnnd_batch *b)
{
	struct sw_backend *sb = (struct sw_backend *)be;
	struct sw_slot *slot = (struct sw_slot *)b;

	if (!b->n || b->n > b->capacity)
		return QNN_E_INVAL;
	b->status = 0;
	b->nonfinite = 0;
	b->err[0] = 0;
	pthread_mutex_lock(&sb->mu);
	/* The engine's cost per sample does not depend on the batch size: small chunks
	 * cost only a lock round each, and let every free worker help. */
	slot->next = 0;
	slot->left = b->n;
	slot->chunk = (b->n + 2 * sb->nthreads - 1) / (2 * sb->nthreads);
	slot->t0_ns = now_ns();
	sb->queue[(sb->qhead + sb->qlen) % sb->qcap] = slot;
	sb->qlen++;
	/* One wake-up; a worker that takes a chunk wakes another while some remain. */
	pthread_cond_signal(&sb->cv);
	pthread_mutex_unlock(&sb->mu);
	return 0;
}

static bool sw_wants_work(struct backend *be)
{
	struct sw_backend *sb = (struct sw_backend *)be;

	pthread_mutex_lock(&sb->mu);
	bool r = sb->qlen == 0; /* every batch handed out: idle workers take chunks at once */

	pthread_mutex_unlock(&sb->mu);
	return r;
}

static int sw_event_fd(struct backend *be)
{
	return ((struct sw_backend *)be)->efd;
}

static int sw_complete(struct backend *be, struct qnnd_batch **done, unsigned max)
{
	struct sw_backend *sb = (struct sw_backend *)be;
	unsigned k = 0;
	uint64_t v;

	pthread_mutex_lock(&sb->mu);
	while (k < max && sb->done_head) {
		struct sw_slot *s = sb->done_head;

		sb->done_head = s->next_done;
		if (!sb->done_head)
			sb->done_tail = NULL;
		done[k++] = &s->b;
	}
	if (!sb->done_head && read(sb->efd, &v, sizeof(v)) < 0) {
		/* already reset */
	}
	pthread_mutex_unlock(&sb->mu);
	return (int)k;
}

static void sw_put_batch(struct backend *be, struct qnnd_batch *b)
{
	(void)be;
	((struct sw_slot *)b)->busy = false;
}

/* Run a pattern through the workers and compare with the engine run directly. */
static int sw_self_test(struct backend *be, char *err, size_t errlen)
{
	struct sw_backend *sb = (struct sw_backend *)be;
	uint32_t n = be->capacity < 4 ? be->capacity : 4;
	size_t no = be->n_out;
	uint32_t *ref = malloc(n * no * sizeof(uint32_t));
	int32_t *ref_logits = malloc(n * no * sizeof(int32_t));
	struct qnnd_batch *b = sw_get_batch(be), *d;
	int r = QNN_E_BACKEND;

	if (!ref || !ref_logits || !b) {
		snprintf(err, errlen, "sw self-test: out of memory");
		goto out;
	}
	b->n = n;
	backend_test_pattern(b->in, n, be->n_in, 7);
	if (backend_reference_run(be->model, b->in, n, ref, ref_logits, NULL)) {
		snprintf(err, errlen, "sw self-test: the engine refused the model");
		goto out;
	}
	sw_submit(be, b);
	for (int spins = 0; spins < 60000; spins++) {
		if (sw_complete(be, &d, 1) == 1)
			break;
		usleep(1000);
		d = NULL;
	}
	if (!d || d != b || b->status) {
		snprintf(err, errlen, "sw self-test: batch %s", d ? "failed" : "never completed");
		goto out;
	}
	if (memcmp(ref, b->values, n * no * 4) || memcmp(ref_logits, b->logits, n * no * 4)) {
		snprintf(err, errlen, "sw self-test: worker outputs differ from the engine's");
		goto out;
	}
	r = 0;
out:
	if (b)
		sw_put_batch(be, b);
	free(ref);
	free(ref_logits);
	(void)sb;
	return r;
}

const struct backend_ops backend_sw_ops = {
    .name = "sw",
    .open = sw_open,
    .self_test = sw_self_test,
    .get_batch = sw_get_batch,
    .submit = sw_submit,
    .event_fd = sw_event_fd,
    .complete = sw_complete,
    .put_batch = sw_put_batch,
    .wants_work = sw_wants_work,
    .close = sw_close,
};
