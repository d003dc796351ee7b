/* SPDX-License-Identifier: MIT */
/*
 * classify_mnist.c - the lab's board test through qnnd: classify the MNIST
 * test digits with qnn_classify() and print accuracy and throughput.
 *
 *   qnn-classify-mnist [--socket PATH] [--data DIR] [--limit N]
 *                      [--threads T] [--samples S] [--timeout MS]
 *
 * T threads (each with its own connection, like T applications) send
 * requests of S samples each; the daemon batches them. Images are scaled
 * to [0, 1] (pixel / 255), as hls4ml's test of the model does.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qnn.h"

struct job {
	const char *socket;
	const float *images;
	const uint8_t *labels;
	uint32_t n_in;
	size_t n, samples;
	int timeout_ms;
	size_t next; /* shared work index (under lock) */
	pthread_mutex_t lock;
	size_t correct, done;
	int error;
};

static uint8_t *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long sz;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (sz = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)sz);
		if (buf && fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)sz;
	}
	fclose(f);
	return buf;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* idx3 images -> floats in [0, 1]; idx1 labels. Returns the count or 0. */
static size_t load_mnist(const char *dir, float **images, uint8_t **labels, uint32_t *pixels)
{
	char p1[4200], p2[4200];
	size_t l1 = 0, l2 = 0, n;

	snprintf(p1, sizeof(p1), "%s/test-images-idx3-ubyte", dir);
	snprintf(p2, sizeof(p2), "%s/test-labels-idx1-ubyte", dir);
	uint8_t *im = read_file(p1, &l1), *lb = read_file(p2, &l2);

	if (!im || !lb || l1 < 16 || l2 < 8 || be32(im) != 0x803 || be32(lb) != 0x801) {
		fprintf(stderr, "classify_mnist: cannot read MNIST idx files in %s\n", dir);
		free(im);
		free(lb);
		return 0;
	}
	n = be32(im + 4);
	*pixels = be32(im + 8) * be32(im + 12);
	if (be32(lb + 4) != n || l1 != 16 + n * *pixels || l2 != 8 + n) {
		fprintf(stderr, "classify_mnist: inconsistent idx files in %s\n", dir);
		free(im);
		free(lb);
		return 0;
	}
	*images = malloc(n * *pixels * sizeof(float));
	*labels = malloc(n);
	if (!*images || !*labels) {
		free(im);
		free(lb);
		return 0;
	}
	for (size_t i = 0; i < n * *pixels; i++)
		(*images)[i] = im[16 + i] / 255.0f;
	memcpy(*labels, lb + 8, n);
	free(im);
	free(lb);
	return n;
}

static void *worker(void *arg)
{
	struct job *j = arg;
	qnn_client *c;
	int32_t *classes = malloc(j->samples * sizeof(int32_t));
	int r = qnn_connect(j->socket, &c);

	if (r || !classes) {
		fprintf(stderr, "classify_mnist: connect %s: %s\n",
			j->socket ? j->socket : "(default)", qnn_strerror(r));
		pthread_mutex_lock(&j->lock);
		j->error = r ? r : QNN_E_NOMEM;
		pthread_mutex_unlock(&j->lock);
		free(classes);
		return NULL;
	}
	for (;;) {
		pthread_mutex_lock(&j->lock);
		size_t first = j->next, n = j->n - first < j->samples ? j->n - first : j->samples;

		j->next += n;
		bool stop = j->error || n == 0;

		pthread_mutex_unlock(&j->lock);
		if (stop)
			break;
		struct qnn_outputs out = {.classes = classes};

		r = qnn_classify(c, j->images + first * j->n_in, n, &out, j->timeout_ms);
		size_t ok = 0;

		for (size_t i = 0; !r && i < n; i++)
			ok += classes[i] == j->labels[first + i];
		pthread_mutex_lock(&j->lock);
		if (r) {
			fprintf(stderr, "classify_mnist: samples %zu..%zu: %s\n", first,
				first + n - 1, qnn_strerror(r));
			j->error = r;
		}
		j->correct += ok;
		j->done += r ? 0 : n;
		pthread_mutex_unlock(&j->lock);
	}
	qnn_close(c);
	free(classes);
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	const char *data = getenv("QNN_DATA") ? getenv("QNN_DATA") : "build/data";
	char dir[4096];
	struct job j = {.timeout_ms = 60000, .samples = 1};
	size_t limit = 0, threads = 16;
	float *images;
	uint8_t *labels;
	uint32_t pixels;

	snprintf(dir, sizeof(dir), "%s/mnist", data);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--socket") && v)
			j.socket = argv[++i];
		else if (!strcmp(a, "--data") && v)
			snprintf(dir, sizeof(dir), "%s", argv[++i]);
		else if (!strcmp(a, "--limit") && v)
			limit = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(a, "--threads") && v)
			threads = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(a, "--samples") && v)
			j.samples = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(a, "--timeout") && v)
			j.timeout_ms = atoi(argv[++i]);
		else {
			fprintf(stderr,
				"usage: %s [--socket PATH] [--data DIR] [--limit N] "
				"[--threads T] [--samples S] [--timeout MS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!threads || !j.samples || threads > 1024)
		return 2;
	j.n = load_mnist(dir, &images, &labels, &pixels);
	if (!j.n)
		return 1;
	if (limit && limit < j.n)
		j.n = limit;
	j.images = images;
	j.labels = labels;
	j.n_in = pixels;
	pthread_mutex_init(&j.lock, NULL);

	/* Check the model takes MNIST-sized inputs before starting the clock. */
	qnn_client *c;
	struct qnn_model_info info;
	int r = qnn_connect(j.socket, &c);

	if (r) {
		fprintf(stderr, "classify_mnist: connect: %s\n", qnn_strerror(r));
		return 1;
	}
	qnn_get_model_info(c, &info);
	qnn_close(c);
	if (info.n_in != pixels) {
		fprintf(stderr, "classify_mnist: model '%s' takes %u inputs, MNIST has %u\n",
			info.name, info.n_in, pixels);
		return 1;
	}
	printf(
	    "model %s (backend %s, max batch %u), %zu client threads x %zu sample(s) per request\n",
	    info.name, info.backend, info.max_batch, threads, j.samples);

	pthread_t tid[threads];
	double t0 = now_s();

	for (size_t t = 0; t < threads; t++)
		pthread_create(&tid[t], NULL, worker, &j);
	for (size_t t = 0; t < threads; t++)
		pthread_join(tid[t], NULL);
	double dt = now_s() - t0;

	if (j.error || j.done != j.n) {
		fprintf(stderr, "classify_mnist: %zu of %zu samples classified: %s\n", j.done, j.n,
			qnn_strerror(j.error));
		return 1;
	}
	printf("accuracy %.4f (%zu / %zu)\n", (double)j.correct / (double)j.n, j.correct, j.n);
	printf("Classified %zu samples in %.3f s (%.0f inferences/s)\n", j.n, dt, (double)j.n / dt);
	free(images);
	free(labels);
	return 0;
}
