// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_thread_pool.c - hlsgen's one thread pool (hlsgen_thread_pool.h) and
 * the batch path that runs on it: every thread index runs once per run, the
 * two ways of splitting work cover every item exactly once, many runs in a
 * row (spinning and sleeping workers) lose nothing, and the engine over a
 * batch gives the same bytes (and the same count of non-finite inputs) on
 * any number of threads. Also built with
 * ThreadSanitizer (make check-tsan-hlsgen).
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdatomic.h>
#include <time.h>

#include "hlsgen_engine_batch.h"
#include "hlsgen_thread_pool.h"
#include "qnn_engine.h"
#include "test_model_fixture.h"

struct count_ctx {
	atomic_int calls[HG_POOL_MAX_THREADS];
	atomic_int bad_nthreads;
	int want_nthreads;
	int sleep_tid; /* this thread naps, so the others wait (and sleep) */
};

static void nap_ms(long ms)
{
	struct timespec ts = {0, ms * 1000000L};

	nanosleep(&ts, NULL);
}

static void count_fn(void *vctx, int tid, int nthreads)
{
	struct count_ctx *c = vctx;

	atomic_fetch_add(&c->calls[tid], 1);
	if (nthreads != c->want_nthreads)
		atomic_fetch_add(&c->bad_nthreads, 1);
	if (tid == c->sleep_tid)
		nap_ms(5);
}

Test(thread_pool, every_thread_runs_once_per_run, .timeout = 120)
{
	for (int n = 1; n <= 5; n++) {
		struct hg_pool *p = hg_pool_create(n);
		static struct count_ctx c;
		enum { RUNS = 3000 };

		cr_assert_not_null(p);
		cr_assert_eq(hg_pool_size(p), n);
		memset(&c, 0, sizeof(c));
		c.want_nthreads = n;
		c.sleep_tid = -1;
		for (int r = 0; r < RUNS; r++) {
			/* a few slow runs: the waiting side goes past its spin to the condvar */
			c.sleep_tid = r % 500 == 7 ? r % n : -1;
			hg_pool_run(p, count_fn, &c);
			/* the run is over when hg_pool_run returns: nothing may still be counting
			 */
			for (int t = 0; t < n; t++)
				cr_assert_eq(atomic_load(&c.calls[t]), r + 1,
					     "n=%d run %d thread %d", n, r, t);
		}
		cr_expect_eq(atomic_load(&c.bad_nthreads), 0);
		hg_pool_destroy(p);
	}
}

Test(thread_pool, run_once_uses_each_thread_once)
{
	static struct count_ctx c;

	memset(&c, 0, sizeof(c));
	c.want_nthreads = 4;
	c.sleep_tid = 0; /* workers finish first and wait for the caller */
	hg_pool_run_once(4, count_fn, &c);
	for (int t = 0; t < 4; t++)
		cr_expect_eq(atomic_load(&c.calls[t]), 1, "thread %d", t);
	cr_expect_eq(atomic_load(&c.calls[4]), 0);
	cr_expect_eq(atomic_load(&c.bad_nthreads), 0);
}

Test(thread_pool, split_covers_every_item_once)
{
	for (unsigned long n = 0; n < 70; n++)
		for (int nt = 1; nt <= 9; nt++) {
			unsigned long next = 0, b, e, lo = n / (unsigned long)nt;

			for (int t = 0; t < nt; t++) {
				hg_split(n, t, nt, &b, &e);
				cr_assert_eq(b, next, "n=%lu nt=%d t=%d", n, nt, t);
				cr_assert(e - b == lo || e - b == lo + 1, "balanced");
				next = e;
			}
			cr_assert_eq(next, n);
		}
}

struct chunk_ctx {
	struct hg_chunks chunks;
	atomic_int *seen;
	atomic_int bad;
};

static void chunk_fn(void *vctx, int tid, int nthreads)
{
	struct chunk_ctx *c = vctx;
	uint64_t b, e;

	(void)tid;
	(void)nthreads;
	while (hg_chunks_take(&c->chunks, &b, &e)) {
		if (e <= b || e > c->chunks.n || e - b > c->chunks.size)
			atomic_fetch_add(&c->bad, 1);
		for (uint64_t i = b; i < e && i < c->chunks.n; i++)
			atomic_fetch_add(&c->seen[i], 1);
	}
}

