// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench.c - `qnnctl bench`: the lab's board test, through the daemon.
 * Classifies a labelled test set from N client connections (one thread
 * each, one synchronous request of S samples at a time, the way
 * applications call it) and prints the accuracy, the lab's line
 *   Classified N samples in X s (Y inferences/s)
 * the per-request latency percentiles (p50/p90/p95/p99, as Triton's
 * perf_analyzer reports them) and where the daemon spent each request's
 * time (queue vs run, from the reply). Ranges of concurrency and of
 * samples per request give one row each; over the request sizes, FINN's
 * throughput test fits time = overhead + n * per_sample by least squares.
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
    "usage: qnnctl bench [-d DATASET] [--data-dir DIR] [-n SAMPLES] [-c CLIENTS]\n"
    "                    [-b PER_REQUEST] [--concurrency-range A:B[:STEP]]\n"
    "                    [--per-request-range A:B[:STEP]] [--warmup SAMPLES]\n"
    "                    [--timeout MS] [--kv] [--csv | --json]\n"
    "  -d, --dataset SPEC     mnist (default), fashion, mnist:train, or X.npy:Y.npy\n"
    "  --data-dir DIR         where mnist/ and fashion/ live (default: $QNN_DATA,\n"
    "                         else ../data beside qnnctl, else /usr/share/qnn/data)\n"
    "  -n, --samples N        samples to classify per row (default: the whole set;\n"
    "                         more than the set cycles through it again)\n"
    "  -c, --clients N        concurrent client connections (default 1)\n"
    "  --concurrency-range A:B:STEP  one row per client count A, A+STEP, .. <= B\n"
    "  -b, --per-request S    samples per request (default 1)\n"
    "  --per-request-range A:B:STEP  one row per request size; with two or more\n"
    "                         sizes, the fit time = overhead + S * per_sample\n"
    "                         (least squares over the median request times, as\n"
    "                         FINN's throughput test): fixed cost per call\n"
    "  --warmup N             samples classified before each row's timing\n"
    "  --timeout MS           per request (default: wait)\n"
    "  --kv                   also print one key=value line per row\n"
    "  --csv, --json          rows (and the fit) as CSV or one JSON object only\n"
    "Latency: per request, from submit to the reply, nearest-rank percentiles;\n"
    "queue/run: the daemon's own split of each request (received -> batched ->\n"
    "done), means and p99 in microseconds.\n";

enum bench_format { FMT_TEXT, FMT_CSV, FMT_JSON };

struct range {
	uint64_t lo, hi, step;
};

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
	uint32_t *queue_us, *run_us;
	uint64_t n_lat, cap_lat;
	uint64_t correct, classified, busy, errors;
	int first_error;
};

/* One measured configuration. Times in microseconds. */
struct row {
	uint64_t clients, per_req, classified, correct, requests, busy, errors;
	double secs, lat_mean, p50, p90, p95, p99, max;
	double queue_mean, queue_p99, run_mean, run_p99;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One synchronous request with the daemon's timing: submit, then reap it. */
static int classify_timed(qnn_client *c, const float *x, uint64_t n, struct qnn_outputs *out,
			  struct qnn_timing *t, int timeout_ms)
{
	struct qnn_completion done;
	uint64_t ticket;
	int st = qnn_submit_timed(c, x, n, out, t, timeout_ms, NULL, &ticket);

