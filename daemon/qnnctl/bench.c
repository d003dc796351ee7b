// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - `qnnctl bench`: the lab's board test, through the daemon.
 * Classifies a labelled test set from N client connections (one thread
 * each, synchronous qnn_classify calls of S samples, the way applications
 * call it) and prints the accuracy, the lab's line
 *   Classified N samples in X s (Y inferences/s)
 * and the per-request latency percentiles.
 *
 * Work is handed out one request at a time from a shared counter, so fast
 * clients take more; a BUSY reply (daemon queue full) is retried after a
 * short pause and counted, any other error is counted and fails the run.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hlsgen_dataset.h"
#include "qnn.h"
#include "qnnctl.h"

static const char usage[] =
    "usage: qnnctl bench [-d DATASET] [-n SAMPLES] [-c CLIENTS] [-b PER_REQUEST]\n"
    "                    [--warmup SAMPLES] [--timeout MS] [--kv]\n"
    "  -d, --dataset SPEC     mnist (default), fashion, mnist:train, or X.npy:Y.npy\n"
    "                         (data sets from $QNN_DATA, default build/data)\n"
    "  -n, --samples N        samples to classify (default: the whole set;\n"
    "                         more than the set cycles through it again)\n"
    "  -c, --clients N        concurrent client connections (default 1)\n"
    "  -b, --per-request S    samples per request (default 1)\n"
    "  --warmup N             samples classified before timing starts (default 0)\n"
    "  --timeout MS           per request (default: wait)\n"
    "  --kv                   also print one key=value line for scripts\n";

struct bench {
	const struct hlsgen_dataset *d;
	const struct qnn_model_info *mi;
	uint64_t samples, per_req, n_reqs;
	int timeout_ms;
	_Atomic uint64_t next_req;
	pthread_barrier_t start;
};

struct client {
	pthread_t tid;
	struct bench *b;
	qnn_client *c;
	uint64_t warmup_reqs;
	uint64_t *lat_ns; /* one per request this client made */
	uint64_t n_lat, cap_lat;
	uint64_t correct, classified, busy, errors;
	int first_error;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Request r covers samples [r * per_req, ...) of the run, wrapping around the set. */
static int one_request(struct client *cl, uint64_t r, float *x, int32_t *classes, int timed)
{
	struct bench *b = cl->b;
	uint64_t first = r * b->per_req, n = b->per_req, t0;
	uint32_t n_in = b->mi->n_in;
	struct qnn_outputs out = {.classes = classes};
	int st;

	if (first + n > b->samples)
		n = b->samples - first;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s = (first + i) % b->d->n;

		memcpy(x + i * n_in, b->d->x + s * n_in, n_in * sizeof(float));
	}
	for (;;) {
		t0 = now_ns();
		st = qnn_classify(cl->c, x, n, &out, b->timeout_ms);
		if (st != QNN_E_BUSY)
			break;
		cl->busy++;
		nanosleep(&(struct timespec){.tv_nsec = 200000}, NULL);
	}
	if (st != QNN_OK) {
		if (!cl->errors++)
			cl->first_error = st;
		return -1;
	}
	if (!timed)
		return 0;
	if (cl->n_lat < cl->cap_lat)
		cl->lat_ns[cl->n_lat++] = now_ns() - t0;
	for (uint64_t i = 0; i < n; i++)
		cl->correct += classes[i] == b->d->y[(first + i) % b->d->n];
	cl->classified += n;
	return 0;
}

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct bench *b = cl->b;
	float *x = malloc(b->per_req * b->mi->n_in * sizeof(float));
	int32_t *classes = malloc(b->per_req * sizeof(int32_t));

	for (uint64_t i = 0; x && classes && i < cl->warmup_reqs; i++)
		one_request(cl, i % b->n_reqs, x, classes, 0);
	pthread_barrier_wait(&b->start);
	while (x && classes) {
		uint64_t r = atomic_fetch_add(&b->next_req, 1);

		if (r >= b->n_reqs)
			break;
		one_request(cl, r, x, classes, 1);
	}
	if (!x || !classes) {
		cl->errors++;
		cl->first_error = QNN_E_NOMEM;
	}
	free(x);
	free(classes);
	return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static uint64_t percentile(const uint64_t *v, uint64_t n, unsigned p)
{
	uint64_t rank;

	if (n == 0)
		return 0;
	rank = (n * p + 99) / 100;
	return v[rank ? rank - 1 : 0];
}

