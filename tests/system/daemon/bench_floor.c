// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * bench_floor - what the sw bar leaves on this machine: the best ratio a
 * protocol with qnnd's shape can reach when it does no work per request.
 *
 * The yardstick is two threads each spinning the engine's cost per sample
 * (--sample-ns, default 9400: the MNIST CNN on this VM) on batches of 128.
 * The floor run keeps qnnd's shape and drops everything else: two worker
 * threads spin the same cost for whatever requests are pending, then ring
 * the eventfd of each answered client with one io_uring submission; one
 * client thread epolls 64 eventfds (bench_qnnd's shape), reads each ready
 * one and re-submits at once through memory under a mutex. No input is
 * copied, nothing is checked, no request is allocated: what is left is the
 * wake-ups and the system calls a per-client completion fd costs.
 *
 *   bench_floor [--sample-ns N] [--seconds S]
 */
#include <liburing.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define CLIENTS	  64
#define MAX_TAKE  (CLIENTS / 2) /* both workers help with the requests pending */
#define YARDSTICK 128

static int efd[CLIENTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int pending[CLIENTS], npending;
static int stop;
static long answered, computed;
static double seconds = 3;
static uint64_t iters_per_sample;
static volatile uint64_t sink;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* A dependent multiply-add chain: pure CPU, like the engine's inner loops. */
static void spin(uint64_t iters)
{
	uint64_t x = 1;

	for (uint64_t i = 0; i < iters; i++)
		x = x * 6364136223846793005ull + 1442695040888963407ull;
	sink = x;
}

static void calibrate(double sample_ns)
{
	const uint64_t probe = 10000000;
	double t0 = now_s();

	spin(probe);
	iters_per_sample = (uint64_t)(sample_ns * 1e-9 * (double)probe / (now_s() - t0));
}

static void *yardstick_thread(void *arg)
{
	double end = now_s() + seconds;

	while (now_s() < end) {
		spin(iters_per_sample * YARDSTICK);
		__atomic_add_fetch(&computed, YARDSTICK, __ATOMIC_RELAXED);
	}
	return arg;
}

static int take(int *mine)
{
	int n;

	pthread_mutex_lock(&mu);
	while (!npending && !stop)
		pthread_cond_wait(&cv, &mu);
	n = npending < MAX_TAKE ? npending : MAX_TAKE;
	for (int i = 0; i < n; i++)
		mine[i] = pending[--npending];
	pthread_mutex_unlock(&mu);
	return n;
}

static void *worker(void *arg)
{
	static const uint64_t one = 1;
	struct io_uring ring;
	int mine[MAX_TAKE], n;

	if (io_uring_queue_init(CLIENTS, &ring, 0))
		return arg;
	while ((n = take(mine)) > 0) {
		spin(iters_per_sample * (uint64_t)n);
		for (int i = 0; i < n; i++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			io_uring_prep_write(sqe, efd[mine[i]], &one, sizeof(one), 0);
			sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
		}
		io_uring_submit(&ring);
		__atomic_add_fetch(&answered, n, __ATOMIC_RELAXED);
	}
	io_uring_queue_exit(&ring);
	return arg;
}

static void submit(int client)
{
	pthread_mutex_lock(&mu);
	pending[npending++] = client;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

static double run_floor(void)
{
	int ep = epoll_create1(0);
	pthread_t w[2];
	double start, end;
	long a0;

	for (int i = 0; i < CLIENTS; i++) {
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};

		efd[i] = eventfd(0, EFD_NONBLOCK);
		epoll_ctl(ep, EPOLL_CTL_ADD, efd[i], &ev);
		submit(i);
	}
	for (int i = 0; i < 2; i++)
		pthread_create(&w[i], NULL, worker, NULL);
	start = now_s();
	a0 = __atomic_load_n(&answered, __ATOMIC_RELAXED);
	while ((end = now_s()) < start + seconds) {
		struct epoll_event evs[CLIENTS];
		int k = epoll_wait(ep, evs, CLIENTS, 100);

		for (int j = 0; j < k; j++) {
			uint64_t v;

			if (read(efd[evs[j].data.u32], &v, sizeof(v)) == sizeof(v))
				submit((int)evs[j].data.u32);
		}
	}
	long done = __atomic_load_n(&answered, __ATOMIC_RELAXED) - a0;

	pthread_mutex_lock(&mu);
	stop = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	for (int i = 0; i < 2; i++)
		pthread_join(w[i], NULL);
	return (double)done / (end - start);
}

int main(int argc, char **argv)
{
	double sample_ns = 9400;
	pthread_t y[2];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--sample-ns"))
			sample_ns = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--seconds"))
			seconds = atof(argv[i + 1]);
	}
	if (sample_ns < 100 || seconds <= 0) {
		fprintf(stderr, "usage: bench_floor [--sample-ns N >= 100] [--seconds S]\n");
		return 2;
	}
	calibrate(sample_ns);
	double t0 = now_s();

	for (int i = 0; i < 2; i++)
		pthread_create(&y[i], NULL, yardstick_thread, NULL);
	for (int i = 0; i < 2; i++)
		pthread_join(y[i], NULL);
	double yard = (double)computed / (now_s() - t0);
	double floor = run_floor();

	printf("protocol floor (%.0f ns per sample, 64 clients x 1, no per-request work): "
	       "%.0f requests/s = %.1f%% of the same compute alone (%.0f samples/s)\n",
	       sample_ns, floor, 100 * floor / yard, yard);
	return 0;
}