	if (st != QNN_OK)
		return st;
	for (;;) {
		int k = qnn_reap(c, &done, 1, timeout_ms);

		if (k < 0)
			return k;
		if (k == 1 && done.ticket == ticket)
			return done.status;
		if (k == 0 && timeout_ms != QNN_TIMEOUT_INFINITE)
			return QNN_E_TIMEOUT;
	}
}

/* Request r covers samples [r * per_req, ...) of the run, wrapping around the set. */
static int one_request(struct client *cl, uint64_t r, float *x, int32_t *classes, int timed)
{
	struct bench *b = cl->b;
	uint64_t first = r * b->per_req, n = b->per_req, t0;
	uint32_t n_in = b->mi->n_in;
	struct qnn_outputs out = {.classes = classes};
	struct qnn_timing t = {0};
	int st;

	if (first + n > b->samples)
		n = b->samples - first;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t s = (first + i) % b->d->n;

		memcpy(x + i * n_in, b->d->x + s * n_in, n_in * sizeof(float));
	}
	for (;;) {
		t0 = now_ns();
		st = classify_timed(cl->c, x, n, &out, &t, b->timeout_ms);
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
	if (cl->n_lat < cl->cap_lat) {
		cl->queue_us[cl->n_lat] = t.queue_us;
		cl->run_us[cl->n_lat] = t.run_us;
		cl->lat_ns[cl->n_lat++] = now_ns() - t0;
	}
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
	const char *dataset, *data_dir;
	uint64_t samples, warmup;
	struct range clients, per_req;
	int timeout_ms, kv;
	enum bench_format format;
};

/* "A", "A:B" or "A:B:STEP" within [min, max]; exits with status 2 otherwise. */
static struct range parse_range(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char buf[96], *b, *c;
	struct range r;

	snprintf(buf, sizeof(buf), "%s", arg);
	b = strchr(buf, ':');
	if (b)
		*b++ = 0;
	c = b ? strchr(b, ':') : NULL;
	if (c)
		*c++ = 0;
	r.lo = qnnctl_parse_u64(opt, buf, min, max);
	r.hi = b ? qnnctl_parse_u64(opt, b, min, max) : r.lo;
	r.step = c ? qnnctl_parse_u64(opt, c, 1, max) : 1;
	if (r.hi < r.lo) {
		fprintf(stderr, "qnnctl: %s: %s: the end is below the start\n", opt, arg);
		exit(2);
	}
	return r;
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	enum { O_CRANGE = 256, O_BRANGE, O_CSV, O_JSON, O_DATADIR };
	static const struct option opts[] = {
	    {"dataset", required_argument, NULL, 'd'},
	    {"data-dir", required_argument, NULL, O_DATADIR},
	    {"samples", required_argument, NULL, 'n'},
	    {"clients", required_argument, NULL, 'c'},
	    {"concurrency-range", required_argument, NULL, O_CRANGE},
	    {"per-request", required_argument, NULL, 'b'},
	    {"per-request-range", required_argument, NULL, O_BRANGE},
	    {"warmup", required_argument, NULL, 'w'},
	    {"timeout", required_argument, NULL, 't'},
	    {"kv", no_argument, NULL, 'k'},
	    {"csv", no_argument, NULL, O_CSV},
	    {"json", no_argument, NULL, O_JSON},
	    {0},
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "d:n:c:b:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			o->dataset = optarg;
			break;
		case O_DATADIR:
			o->data_dir = optarg;
			break;
		case 'n':
			o->samples = qnnctl_parse_u64("--samples", optarg, 1, 1ull << 32);
			break;
		case 'c':
			o->clients.lo = o->clients.hi =
			    qnnctl_parse_u64("--clients", optarg, 1, 1024);
			break;
		case O_CRANGE:
			o->clients = parse_range("--concurrency-range", optarg, 1, 1024);
			break;
		case 'b':
			o->per_req.lo = o->per_req.hi =
			    qnnctl_parse_u64("--per-request", optarg, 1, 1u << 20);
			break;
		case O_BRANGE:
			o->per_req = parse_range("--per-request-range", optarg, 1, 1u << 20);
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
		case O_CSV:
			o->format = FMT_CSV;
			break;
		case O_JSON:
			o->format = FMT_JSON;
			break;
		default:
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "qnnctl bench: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static double mean_u32(const uint32_t *v, uint64_t n)
{
	double s = 0;

	for (uint64_t i = 0; i < n; i++)
		s += v[i];
	return n ? s / (double)n : 0;
}

/* p99 of n u32 values (sorts a copy into tmp) */
static double p99_u32(const uint32_t *v, uint64_t n, uint64_t *tmp)
{
	for (uint64_t i = 0; i < n; i++)
		tmp[i] = v[i];
	qsort(tmp, n, sizeof(*tmp), cmp_u64);
	return (double)percentile(tmp, n, 99);
}

/* The clients' results merged into one row. */
static int summarize(const struct client *cls, uint64_t n_cl, double secs, struct row *w)
{
	uint64_t n = 0, *lat, *tmp;
	uint32_t *q, *r;
	double sum = 0;

	for (uint64_t i = 0; i < n_cl; i++) {
		n += cls[i].n_lat;
		w->correct += cls[i].correct;
		w->classified += cls[i].classified;
		w->busy += cls[i].busy;
		w->errors += cls[i].errors;
	}
	lat = malloc((n + 1) * sizeof(*lat));
	tmp = malloc((n + 1) * sizeof(*tmp));
	q = malloc((n + 1) * sizeof(*q));
	r = malloc((n + 1) * sizeof(*r));
	if (!lat || !tmp || !q || !r) {
		free(lat);
		free(tmp);
		free(q);
		free(r);
		return -1;
	}
	n = 0;
	for (uint64_t i = 0; i < n_cl; i++) {
		memcpy(lat + n, cls[i].lat_ns, cls[i].n_lat * sizeof(*lat));
		memcpy(q + n, cls[i].queue_us, cls[i].n_lat * sizeof(*q));
		memcpy(r + n, cls[i].run_us, cls[i].n_lat * sizeof(*r));
		n += cls[i].n_lat;
	}
	qsort(lat, n, sizeof(*lat), cmp_u64);
	for (uint64_t i = 0; i < n; i++)
		sum += (double)lat[i];
	w->requests = n;
	w->secs = secs;
	w->lat_mean = n ? sum / (double)n / 1e3 : 0;
	w->p50 = percentile(lat, n, 50) / 1e3;
	w->p90 = percentile(lat, n, 90) / 1e3;
	w->p95 = percentile(lat, n, 95) / 1e3;
	w->p99 = percentile(lat, n, 99) / 1e3;
	w->max = n ? lat[n - 1] / 1e3 : 0;
	w->queue_mean = mean_u32(q, n);
	w->run_mean = mean_u32(r, n);
	w->queue_p99 = p99_u32(q, n, tmp);
	w->run_p99 = p99_u32(r, n, tmp);
	free(lat);
	free(tmp);
	free(q);
	free(r);
	return 0;
}

static double accuracy(const struct row *w)
{
	return w->classified ? (double)w->correct / (double)w->classified : 0.0;
}

static void print_text(const struct row *w, const char *backend, int kv)
{
	double secs = w->secs > 0 ? w->secs : 1e-9;

	printf("Accuracy: %.4f (%" PRIu64 "/%" PRIu64 ")\n", accuracy(w), w->correct,
	       w->classified);
	printf("Classified %" PRIu64 " samples in %.3f s (%.1f inferences/s)\n", w->classified,
	       w->secs, w->classified / secs);
	printf("Requests: %" PRIu64 " of %" PRIu64 " sample%s, %.1f requests/s\n", w->requests,
	       w->per_req, w->per_req == 1 ? "" : "s", w->requests / secs);
	printf("Latency per request: p50 %.3f ms, p90 %.3f ms, p95 %.3f ms, p99 %.3f ms, "
	       "max %.3f ms\n",
	       w->p50 / 1e3, w->p90 / 1e3, w->p95 / 1e3, w->p99 / 1e3, w->max / 1e3);
	printf("In the daemon per request: queue mean %.1f us (p99 %.0f), run mean %.1f us "
	       "(p99 %.0f); client and socket: %.1f us\n",
	       w->queue_mean, w->queue_p99, w->run_mean, w->run_p99,
	       w->lat_mean - w->queue_mean - w->run_mean);
	printf("Busy retries: %" PRIu64 ", failed requests: %" PRIu64 "\n", w->busy, w->errors);
	if (kv)
		printf("bench clients=%" PRIu64 " per_request=%" PRIu64 " samples=%" PRIu64
		       " seconds=%.6f samples_per_s=%.1f requests_per_s=%.1f p50_us=%.1f"
		       " p90_us=%.1f p95_us=%.1f p99_us=%.1f max_us=%.1f mean_us=%.1f"
		       " queue_us=%.1f run_us=%.1f accuracy=%.4f busy=%" PRIu64 " errors=%" PRIu64
		       " backend=%s\n",
		       w->clients, w->per_req, w->classified, w->secs, w->classified / secs,
		       w->requests / secs, w->p50, w->p90, w->p95, w->p99, w->max, w->lat_mean,
		       w->queue_mean, w->run_mean, accuracy(w), w->busy, w->errors, backend);
}

static const char csv_header[] =
    "clients,per_request,samples,seconds,samples_per_s,requests_per_s,p50_us,p90_us,p95_us,"
    "p99_us,max_us,mean_us,queue_mean_us,queue_p99_us,run_mean_us,run_p99_us,accuracy,busy,"
    "errors\n";

/* the row's numbers in csv_header's order, separated by sep (JSON: with the keys) */
static void print_fields(const struct row *w, int json)
{
	static const char *const keys[] = {
	    "seconds",	    "samples_per_s", "requests_per_s", "p50_us",  "p90_us",
	    "p95_us",	    "p99_us",	     "max_us",	       "mean_us", "queue_mean_us",
	    "queue_p99_us", "run_mean_us",   "run_p99_us",     "accuracy"};
	double secs = w->secs > 0 ? w->secs : 1e-9;
	double v[] = {w->secs,
		      w->classified / secs,
		      w->requests / secs,
		      w->p50,
		      w->p90,
		      w->p95,
		      w->p99,
		      w->max,
		      w->lat_mean,
		      w->queue_mean,
		      w->queue_p99,
		      w->run_mean,
		      w->run_p99,
		      accuracy(w)};

	if (json)
		printf("{\"clients\": %" PRIu64 ", \"per_request\": %" PRIu64
		       ", \"samples\": %" PRIu64,
		       w->clients, w->per_req, w->classified);
	else
		printf("%" PRIu64 ",%" PRIu64 ",%" PRIu64, w->clients, w->per_req, w->classified);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if (json)
			printf(", \"%s\": ", keys[i]);
		else
			putchar(',');
		qnnctl_json_double(stdout, v[i]);
	}
	if (json)
		printf(", \"busy\": %" PRIu64 ", \"errors\": %" PRIu64 "}", w->busy, w->errors);
	else
		printf(",%" PRIu64 ",%" PRIu64 "\n", w->busy, w->errors);
}

/*
 * FINN's fixed-cost fit: request time (us) = overhead + n * per_sample by
 * least squares over the rows of the first concurrency. The median (p50)
 * stands for a row's request time: a loaded machine's stalls move the mean
 * by milliseconds. 0 when the rows have fewer than two request sizes.
 */
static int fit_rows(const struct row *w, size_t n, double *overhead, double *per_sample, double *r2)
{
	double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		double x = (double)w[i].per_req, y = w[i].p50;

		if (w[i].clients != w[0].clients)
			continue;
		sx += x;
		sy += y;
		sxx += x * x;
		sxy += x * y;
		syy += y * y;
		k++;
	}
	if (k < 2 || k * sxx - sx * sx <= 0)
		return 0;
	*per_sample = (k * sxy - sx * sy) / (k * sxx - sx * sx);
	*overhead = (sy - *per_sample * sx) / k;
	{
		double ss_tot = syy - sy * sy / k, ss_res = 0;

		for (size_t i = 0; i < n; i++)
			if (w[i].clients == w[0].clients) {
				double e = w[i].p50 - *overhead - *per_sample * w[i].per_req;

				ss_res += e * e;
			}
		*r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : 1;
	}
	return 1;
}

static void print_summary(const struct bench_opts *o, const struct row *w, size_t n,
			  const struct qnn_model_info *mi)
{
	double ov = 0, ps = 0, r2 = 0;
	int fitted = fit_rows(w, n, &ov, &ps, &r2);

	if (o->format == FMT_CSV) {
		fputs(csv_header, stdout);
		for (size_t i = 0; i < n; i++)
			print_fields(&w[i], 0);
		return;
	}
	if (o->format == FMT_JSON) {
		printf("{\"model\": \"%s\", \"backend\": \"%s\", \"max_batch\": %u, \"rows\": [",
		       mi->name, mi->backend, mi->max_batch);
		for (size_t i = 0; i < n; i++) {
			printf("%s", i ? ", " : "");
			print_fields(&w[i], 1);
		}
		printf("], \"fit\": ");
		if (fitted) {
			printf("{\"clients\": %" PRIu64 ", \"overhead_us\": ", w[0].clients);
			qnnctl_json_double(stdout, ov);
			printf(", \"per_sample_us\": ");
			qnnctl_json_double(stdout, ps);
			printf(", \"r2\": ");
			qnnctl_json_double(stdout, r2);
			printf("}");
		} else {
			printf("null");
		}
		printf("}\n");
		return;
	}
	if (n > 1) {
		printf("\n%-8s %-8s %12s %10s %10s %10s %10s %10s %10s\n", "clients", "samp/req",
		       "samples/s", "p50 us", "p90 us", "p95 us", "p99 us", "queue us", "run us");
		for (size_t i = 0; i < n; i++)
			printf("%-8" PRIu64 " %-8" PRIu64 " %12.1f %10.1f %10.1f %10.1f %10.1f "
			       "%10.1f %10.1f\n",
			       w[i].clients, w[i].per_req,
			       w[i].classified / (w[i].secs > 0 ? w[i].secs : 1e-9), w[i].p50,
			       w[i].p90, w[i].p95, w[i].p99, w[i].queue_mean, w[i].run_mean);
	}
	if (fitted)
		printf("Fixed cost per call (FINN's fit over %" PRIu64
		       " client%s, median request time = overhead + samples * per_sample): "
		       "overhead %.1f us, per sample %.2f us (R^2 %.3f)\n",
		       w[0].clients, w[0].clients == 1 ? "" : "s", ov, ps, r2);
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
		cls[i].queue_us = malloc(cls[i].cap_lat * sizeof(uint32_t));
		cls[i].run_us = malloc(cls[i].cap_lat * sizeof(uint32_t));
		if (!cls[i].lat_ns || !cls[i].queue_us || !cls[i].run_us) {
			fprintf(stderr, "qnnctl: out of memory\n");
			return -1;
		}
	}
	return 0;
}

