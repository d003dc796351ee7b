// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_engine - images/s of the bit-exact engine on a .qnn model and real
 * idx images (MNIST), at a given batch size and thread count.
 *
 *   bench_engine MODEL.qnn IMAGES.idx [LABELS.idx] [-b BATCH] [-t THREADS]
 *                [-s SECONDS] [-n IMAGES]
 *
 * Each thread of the pool owns an engine and its workspace. A batch of B images is split
 * between the T threads (thread i runs its share of every batch with one
 * qnn_engine_run call); at batch 1 each thread serves its own stream of
 * single-image calls, as concurrent requests would. Images are converted
 * from bytes to float32 (x / 255, the lab's scaling) once, outside the
 * timing. -n N runs exactly N images on one thread and exits (for
 * callgrind instruction counts). Prints one line:
 *   engine batch=B threads=T images=N seconds=S img_per_s=R img_per_cpu_s=C accuracy=A
 * (img_per_cpu_s: images per second of process CPU time, which a busy
 * shared machine disturbs less than wall time).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hlsgen_io.h"
#include "hlsgen_thread_pool.h"
#include "qnn_engine.h"

struct shared {
	const struct qnn_model *m;
	const uint32_t *x; /* float bits, n_img * n_in */
	const uint8_t *labels;
	uint32_t n_img, batch, threads;
	double seconds;
};

struct worker {
	const struct shared *sh;
	uint32_t index;
	uint64_t done, correct;
	int rc;
};

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* this thread's share [*lo, *hi) of a batch */
static void share(const struct shared *sh, uint32_t index, uint32_t *lo, uint32_t *hi)
{
	if (sh->batch == 1) {
		*lo = 0;
		*hi = 1;
		return;
	}
	*lo = (uint32_t)((uint64_t)sh->batch * index / sh->threads);
	*hi = (uint32_t)((uint64_t)sh->batch * (index + 1) / sh->threads);
}

static void work(void *arg, int tid, int nthreads)
{
	struct worker *w = (struct worker *)arg + tid;
	const struct shared *sh = w->sh;
	const struct qnn_model *m = sh->m;
	size_t wsz = qnn_engine_workspace_size(m);
	void *ws = malloc(wsz);
	uint16_t *cls = malloc(sizeof(*cls) * sh->batch);
	struct qnn_engine e = {0};
	struct qnn_engine_out out = {.classes = cls};
	uint32_t lo, hi, start = w->index * 997 % sh->n_img;
	double end = now() + sh->seconds;

	(void)nthreads;
	w->rc = -ENOMEM;
	if (!ws || !cls)
		goto out;
	w->rc = qnn_engine_init(&e, m, ws, wsz);
	if (w->rc)
		goto out;
	share(sh, w->index, &lo, &hi);
	do {
		/* a batch is a contiguous window of images, wrapping around */
		uint32_t first = (start + lo) % sh->n_img, n = hi - lo, i;

		if (first + n > sh->n_img)
			first = 0;
		w->rc = qnn_engine_run(&e, QNN_INPUT_F32, sh->x + (size_t)first * m->n_in, n, &out,
				       NULL, NULL);
		if (w->rc)
			goto out;
		for (i = 0; i < n; i++)
			w->correct += sh->labels && cls[i] == sh->labels[first + i];
		w->done += n;
		start = (start + sh->batch) % sh->n_img;
	} while (now() < end);
out:
	free(cls);
	free(ws);
}

static int load_images(const char *path, uint32_t n_in, struct hlsgen_array *a, uint32_t **x,
		       uint32_t *n)
{
	char err[256];
	uint64_t i;

	if (hlsgen_idx_load(path, a, err, sizeof(err))) {
		fprintf(stderr, "bench_engine: %s\n", err);
		return -1;
	}
	if (a->dtype != HLSGEN_DT_U8 || a->count % n_in) {
		fprintf(stderr, "bench_engine: %s: expected uint8 images of %u pixels\n", path,
			n_in);
		return -1;
	}
	*n = (uint32_t)(a->count / n_in);
	*x = malloc(a->count * sizeof(**x));
	if (!*x)
		return -1;
	for (i = 0; i < a->count; i++) {
		float f = (float)((const uint8_t *)a->data)[i] / 255.0f;

		memcpy(&(*x)[i], &f, sizeof(f));
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_engine MODEL.qnn IMAGES.idx [LABELS.idx] [-b BATCH] "
			"[-t THREADS] [-s SECONDS] [-n IMAGES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct shared sh = {.batch = 1, .threads = 1, .seconds = 2.0};
	struct hlsgen_array imgs = {0}, labs = {0};
	struct worker *ws;
	struct qnn_model m;
	void *mbuf = NULL;
	uint32_t *x = NULL, n_only = 0, i;
	uint64_t done = 0, correct = 0;
	char err[256];
	double t0, t1, c0, c1;
	int opt;

	while ((opt = getopt(argc, argv, "b:t:s:n:")) != -1) {
		switch (opt) {
		case 'b':
			sh.batch = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 't':
			sh.threads = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 's':
			sh.seconds = strtod(optarg, NULL);
			break;
		case 'n':
			n_only = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (argc - optind < 2 || !sh.batch || !sh.threads || sh.threads > 64)
		usage();
	if (hlsgen_model_load(argv[optind], &mbuf, &m, err, sizeof(err))) {
		fprintf(stderr, "bench_engine: %s\n", err);
		return 1;
	}
	if (load_images(argv[optind + 1], m.n_in, &imgs, &x, &sh.n_img))
		return 1;
	if (argc - optind > 2) {
		if (hlsgen_idx_load(argv[optind + 2], &labs, err, sizeof(err))) {
			fprintf(stderr, "bench_engine: %s\n", err);
			return 1;
		}
		if (labs.dtype == HLSGEN_DT_U8 && labs.count >= sh.n_img)
			sh.labels = labs.data;
	}
	if (sh.batch > sh.n_img)
		sh.batch = sh.n_img;
	sh.m = &m;
	sh.x = x;
	if (n_only) {
		/* fixed work for instruction counting: one engine, n_only images */
		size_t wsz = qnn_engine_workspace_size(&m);
		void *wsp = malloc(wsz);
		struct qnn_engine e = {0};

		if (!wsp || qnn_engine_init(&e, &m, wsp, wsz))
			return 1;
		for (i = 0; i < n_only; i++)
			if (qnn_engine_run(&e, QNN_INPUT_F32, x + (size_t)(i % sh.n_img) * m.n_in,
					   1, NULL, NULL, NULL))
				return 1;
		printf("engine images=%u\n", n_only);
		free(wsp);
		return 0;
	}
	ws = calloc(sh.threads, sizeof(*ws));
	if (!ws)
		return 1;
	t0 = now();
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < sh.threads; i++) {
		ws[i].sh = &sh;
		ws[i].index = i;
		ws[i].rc = -EAGAIN; /* stays if the system refused this thread */
	}
	hg_pool_run_once((int)sh.threads, work, ws);
	for (i = 0; i < sh.threads; i++) {
		if (ws[i].rc) {
			fprintf(stderr, "bench_engine: thread %u failed: %d\n", i, ws[i].rc);
			return 1;
		}
		done += ws[i].done;
		correct += ws[i].correct;
	}
	t1 = now();
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	/* per CPU-second too: on a shared machine wall time depends on everyone else */
	printf("engine batch=%u threads=%u images=%llu seconds=%.2f img_per_s=%.0f "
	       "img_per_cpu_s=%.0f",
	       sh.batch, sh.threads, (unsigned long long)done, t1 - t0, (double)done / (t1 - t0),
	       (double)done / (c1 - c0));
	if (sh.labels)
		printf(" accuracy=%.4f", done ? (double)correct / (double)done : 0.0);
	printf("\n");
	free(ws);
	free(x);
	free(mbuf);
	hlsgen_array_free(&imgs);
	hlsgen_array_free(&labs);
	return 0;
}