struct bench_opts {
	const char *dataset;
	uint64_t samples, clients, per_req, warmup;
	int timeout_ms, kv;
};

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option opts[] = {
	    {"dataset", required_argument, NULL, 'd'},
	    {"samples", required_argument, NULL, 'n'},
	    {"clients", required_argument, NULL, 'c'},
	    {"per-request", required_argument, NULL, 'b'},
	    {"warmup", required_argument, NULL, 'w'},
	    {"timeout", required_argument, NULL, 't'},
	    {"kv", no_argument, NULL, 'k'},
	    {0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "d:n:c:b:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->dataset = optarg;
			break;
		case 'n':
			o->samples = qnnctl_parse_u64("--samples", optarg, 1, 1ull << 32);
			break;
		case 'c':
			o->clients = qnnctl_parse_u64("--clients", optarg, 1, 1024);
			break;
		case 'b':
			o->per_req = qnnctl_parse_u64("--per-request", optarg, 1, 1u << 20);
			break;
		case 'w':
			o->warmup = qnnctl_parse_u64("--warmup", optarg, 0, 1ull << 32);
			break;
		case 't':
			o->timeout_ms = (int)qnnctl_parse_u64("--timeout", optarg, 1, 3600000);
			break;
		case 'k':
			o->kv = 1;
			break;
		default:
			return -1;
		}
	}
	return optind < argc ? -1 : 0;
}

static void report(const struct bench_opts *o, const struct bench *b, struct client *cls,
		   double secs)
{
	uint64_t n_lat = 0, correct = 0, classified = 0, busy = 0, errors = 0, *lat;

	for (uint64_t i = 0; i < o->clients; i++) {
		n_lat += cls[i].n_lat;
		correct += cls[i].correct;
		classified += cls[i].classified;
		busy += cls[i].busy;
		errors += cls[i].errors;
	}
	lat = malloc((n_lat ? n_lat : 1) * sizeof(*lat));
	n_lat = 0;
	for (uint64_t i = 0; lat && i < o->clients; i++) {
		memcpy(lat + n_lat, cls[i].lat_ns, cls[i].n_lat * sizeof(*lat));
		n_lat += cls[i].n_lat;
	}
	if (lat)
		qsort(lat, n_lat, sizeof(*lat), cmp_u64);
	else
		n_lat = 0;
	printf("Accuracy: %.4f (%" PRIu64 "/%" PRIu64 ")\n",
	       classified ? (double)correct / (double)classified : 0.0, correct, classified);
	printf("Classified %" PRIu64 " samples in %.3f s (%.1f inferences/s)\n", classified, secs,
	       classified / secs);
	printf("Requests: %" PRIu64 " of %" PRIu64 " samples, %.1f requests/s\n", n_lat, o->per_req,
	       n_lat / secs);
	printf("Latency per request: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms\n",
	       percentile(lat, n_lat, 50) / 1e6, percentile(lat, n_lat, 90) / 1e6,
	       percentile(lat, n_lat, 99) / 1e6, n_lat ? lat[n_lat - 1] / 1e6 : 0.0);
	printf("Busy retries: %" PRIu64 ", failed requests: %" PRIu64 "\n", busy, errors);
	if (o->kv)
		printf("bench clients=%" PRIu64 " per_request=%" PRIu64 " samples=%" PRIu64
		       " seconds=%.6f samples_per_s=%.1f requests_per_s=%.1f p50_us=%.1f"
		       " p90_us=%.1f p99_us=%.1f max_us=%.1f accuracy=%.4f busy=%" PRIu64
		       " errors=%" PRIu64 " backend=%s\n",
		       o->clients, o->per_req, classified, secs, classified / secs, n_lat / secs,
		       percentile(lat, n_lat, 50) / 1e3, percentile(lat, n_lat, 90) / 1e3,
		       percentile(lat, n_lat, 99) / 1e3, n_lat ? lat[n_lat - 1] / 1e3 : 0.0,
		       classified ? (double)correct / (double)classified : 0.0, busy, errors,
		       b->mi->backend);
	for (uint64_t i = 0; i < o->clients; i++)
		if (cls[i].errors) {
			qnnctl_qnn_error("a request failed", cls[i].first_error);
			break;
		}
	free(lat);
}