Test(thread_pool, chunks_cover_every_item_once)
{
	static const uint64_t ns[] = {0, 1, 31, 32, 33, 1000, 4099};
	static const uint32_t sizes[] = {1, 7, 32, 64};

	for (size_t a = 0; a < sizeof(ns) / sizeof(ns[0]); a++)
		for (size_t z = 0; z < sizeof(sizes) / sizeof(sizes[0]); z++) {
			struct chunk_ctx c = {.chunks = {.n = ns[a], .size = sizes[z]}};

			c.seen = calloc(ns[a] + 1, sizeof(*c.seen));
			hg_pool_run_once(3, chunk_fn, &c);
			cr_expect_eq(atomic_load(&c.bad), 0);
			for (uint64_t i = 0; i < ns[a]; i++)
				cr_assert_eq(atomic_load(&c.seen[i]), 1, "n=%lu size=%u item %lu",
					     (unsigned long)ns[a], sizes[z], (unsigned long)i);
			free(c.seen);
		}
}

Test(thread_pool, threads_for_clamps)
{
	cr_expect_eq(hg_pool_threads_for(4, 1000, 64), 4);
	cr_expect_eq(hg_pool_threads_for(8, 100, 64), 2, "one per chunk plus one");
	cr_expect_eq(hg_pool_threads_for(8, 0, 64), 1);
	cr_expect_eq(hg_pool_threads_for(100000, 1u << 30, 1), HG_POOL_MAX_THREADS);
	cr_expect_geq(hg_pool_threads_for(0, 1u << 20, 1), 1, "0: the online CPUs");
}

/* The engine over a batch: the same bytes on 1..5 threads as one engine sample by sample. */
Test(thread_pool, engine_batch_independent_of_threads, .timeout = 120)
{
	enum { N = 777 }; /* not a multiple of the batch path's chunk */
	size_t len, wsz;
	void *buf = fx_build(&len), *ws;
	struct qnn_model m;
	struct qnn_engine e = {0};
	char err[256];
	float *x, *want, *got;
	uint16_t want_cls[N], got_cls[N];

	cr_assert_not_null(buf);
	cr_assert_eq(qnn_model_parse(buf, len, &m, err, sizeof(err)), 0, "%s", err);
	x = malloc((size_t)N * m.n_in * sizeof(*x));
	want = malloc((size_t)N * m.n_out * sizeof(*want));
	got = malloc((size_t)N * m.n_out * sizeof(*got));
	for (size_t i = 0; i < (size_t)N * m.n_in; i++)
		x[i] = (float)((int)(i * 7919 % 257) - 128) / 32.0f;
	x[5] = NAN; /* counted by whichever thread meets them */
	x[(size_t)(N - 1) * m.n_in] = INFINITY;
	wsz = qnn_engine_workspace_size(&m);
	ws = malloc(wsz);
	cr_assert_eq(qnn_engine_init(&e, &m, ws, wsz), 0);
	for (uint32_t s = 0; s < N; s++) {
		struct qnn_engine_out out = {.values = (uint32_t *)(want + s * m.n_out),
					     .classes = want_cls + s};

		cr_assert_eq(qnn_engine_run(&e, QNN_INPUT_F32, x + s * m.n_in, 1, &out, NULL, NULL),
			     0);
	}
	for (unsigned t = 1; t <= 5; t++) {
		struct hlsgen_engine_results res = {.values = got, .classes = got_cls};

		memset(got, 0xa5, (size_t)N * m.n_out * sizeof(*got));
		memset(got_cls, 0xa5, sizeof(got_cls));
		cr_assert_eq(hlsgen_engine_batch(&m, x, N, t, &res, NULL, err, sizeof(err)), 0,
			     "%s", err);
		cr_expect_eq(memcmp(got, want, (size_t)N * m.n_out * sizeof(*got)), 0, "%u threads",
			     t);
		cr_expect_eq(memcmp(got_cls, want_cls, sizeof(got_cls)), 0, "%u threads", t);
		cr_expect_eq(res.nonfinite, 2, "%u threads", t);
	}
	free(ws);
	free(x);
	free(want);
	free(got);
	free(buf);
}