/* One row: n_cl clients over b->samples samples. */
static int run_row(const struct bench_opts *o, struct bench *b, uint64_t n_cl, struct row *w)
{
	struct client *cls = calloc(n_cl, sizeof(*cls));
	uint64_t t0, started = 0;
	int rc = 1;

	memset(w, 0, sizeof(*w));
	w->clients = n_cl;
	w->per_req = b->per_req;
	atomic_store(&b->next_req, 0);
	if (!cls || connect_clients(cls, n_cl, b, o->warmup))
		goto out;
	if (pthread_barrier_init(&b->start, NULL, (unsigned)n_cl + 1))
		goto out;
	for (; started < n_cl; started++)
		if (pthread_create(&cls[started].tid, NULL, client_main, &cls[started]))
			break;
	if (started < n_cl) {
		fprintf(stderr, "qnnctl: cannot start client thread %" PRIu64 "\n", started);
		exit(1); /* the others wait on the barrier forever */
	}
	pthread_barrier_wait(&b->start);
	t0 = now_ns();
	for (uint64_t i = 0; i < started; i++)
		pthread_join(cls[i].tid, NULL);
	if (summarize(cls, n_cl, (now_ns() - t0) / 1e9, w)) {
		fprintf(stderr, "qnnctl: out of memory\n");
		goto out;
	}
	pthread_barrier_destroy(&b->start);
	for (uint64_t i = 0; i < n_cl; i++)
		if (cls[i].errors) {
			qnnctl_qnn_error("a request failed", cls[i].first_error);
			break;
		}
	rc = w->errors ? 1 : 0;
out:
	for (uint64_t i = 0; cls && i < n_cl; i++) {
		if (cls[i].c)
			qnn_close(cls[i].c);
		free(cls[i].lat_ns);
		free(cls[i].queue_us);
		free(cls[i].run_us);
	}
	free(cls);
	return rc;
}