static int connect_clients(struct client *cls, uint64_t n, struct bench *b, uint64_t warmup)
{
	uint64_t warm_reqs = (warmup + b->per_req - 1) / b->per_req;

	for (uint64_t i = 0; i < n; i++) {
		int r = qnn_connect(qnnctl_socket, &cls[i].c);

		if (r != QNN_OK) {
			qnnctl_qnn_error("connect", r);
			return -1;
		}
		cls[i].b = b;
		cls[i].warmup_reqs = (warm_reqs + n - 1) / n;
		cls[i].cap_lat = b->n_reqs; /* a client may end up doing every request */
		cls[i].lat_ns = malloc(cls[i].cap_lat * sizeof(uint64_t));
		if (!cls[i].lat_ns) {
			fprintf(stderr, "qnnctl: out of memory\n");
			return -1;
		}
	}
	return 0;
}

static int run_clients(const struct bench_opts *o, struct bench *b)
{
	struct client *cls = calloc(o->clients, sizeof(*cls));
	uint64_t t0, started = 0, errors = 0;
	int rc = 1;

	if (!cls || connect_clients(cls, o->clients, b, o->warmup))
		goto out;
	if (pthread_barrier_init(&b->start, NULL, (unsigned)o->clients + 1))
		goto out;
	for (; started < o->clients; started++)
		if (pthread_create(&cls[started].tid, NULL, client_main, &cls[started]))
			break;
	if (started < o->clients) {
		fprintf(stderr, "qnnctl: cannot start client thread %" PRIu64 "\n", started);
		exit(1); /* the others wait on the barrier forever */
	}
	pthread_barrier_wait(&b->start);
	t0 = now_ns();
	for (uint64_t i = 0; i < started; i++)
		pthread_join(cls[i].tid, NULL);
	report(o, b, cls, (now_ns() - t0) / 1e9);
	for (uint64_t i = 0; i < o->clients; i++)
		errors += cls[i].errors;
	pthread_barrier_destroy(&b->start);
	rc = errors ? 1 : 0;
out:
	for (uint64_t i = 0; cls && i < o->clients; i++) {
		if (cls[i].c)
			qnn_close(cls[i].c);
		free(cls[i].lat_ns);
	}
	free(cls);
	return rc;
}

static int bench_run(int argc, char **argv)
{
	struct bench_opts o = {
	    .dataset = "mnist", .clients = 1, .per_req = 1, .timeout_ms = QNN_TIMEOUT_INFINITE};
	struct hlsgen_dataset d;
	struct qnn_model_info mi;
	struct bench b = {0};
	qnn_client *probe;
	char err[512];
	int r;

	if (parse_opts(argc, argv, &o)) {
		fputs(usage, stderr);
		return 2;
	}
	r = qnn_connect(qnnctl_socket, &probe);
	if (r != QNN_OK) {
		qnnctl_qnn_error(qnnctl_socket ? qnnctl_socket : qnn_default_socket(), r);
		return 1;
	}
	r = qnn_get_model_info(probe, &mi);
	qnn_close(probe);
	if (r != QNN_OK) {
		qnnctl_qnn_error("model info", r);
		return 1;
	}
	if (hlsgen_dataset_load(o.dataset, NULL, mi.in_h, mi.in_w, mi.in_c, &d, err, sizeof(err))) {
		fprintf(stderr, "qnnctl: %s\n", err);
		return 1;
	}
	if (d.n == 0) {
		fprintf(stderr, "qnnctl: data set %s is empty\n", o.dataset);
		hlsgen_dataset_free(&d);
		return 1;
	}
	b.d = &d;
	b.mi = &mi;
	b.samples = o.samples ? o.samples : d.n;
	b.per_req = o.per_req;
	b.n_reqs = (b.samples + b.per_req - 1) / b.per_req;
	b.timeout_ms = o.timeout_ms;
	printf("qnnctl bench: model %s on backend %s (max batch %u), data set %s (%" PRIu64
	       " samples)\n",
	       mi.name, mi.backend, mi.max_batch, d.name, d.n);
	printf("  %" PRIu64 " clients, %" PRIu64 " samples per request, %" PRIu64 " samples\n",
	       o.clients, o.per_req, b.samples);
	fflush(stdout);
	r = run_clients(&o, &b);
	hlsgen_dataset_free(&d);
	return r;
}

const struct qnnctl_cmd qnnctl_cmd_bench = {
    .name = "bench",
    .summary = "accuracy, throughput and latency on a test set through qnnd",
    .usage = usage,
    .run = bench_run,
};
