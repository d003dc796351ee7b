// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_qnnd - closed-loop load generator for qnnd, built like
 * redis-benchmark so the two can be compared: one thread, N connections,
 * each with one request outstanding (libqnn's asynchronous API and its
 * completion fds in one epoll set). Prints requests/s and latency p50/p99.
 *
 *   bench_qnnd --socket PATH --clients N [--seconds S] [--samples K] [--daemon-pid P]
 *              [--requests R]
 *       also: batch avg (STATS), CPU per sample of this client and (with
 *       --daemon-pid) of qnnd: the machine is shared, so CPU is comparable.
 *       --requests stops after R requests instead of S seconds: a fixed amount
 *       of work, for instruction counts under callgrind (bench-ab.sh)
 *   bench_qnnd --engine MODEL.qnn [--seconds S] [--batch 256] [--threads T]
 *       the engine's own throughput on batches (the sw backend's yardstick)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "qnn_engine.h"
#include "qnn_proto.h" /* and, beside it, the client API qnn.h */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU seconds (user + system) this process used so far: the machine is shared. */
static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
}

/* CPU seconds of another process (qnnd) from /proc/PID/stat; -1 when unknown. */
static double proc_cpu_s(int pid)
{
	char path[64], buf[1024];
	unsigned long ut, st;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')'); /* the command name may hold spaces */

	if (!p ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct client {
	qnn_client *c;
	double t0;
	int32_t cls[256];
};

static int bench_daemon(const char *sock, int nclients, double seconds, unsigned samples,
			int daemon_pid, long max_requests)
{
	struct client *cl = calloc((size_t)nclients, sizeof(*cl));
	size_t cap = 1 << 22, nlat = 0;
	double *lat = malloc(cap * sizeof(double));
	int ep = epoll_create1(0);
	struct qnn_model_info info;
	float *in;
	long errors = 0;

	for (int i = 0; i < nclients; i++) {
		int r = qnn_connect(sock, &cl[i].c);

		if (r) {
			fprintf(stderr, "bench: connect: %s\n", qnn_strerror(r));
			return 1;
		}
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};

		epoll_ctl(ep, EPOLL_CTL_ADD, qnn_completion_fd(cl[i].c), &ev);
	}
	qnn_get_model_info(cl[0].c, &info);
	if (samples > 256 || samples > info.max_samples)
		samples = info.max_samples < 256 ? info.max_samples : 256;
	in = calloc((size_t)samples * info.n_in, sizeof(float));
	for (size_t k = 0; k < (size_t)samples * info.n_in; k++)
		in[k] = (float)(k % 255) / 255.0f;
	struct qnn_daemon_stats st0 = {0}, st1 = {0};

	qnn_get_stats(cl[0].c, &st0, 5000);
	double start = now_s(), end = start + seconds, cpu0 = cpu_s();
	double dcpu0 = proc_cpu_s(daemon_pid);
	long submitted = 0;
	int outstanding = 0;

	/* max_requests <= 0: no limit. A limit below the client count leaves some idle. */
	for (int i = 0; i < nclients && (max_requests <= 0 || submitted < max_requests); i++) {
		struct qnn_outputs o = {.classes = cl[i].cls};

		cl[i].t0 = now_s();
		if (qnn_submit(cl[i].c, in, samples, &o, QNN_TIMEOUT_INFINITE, NULL, NULL))
			errors++;
		else
			outstanding++;
		submitted++;
	}
	/* out must outlive the request: the classes array lives in struct client. */

	while (outstanding) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, 1000);

		for (int e = 0; e < n; e++) {
			struct client *c = &cl[evs[e].data.u32];
			struct qnn_completion done[4];
			int k = qnn_reap(c->c, done, 4, 0);

			for (int j = 0; j < k; j++) {
				double t = now_s();

				if (done[j].status)
					errors++;
				else if (nlat < cap)
					lat[nlat++] = t - c->t0;
				if (t < end && (max_requests <= 0 || submitted < max_requests)) {
					struct qnn_outputs o = {.classes = c->cls};

					c->t0 = t;
					submitted++;
					if (qnn_submit(c->c, in, samples, &o, QNN_TIMEOUT_INFINITE,
						       NULL, NULL)) {
						errors++;
						outstanding--;
					}
				} else {
					outstanding--;
				}
			}
		}
	}
	double el = now_s() - start, cpu = cpu_s() - cpu0;
	double dcpu = proc_cpu_s(daemon_pid) - dcpu0;

	qnn_get_stats(cl[0].c, &st1, 5000);
	qsort(lat, nlat, sizeof(double), cmp_double);
	printf("qnnd %-5s clients %3d samples/req %3u: %9.0f requests/s %9.0f samples/s  "
	       "p50 %7.1f us  p99 %7.1f us  errors %ld\n",
	       info.backend, nclients, samples, (double)nlat / el, (double)nlat * samples / el,
	       nlat ? lat[nlat / 2] * 1e6 : 0, nlat ? lat[(size_t)(nlat * 0.99)] * 1e6 : 0, errors);
	if (nlat && st1.batches > st0.batches)
		printf("    batch avg %.1f samples; client CPU %.2f us per sample (%.2f s)\n",
		       (double)(st1.samples - st0.samples) / (double)(st1.batches - st0.batches),
		       cpu * 1e6 / ((double)nlat * samples), cpu);
	if (nlat && dcpu0 >= 0)
		printf("    qnnd CPU %.2f us per sample (%.2f s)\n",
		       dcpu * 1e6 / ((double)nlat * samples), dcpu);
	for (int i = 0; i < nclients; i++)
		qnn_close(cl[i].c);
	free(cl);
	free(lat);
	free(in);
	return errors ? 1 : 0;
}