static int run_rows(const struct bench_opts *o, struct bench *b)
{
	struct row rows[256];
	size_t n = 0;
	int rc = 0;

	for (uint64_t s = o->per_req.lo; s <= o->per_req.hi; s += o->per_req.step)
		for (uint64_t c = o->clients.lo; c <= o->clients.hi; c += o->clients.step) {
			if (n == sizeof(rows) / sizeof(rows[0])) {
				fprintf(stderr, "qnnctl: more than %zu rows: use a larger STEP\n",
					n);
				return 2;
			}
			b->per_req = s;
			b->n_reqs = (b->samples + s - 1) / s;
			if (o->format == FMT_TEXT) {
				printf("%s%" PRIu64 " client%s, %" PRIu64 " sample%s per request, "
				       "%" PRIu64 " samples\n",
				       n ? "\n" : "", c, c == 1 ? "" : "s", s, s == 1 ? "" : "s",
				       b->samples);
				fflush(stdout);
			}
			rc |= run_row(o, b, c, &rows[n]);
			if (o->format == FMT_TEXT)
				print_text(&rows[n], b->mi->backend, o->kv);
			n++;
		}
	print_summary(o, rows, n, b->mi);
	return rc;
}

static int bench_run(int argc, char **argv)
{
	struct bench_opts o = {.dataset = "mnist",
			       .clients = {1, 1, 1},
			       .per_req = {1, 1, 1},
			       .timeout_ms = QNN_TIMEOUT_INFINITE};
	struct hlsgen_dataset d;
	struct qnn_model_info mi;
	struct bench b = {0};
	qnn_client *probe;
	char err[768];
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
	if (hlsgen_dataset_load(o.dataset, o.data_dir, mi.in_h, mi.in_w, mi.in_c, &d, err,
				sizeof(err))) {
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
	b.timeout_ms = o.timeout_ms;
	if (o.format == FMT_TEXT)
		printf("qnnctl bench: model %s on backend %s (max batch %u), data set %s (%" PRIu64
		       " samples)\n",
		       mi.name, mi.backend, mi.max_batch, d.name, d.n);
	fflush(stdout);
	r = run_rows(&o, &b);
	hlsgen_dataset_free(&d);
	return r;
}

const struct qnnctl_cmd qnnctl_cmd_bench = {
    .name = "bench",
    .summary = "accuracy, throughput and latency on a test set through qnnd",
    .usage = usage,
    .run = bench_run,
};
