// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * classify_digits - the board's application, as a user writes one: built on
 * the board against libqnn-dev (`pkg-config --cflags --libs qnn`), run as a
 * user in group qnn. It classifies every digit of a raw float32 file
 * through qnnd with one qnn_classify() call, writes the probabilities (raw
 * float32, n x n_out) for a bit-for-bit comparison, and prints one line:
 *   classify_digits: N digits, backend B, accuracy A, X s, Y images/s
 * Labels (an idx1 file) are optional.
 *
 * Usage: classify_digits DIGITS.f32 OUT.f32 [LABELS.idx1]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <qnn.h>

static void *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Share of classes equal to the idx1 labels (magic 0x801, big-endian count). */
static double accuracy(const char *path, const int32_t *classes, size_t n)
{
	size_t len = 0, correct = 0;
	unsigned char *l = read_all(path, &len);

	if (!l || len < 8 + n || l[2] != 0x08 || l[3] != 0x01) {
		free(l);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		correct += classes[i] == l[8 + i];
	free(l);
	return (double)correct / (double)n;
}

int main(int argc, char **argv)
{
	struct qnn_model_info mi;
	struct qnn_outputs out = {0};
	qnn_client *c;
	size_t len = 0, n;
	float *digits;
	FILE *f;
	int r;

	if (argc < 3) {
		fprintf(stderr, "usage: classify_digits DIGITS.f32 OUT.f32 [LABELS.idx1]\n");
		return 2;
	}
	r = qnn_connect(NULL, &c);
	if (r != QNN_OK) {
		fprintf(stderr, "classify_digits: connect to %s: %s\n", qnn_default_socket(),
			qnn_strerror(r));
		return 1;
	}
	qnn_get_model_info(c, &mi);
	digits = read_all(argv[1], &len);
	if (!digits || len % (mi.n_in * sizeof(float))) {
		fprintf(stderr, "classify_digits: %s: not n x %u float32\n", argv[1], mi.n_in);
		return 1;
	}
	n = len / (mi.n_in * sizeof(float));
	out.classes = calloc(n, sizeof(*out.classes));
	out.probs = calloc(n * mi.n_out, sizeof(*out.probs));
	if (!out.classes || !out.probs)
		return 1;
	double t0 = now_s();
	r = qnn_classify(c, digits, n, &out, 120000);
	double secs = now_s() - t0;
	qnn_close(c);
	if (r < 0) {
		fprintf(stderr, "classify_digits: qnn_classify: %s\n", qnn_strerror(r));
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out.probs, sizeof(float) * mi.n_out, n, f) != n || fclose(f)) {
		fprintf(stderr, "classify_digits: cannot write %s\n", argv[2]);
		return 1;
	}
	printf("classify_digits: %zu digits, backend %s, accuracy %.4f, %.3f s, %.1f images/s\n", n,
	       mi.backend, argc > 3 ? accuracy(argv[3], out.classes, n) : -1.0, secs,
	       (double)n / secs);
	return 0;
}