struct eng_arg {
	const struct qnn_model *m;
	const float *in;
	uint32_t n;
	double end;
	long batches;
};

static void *engine_thread(void *p)
{
	struct eng_arg *a = p;
	size_t wsz = qnn_engine_workspace_size(a->m);
	void *ws = aligned_alloc(64, (wsz + 63) & ~(size_t)63);
	uint32_t *vals = malloc((size_t)a->n * a->m->n_out * 4);
	struct qnn_engine e;

	qnn_engine_init(&e, a->m, ws, wsz);
	while (now_s() < a->end) {
		struct qnn_engine_out o = {.values = vals};

		qnn_engine_run(&e, QNN_INPUT_F32, a->in, a->n, &o, NULL, NULL);
		a->batches++;
	}
	free(ws);
	free(vals);
	return NULL;
}

/* The engine alone: T threads, each running batches of n (the yardstick for the sw backend). */
static int bench_engine(const char *path, double seconds, uint32_t batch, int threads)
{
	FILE *f = fopen(path, "rb");
	struct qnn_model m;
	char err[256];
	long len;

	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *buf = aligned_alloc(64, ((size_t)len + 63) & ~(size_t)63);

	if (fread(buf, 1, (size_t)len, f) != (size_t)len ||
	    qnn_model_parse(buf, (size_t)len, &m, err, sizeof(err))) {
		fprintf(stderr, "bench: %s: %s\n", path, err);
		return 1;
	}
	fclose(f);
	float *in = malloc((size_t)batch * m.n_in * sizeof(float));

	for (size_t k = 0; k < (size_t)batch * m.n_in; k++)
		in[k] = (float)(k % 255) / 255.0f;
	struct eng_arg a[64];
	pthread_t t[64];
	double start = now_s(), cpu0 = cpu_s();
	long total = 0;

	for (int i = 0; i < threads; i++) {
		a[i] = (struct eng_arg){&m, in, batch / (uint32_t)threads, start + seconds, 0};
		pthread_create(&t[i], NULL, engine_thread, &a[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(t[i], NULL);
		total += a[i].batches * (long)a[i].n;
	}
	double cpu = cpu_s() - cpu0;

	printf("engine direct, batch %u over %d threads: %9.0f samples/s  CPU %.2f us per sample "
	       "(%.2f s)\n",
	       batch, threads, (double)total / (now_s() - start), cpu * 1e6 / (double)total, cpu);
	free(in);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	const char *sock = NULL, *model = NULL;
	int clients = 1, threads = 2, daemon_pid = 0;
	double seconds = 3;
	unsigned samples = 1, batch = 256;
	long max_requests = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--socket"))
			sock = argv[i + 1];
		else if (!strcmp(argv[i], "--engine"))
			model = argv[i + 1];
		else if (!strcmp(argv[i], "--clients"))
			clients = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--samples"))
			samples = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--batch"))
			batch = (unsigned)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--threads"))
			threads = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--daemon-pid"))
			daemon_pid = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--requests"))
			max_requests = atol(argv[i + 1]);
	}
	if (model)
		return bench_engine(model, seconds, batch,
				    threads < 1	   ? 1
				    : threads > 64 ? 64
						   : threads);
	if (!sock || clients < 1 || clients > 4096) {
		fprintf(
		    stderr,
		    "usage: bench_qnnd --socket PATH --clients N [--seconds S] [--samples K] "
		    "[--daemon-pid P] [--requests R]\n"
		    "       bench_qnnd --engine MODEL [--seconds S] [--batch B] [--threads T]\n");
		return 2;
	}
	if (max_requests > 0)
		seconds = 1e9; /* the count ends the run */
	return bench_daemon(sock, clients, seconds, samples, daemon_pid, max_requests);
}
