// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * System tests of the shared-memory data path (qnn_proto.h): the real
 * daemon, libqnn, and a raw ring client written from the spec that can
 * also break every rule. Answers are checked bit for bit against the
 * engine; a client that corrupts its ring, scribbles over it while the
 * daemon reads it, or vanishes must never hurt another client.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sys/mman.h>

#include "harness.h"

T_DAEMON_SUITE(shm, 120);

/* Whether this process has a qnnd ring mapped (libqnn took the shared-memory path). */
static bool ring_mapped(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		found |= strstr(line, "qnnd-ring") != NULL;
	fclose(f);
	return found;
}

/* n samples through c, everything compared with the engine. */
static void check_bitexact(qnn_client *c, uint32_t n, uint32_t seed)
{
	uint32_t ni = ref.m.n_in, no = ref.m.n_out;
	float in[64 * 72], probs[64 * 16], logits[64 * 16];
	int32_t cls[64];
	uint32_t want_v[64 * 16];
	int32_t want_l[64 * 16];
	uint16_t want_c[64];
	struct qnn_outputs out = {.classes = cls, .probs = probs, .logits = logits};

	cr_assert(n <= 64 && ni <= 72 && no <= 16);
	t_inputs(in, (size_t)n * ni, seed);
	t_ref_run(&ref, in, n, want_v, want_l, want_c);
	int r = qnn_classify(c, in, n, &out, 30000);

	cr_assert_eq(r, QNN_OK, "classify: %s", qnn_strerror(r));
	for (uint32_t s = 0; s < n; s++) {
		cr_assert_eq(cls[s], want_c[s], "sample %u class", s);
		for (uint32_t k = 0; k < no; k++) {
			uint32_t bits;

			memcpy(&bits, &probs[s * no + k], 4);
			cr_assert_eq(bits, want_v[s * no + k], "sample %u output %u", s, k);
			if (out.flags & QNN_OUT_HAS_LOGITS)
				cr_assert_eq(logits[s * no + k],
					     (float)ldexp(want_l[s * no + k], -ref.frac));
		}
	}
}

static void others_still_served(void)
{
	qnn_client *c = t_connect(&d);

	check_bitexact(c, 1, 91);
	check_bitexact(c, 7, 92);
	qnn_close(c);
}

/* ---- a raw ring client, from the spec ---- */

struct tring {
	int fd, kick, notify;
	uint8_t *base;
	struct qnn_wire_shm lay;
	struct qnn_model_info info;
	struct qnn_shm_ctrl *ctl;
	uint32_t *sq, *cq;
	uint32_t sq_tail, cq_head;
};

static void ring_info(struct tring *r)
{
	uint8_t hdr[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;

	qnn_proto_put_hdr(hdr, QNN_MSG_INFO, 1, 0);
	t_raw_send(r->fd, hdr, sizeof(hdr));
	cr_assert_eq(t_raw_recv(r->fd, &h, p, 5000), 1);
	cr_assert_eq(h.type, QNN_MSG_INFO_REPLY);
	cr_assert_eq(qnn_proto_get_info(p, h.len, &r->info), 0);
}

/* SHM request; returns the ERROR status, or 0 with the ring mapped. */
static int ring_request(struct tring *r)
{
	uint8_t hdr[QNN_PROTO_HDR_SIZE], p[512];
	int fds[3] = {-1, -1, -1};
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} u;
	struct iovec iov = {hdr, sizeof(hdr)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct qnn_frame_hdr h;

	qnn_proto_put_hdr(hdr, QNN_MSG_SHM, 2, 0);
	t_raw_send(r->fd, hdr, sizeof(hdr));
	struct pollfd pfd = {.fd = r->fd, .events = POLLIN};

	cr_assert_eq(poll(&pfd, 1, 5000), 1);
	cr_assert_eq(recvmsg(r->fd, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC), (ssize_t)sizeof(hdr));
	cr_assert_eq(qnn_proto_parse_hdr(hdr, sizeof(hdr), sizeof(p), &h), QNN_PROTO_HDR_OK);
	cr_assert_eq(recv(r->fd, p, h.len, MSG_WAITALL), (ssize_t)h.len);
	if (h.type == QNN_MSG_ERROR) {
		cr_assert_null(CMSG_FIRSTHDR(&mh), "an ERROR carries no fds");
		return t_error_status(&h, p);
	}
	cr_assert_eq(h.type, QNN_MSG_SHM_REPLY);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);

	cr_assert_not_null(cm);
	cr_assert_eq(cm->cmsg_type, SCM_RIGHTS);
	cr_assert_eq(cm->cmsg_len, CMSG_LEN(sizeof(fds)));
	memcpy(fds, CMSG_DATA(cm), sizeof(fds));
	cr_assert_eq(
	    qnn_proto_get_shm(p, h.len, r->info.n_in, r->info.n_out, r->info.max_samples, &r->lay),
	    0);
	r->base = mmap(NULL, r->lay.region_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	cr_assert_neq(r->base, MAP_FAILED);
	/* The daemon sealed the size: a client cannot make it fault by shrinking the file. */
	cr_assert_neq(ftruncate(fds[0], 0), 0, "the memfd can be shrunk");
	cr_assert_neq(ftruncate(fds[0], r->lay.region_size * 2), 0, "the memfd can be grown");
	close(fds[0]);
	r->kick = fds[1];
	r->notify = fds[2];
	r->ctl = (struct qnn_shm_ctrl *)r->base;
	r->sq = (uint32_t *)(r->base + r->lay.sq_off);
	r->cq = (uint32_t *)(r->base + r->lay.cq_off);
	r->sq_tail = r->cq_head = 0;
	return 0;
}

static void ring_open(struct tring *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = t_raw_connect(d.sock);
	ring_info(r);
	cr_assert(r->info.flags & QNN_INFO_SHM, "the daemon offers shared memory");
	cr_assert_eq(ring_request(r), 0);
}

static void ring_close(struct tring *r)
{
	if (r->base)
		munmap(r->base, r->lay.region_size);
	close(r->kick);
	close(r->notify);
	close(r->fd);
	r->base = NULL;
}

static uint8_t *slot_of(struct tring *r, uint32_t idx)
{
	return r->base + r->lay.slots_off + (size_t)idx * r->lay.slot_size;
}

/* Write a request into slot idx (not yet posted). */
static void ring_fill(struct tring *r, uint32_t idx, uint32_t id, const float *in, uint32_t n,
		      uint32_t flags, uint32_t sock_seq)
{
	struct qnn_shm_req h = {.id = id, .n_samples = n, .flags = flags, .sock_seq = sock_seq};
	uint32_t cap = r->lay.slot_samples < n ? r->lay.slot_samples : n;

	memcpy(slot_of(r, idx), &h, sizeof(h));
	memcpy(slot_of(r, idx) + sizeof(h), in, (size_t)cap * r->info.n_in * 4);
}

/* Append slot indices to sq and publish them in one store; kick if the daemon asked. */
static void ring_submit(struct tring *r, const uint32_t *idx, unsigned k)
{
	uint64_t one = 1;

	for (unsigned i = 0; i < k; i++)
		r->sq[(r->sq_tail++) % r->lay.slots] = idx[i];
	__atomic_store_n(&r->ctl->sq_tail, r->sq_tail, __ATOMIC_SEQ_CST);
	if (__atomic_exchange_n(&r->ctl->d_need_kick, 0u, __ATOMIC_SEQ_CST))
		cr_assert_eq(write(r->kick, &one, 8), 8);
}

/* The next completed slot within timeout_ms (sleeping on the notify fd), or -1. */
static int ring_next(struct tring *r, int timeout_ms)
{
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms, v;

	for (;;) {
		if (read(r->notify, &v, 8) < 0) {
			/* not signalled */
		}
		__atomic_store_n(&r->ctl->c_need_notify, 1u, __ATOMIC_SEQ_CST);
		if (__atomic_load_n(&r->ctl->cq_tail, __ATOMIC_ACQUIRE) != r->cq_head)
			return (int)r->cq[(r->cq_head++) % r->lay.slots];
		int left = (int)(end > t_now_ms() ? end - t_now_ms() : 0);
		struct pollfd p = {.fd = r->notify, .events = POLLIN};

		if (!left || poll(&p, 1, left) <= 0)
			return -1;
	}
}

static struct qnn_shm_rep *ring_rep(struct tring *r, uint32_t idx)
{
	return (struct qnn_shm_rep *)(slot_of(r, idx) + r->lay.reply_off);
}

/* After a rule is broken: ERROR id 0 (QNN_E_PROTO) on the socket, then the daemon hangs up. */
static void expect_hangup(struct tring *r)
{
	uint8_t p[65536];
	struct qnn_frame_hdr h;

	cr_assert_eq(t_raw_recv(r->fd, &h, p, 5000), 1, "an ERROR before the hang-up");
	cr_assert_eq(h.id, 0);
	cr_assert_eq(t_error_status(&h, p), QNN_E_PROTO);
	cr_assert_eq(t_raw_recv(r->fd, &h, p, 5000), 0, "connection closed");
}

/* ---- tests ---- */

Test(shm, libqnn_uses_the_ring_bitexact)
{
	const char *extra[] = {"--backend", "sw", NULL};

	t_start(&d, extra);
	qnn_client *c = t_connect(&d);

	cr_assert(ring_mapped(), "libqnn did not map the daemon's ring");
	for (uint32_t n = 1; n <= 9; n++)
		check_bitexact(c, n, 100 + n); /* ring-sized and socket-sized requests */
	check_bitexact(c, 64, 7);
	/* Asynchronous submissions through the ring, completion fd in poll(). */
	float in[8][72];
	int32_t cls[8];
	uint16_t want[8];
	uint32_t vals[8 * 16];

	t_inputs(&in[0][0], sizeof(in) / 4, 5);
	t_ref_run(&ref, &in[0][0], 8, vals, NULL, want);
	for (int i = 0; i < 8; i++) {
		struct qnn_outputs o = {.classes = &cls[i]};

		cr_assert_eq(qnn_submit(c, in[i], 1, &o, 5000, (void *)(intptr_t)i, NULL), 0);
	}
	int got = 0;

	while (got < 8) {
		struct pollfd p = {.fd = qnn_completion_fd(c), .events = POLLIN};
		struct qnn_completion done[8];

		cr_assert_eq(poll(&p, 1, 5000), 1, "completion fd readable");
		int k = qnn_reap(c, done, 8, 0);

		cr_assert_geq(k, 0);
		for (int j = 0; j < k; j++)
			cr_assert_eq(done[j].status, 0);
		got += k;
	}
	for (int i = 0; i < 8; i++)
		cr_assert_eq(cls[i], want[i], "async sample %d", i);
	/* Nothing left: the completion fd is quiet again. */
	struct pollfd p = {.fd = qnn_completion_fd(c), .events = POLLIN};
	struct qnn_completion done[1];

	if (poll(&p, 1, 100) == 1)
		cr_assert_eq(qnn_reap(c, done, 1, 0), 0);
	cr_assert_eq(poll(&p, 1, 100), 0, "completion fd still readable with nothing to reap");
	qnn_close(c);
}

Test(shm, raw_ring_answers_bitexact)
{
	const char *extra[] = {"--backend", "sw", NULL};
	struct tring r;
	uint32_t no = ref.m.n_out, ni = ref.m.n_in;

	t_start(&d, extra);
	ring_open(&r);
	uint32_t ss = r.lay.slot_samples, slots = r.lay.slots;

	cr_assert_geq(ss, 1);
	cr_assert_geq(slots, 8);
	float *in = malloc((size_t)8 * ss * ni * 4);
	uint32_t *want_v = malloc((size_t)8 * ss * no * 4);
	int32_t *want_l = malloc((size_t)8 * ss * no * 4);
	uint16_t *want_c = malloc((size_t)8 * ss * 2);
	uint32_t idx[8];

	t_inputs(in, (size_t)8 * ss * ni, 3);
	t_ref_run(&ref, in, 8 * ss, want_v, want_l, want_c);
	for (uint32_t i = 0; i < 8; i++) {
		idx[i] = slots - 1 - i; /* any order of slots */
		ring_fill(&r, idx[i], 1000 + i, in + (size_t)i * ss * ni, ss,
			  QNN_CF_WANT_PROBS | QNN_CF_WANT_LOGITS, 0);
	}
	ring_submit(&r, idx, 8);
	for (int k = 0; k < 8; k++) {
		int s = ring_next(&r, 5000);

		cr_assert_geq(s, 0, "completion %d", k);
		uint32_t i = slots - 1 - (uint32_t)s;
		struct qnn_shm_rep *rep = ring_rep(&r, (uint32_t)s);
		const uint32_t *cls = (const uint32_t *)(rep + 1);
		const uint32_t *probs = cls + ss;
		const int32_t *logits = (const int32_t *)(probs + (size_t)ss * no);

		cr_assert_lt(i, 8);
		cr_assert_eq(rep->id, 1000 + i);
		cr_assert_eq(rep->status, 0);
		cr_assert_eq(rep->n_samples, ss);
		cr_assert_eq(rep->n_out, no);
		cr_assert_eq(rep->flags, QNN_RF_PROBS | QNN_RF_LOGITS);
		for (uint32_t j = 0; j < ss; j++) {
			size_t g = (size_t)i * ss + j;

			cr_assert_eq(cls[j], want_c[g]);
			cr_assert_eq(memcmp(probs + (size_t)j * no, want_v + g * no, no * 4), 0);
			cr_assert_eq(memcmp(logits + (size_t)j * no, want_l + g * no, no * 4), 0);
		}
	}
	ring_close(&r);
	free(in);
	free(want_v);
	free(want_l);
	free(want_c);
}

Test(shm, request_errors_keep_the_ring)
{
	const char *extra[] = {"--backend", "null", NULL};
	struct tring r;
	float in[72 * 64];
	uint32_t idx;

	t_start(&d, extra);
	ring_open(&r);
	t_inputs(in, 72 * 64, 4);
	const struct {
		uint32_t n, flags;
		bool nan;
		int status;
	} cases[] = {
	    {1, QNN_CF_WANT_PROBS, true, QNN_E_NONFINITE},
	    {0, QNN_CF_WANT_PROBS, false, QNN_E_PROTO},
	    {r.lay.slot_samples + 1, QNN_CF_WANT_PROBS, false, QNN_E_TOO_BIG},
	    {0xffffffffu, QNN_CF_WANT_PROBS, false, QNN_E_TOO_BIG},
	    {1, 0x80, false, QNN_E_PROTO},
	    {1, QNN_CF_WANT_PROBS, false, QNN_OK},
	};

	for (unsigned k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		idx = k % r.lay.slots;
		in[5] = cases[k].nan ? NAN : 0.25f;
		ring_fill(&r, idx, 50 + k, in, cases[k].n, cases[k].flags, 0);
		ring_submit(&r, &idx, 1);
		cr_assert_eq(ring_next(&r, 5000), (int)idx, "case %u answered", k);
		cr_assert_eq(ring_rep(&r, idx)->id, 50 + k);
		cr_assert_eq(ring_rep(&r, idx)->status, cases[k].status, "case %u: status %d", k,
			     ring_rep(&r, idx)->status);
	}
	/* Asking twice is refused, not fatal: the socket still works. */
	cr_assert_eq(ring_request(&r), QNN_E_INVAL);
	uint8_t frame[65536], p[65536];
	struct qnn_frame_hdr h;
	size_t len = t_raw_classify(frame, 77, in, 1, 72, 0);

	t_raw_send(r.fd, frame, len);
	cr_assert_eq(t_raw_recv(r.fd, &h, p, 5000), 1);
	cr_assert_eq(h.type, QNN_MSG_CLASSIFY_REPLY);
	cr_assert_eq(h.id, 77);
	ring_close(&r);
}

/*
 * A NaN/Inf input is refused alike over the ring (found when the batch copies it) and over
 * the socket (found on receipt): QNN_E_NONFINITE, counted in nonfinite_rejects and not in
 * errors. trace/test-usdt.sh runs this test under qnnlat --daemon: each of its
 * NONFINITE_REQUESTS requests must be answered once (request_answered, failed).
 */
#define NONFINITE_REQUESTS 3
Test(shm, nonfinite_refused_alike_on_ring_and_socket)
{
	const char *extra[] = {"--backend", "sw", NULL};
	uint8_t frame[65536], p[65536];
	struct qnn_frame_hdr h;
	struct qnn_daemon_stats st;
	struct tring r;
	float in[72];
	uint32_t idx;

	t_start(&d, extra);
	ring_open(&r);
	t_inputs(in, 72, 5);
	for (uint32_t k = 0; k < 2; k++) { /* ring: one NaN, one -Inf */
		in[9] = k ? -INFINITY : NAN;
		idx = k;
		ring_fill(&r, idx, 60 + k, in, 1, QNN_CF_WANT_PROBS, 0);
		ring_submit(&r, &idx, 1);
		cr_assert_eq(ring_next(&r, 10000), (int)idx, "ring request %u answered", k);
		cr_assert_eq(ring_rep(&r, idx)->status, QNN_E_NONFINITE, "ring status %d",
			     ring_rep(&r, idx)->status);
	}
	in[9] = NAN; /* socket: the same connection */
	size_t len = t_raw_classify(frame, 70, in, 1, 72, 0);

	t_raw_send(r.fd, frame, len);
	cr_assert_eq(t_raw_recv(r.fd, &h, p, 10000), 1);
	cr_assert_eq(t_error_status(&h, p), QNN_E_NONFINITE);
	ring_close(&r);
	qnn_client *c = t_connect(&d);

	cr_assert_eq(qnn_get_stats(c, &st, 5000), 0);
	cr_assert_eq(st.nonfinite_rejects, NONFINITE_REQUESTS, "nonfinite_rejects %llu",
		     (unsigned long long)st.nonfinite_rejects);
	cr_assert_eq(st.errors, 0, "errors %llu: a NaN is counted once, as nonfinite",
		     (unsigned long long)st.errors);
	cr_assert_eq(st.requests, 0, "requests %llu", (unsigned long long)st.requests);
	qnn_close(c);
}

/* The three ways to break the ring's rules; each closes only the offender. */
Test(shm, corrupt_ring_closes_only_its_connection)
{
	const char *extra[] = {"--backend", "sw", NULL};
	float in[72];

	t_start(&d, extra);
	qnn_client *good = t_connect(&d);

	t_inputs(in, 72, 8);
	for (int mode = 0; mode < 4; mode++) {
		struct tring r;
		uint32_t idx[2] = {0, 0};

		ring_open(&r);
		ring_fill(&r, 0, 1, in, 1, QNN_CF_WANT_PROBS, 0);
		switch (mode) {
		case 0: /* more submissions than slots */
			r.sq_tail += r.lay.slots + 5;
			ring_submit(&r, idx, 0);
			break;
		case 1: /* a slot index out of range */
			idx[0] = r.lay.slots + 3;
			ring_submit(&r, idx, 1);
			break;
		case 2: /* the same slot twice (the daemon owns it after the first) */
			ring_submit(&r, idx, 2);
			break;
		case 3: /* the tail moved backwards */
			ring_submit(&r, idx, 1);
			cr_assert_geq(ring_next(&r, 5000), 0);
			r.sq_tail -= 2;
			ring_submit(&r, idx, 0);
			break;
		}
		expect_hangup(&r);
		ring_close(&r);
		check_bitexact(good, 3, 40 + (uint32_t)mode);
	}
	qnn_close(good);
	others_still_served();
}

struct scribble {
	struct tring *r;
	atomic_bool stop;
	uint32_t seed;
	unsigned rounds;
};

/* Rewrites the whole region, control words included (the daemon soon hangs up). */
static void scribble_all(struct scribble *sc)
{
	uint32_t x = sc->seed;
	uint32_t *w = (uint32_t *)sc->r->base;
	size_t nw = sc->r->lay.region_size / 4;
	uint64_t one = 1;

	while (!atomic_load(&sc->stop)) {
		for (int i = 0; i < 4096; i++) {
			x = x * 1664525u + 1013904223u;
			/* mostly small numbers, so indices and counts are sometimes "valid" */
			w[(x >> 7) % nw] = (x & 1) ? x >> 24 : x;
		}
		if (write(sc->r->kick, &one, 8) < 0) {
			/* the daemon may have closed it */
		}
	}
}

/* Posts valid submissions and rewrites their slots (header and inputs) while the daemon
 * reads them: the daemon must judge only its own copy. */
static void scribble_slots(struct scribble *sc)
{
	struct tring *r = sc->r;
	uint32_t x = sc->seed, slots = r->lay.slots, ss = r->lay.slot_samples;
	size_t words = (sizeof(struct qnn_shm_req) + (size_t)ss * r->info.n_in * 4) / 4;
	uint64_t one = 1, v;

	while (!atomic_load(&sc->stop)) {
		for (uint32_t i = 0; i < slots; i++) {
			float f = (float)(x % 1000) / 999.0f;
			struct qnn_shm_req h = {.id = i, .n_samples = 1 + x % ss};

			x = x * 1664525u + 1013904223u;
			memcpy(slot_of(r, i), &h, sizeof(h));
			for (size_t k = 0; k < (size_t)ss * r->info.n_in; k++)
				memcpy(slot_of(r, i) + sizeof(h) + 4 * k, &f, 4);
			r->sq[(r->sq_tail++) % slots] = i;
		}
		__atomic_store_n(&r->ctl->sq_tail, r->sq_tail, __ATOMIC_SEQ_CST);
		if (write(r->kick, &one, 8) < 0) {
			/* closed */
		}
		/* Until every slot is back: keep rewriting them (NaNs, counts, flags, ...). */
		uint64_t end = t_now_ms() + 2000;

		while (r->cq_head != r->sq_tail && t_now_ms() < end && !atomic_load(&sc->stop)) {
			uint32_t *w = (uint32_t *)slot_of(r, (x >> 8) % slots);
			size_t k = (x >> 5) % words;

			x = x * 1664525u + 1013904223u;
			/* sock_seq (word 4) stays 0: a future one only parks the ring (tested
			 * apart) */
			if (k != 4)
				w[k] = (x & 3) == 0 ? 0x7fc00000u : x >> (x & 31);
			if (__atomic_load_n(&r->ctl->cq_tail, __ATOMIC_ACQUIRE) != r->cq_head)
				r->cq_head++;
		}
		if (r->cq_head != r->sq_tail)
			break; /* the daemon hung up on us (or is stuck: the main thread sees it) */
		if (read(r->notify, &v, 8) < 0) {
			/* not signalled */
		}
		sc->rounds++;
	}
}

static void *scribbler(void *arg)
{
	struct scribble *sc = arg;

	if (sc->seed & 1)
		scribble_all(sc);
	else
		scribble_slots(sc);
	return NULL;
}

/* A client rewrites its whole region while the daemon reads it (TOCTOU): others unaffected. */
Test(shm, scribbling_client_cannot_hurt_others)
{
	const char *extra[] = {"--backend", "sw", NULL};
	struct tring r[3];
	struct scribble sc[3];
	pthread_t t[3];

	t_start(&d, extra);
	qnn_client *good = t_connect(&d);

	for (int i = 0; i < 3; i++) {
		ring_open(&r[i]);
		sc[i].r = &r[i];
		sc[i].seed = 17u + (uint32_t)i; /* odd: the whole region; even: slots only */
		sc[i].rounds = 0;
		atomic_init(&sc[i].stop, false);
		pthread_create(&t[i], NULL, scribbler, &sc[i]);
	}
	uint64_t end = t_now_ms() + 1500;

	for (uint32_t k = 0; t_now_ms() < end; k++)
		check_bitexact(good, 1 + k % 6, 200 + k);
	for (int i = 0; i < 3; i++) {
		atomic_store(&sc[i].stop, true);
		pthread_join(t[i], NULL);
		ring_close(&r[i]);
	}
	cr_assert_gt(sc[1].rounds, 2, "the slot scribbler's requests were answered (%u rounds)",
		     sc[1].rounds);
	check_bitexact(good, 2, 5);
	qnn_close(good);
	others_still_served();
	cr_assert_eq(kill(d.pid, 0), 0, "qnnd is alive");
}

Test(shm, ring_client_vanishes_with_requests_in_flight)
{
	const char *extra[] = {"--backend", "sw", NULL};
	float in[72 * 64];

	t_start(&d, extra);
	t_inputs(in, 72 * 64, 6);
	for (int round = 0; round < 5; round++) {
		struct tring r;
		uint32_t idx[64];

		ring_open(&r);
		unsigned k = r.lay.slots < 64 ? r.lay.slots : 64;

		for (unsigned i = 0; i < k; i++) {
			idx[i] = i;
			ring_fill(&r, i, i + 1, in, r.lay.slot_samples, QNN_CF_WANT_PROBS, 0);
		}
		ring_submit(&r, idx, k);
		ring_close(&r); /* gone with every slot in the daemon's hands */
	}
	others_still_served();
	qnn_client *c = t_connect(&d);
	struct qnn_daemon_stats st;

	for (int i = 0; i < 100; i++) {
		cr_assert_eq(qnn_get_stats(c, &st, 5000), 0);
		if (st.clients == 1)
			break;
		usleep(20000);
	}
	cr_assert_eq(st.clients, 1, "vanished ring clients were dropped");
	qnn_close(c);
}

/*
 * A ring entry made after a socket request waits for it (per-connection order). With room
 * for one waiting sample, the one queued second is refused BUSY: that must be the ring entry.
 */
Test(shm, ring_waits_for_earlier_socket_requests)
{
	const char *extra[] = {"--backend", "null", "--max-queue", "1", "--max-samples", "1", NULL};
	struct tring r;
	float in[72];
	uint8_t frame[65536], p[65536];
	struct qnn_frame_hdr h;
	uint32_t idx = 3;

	t_start(&d, extra);
	ring_open(&r);
	t_inputs(in, 72, 10);
	ring_fill(&r, idx, 9, in, 1, QNN_CF_WANT_PROBS, 1); /* after 1 socket CLASSIFY */
	ring_submit(&r, &idx, 1);
	cr_assert_eq(ring_next(&r, 300), -1, "ring entry overtook the socket request");
	size_t len = t_raw_classify(frame, 8, in, 1, 72, 0);

	t_raw_send(r.fd, frame, len);
	cr_assert_eq(t_raw_recv(r.fd, &h, p, 5000), 1);
	cr_assert_eq(h.type, QNN_MSG_CLASSIFY_REPLY);
	cr_assert_eq(h.id, 8);
	cr_assert_eq(ring_next(&r, 5000), (int)idx, "released once the socket frame arrived");
	cr_assert_eq(ring_rep(&r, idx)->id, 9);
	cr_assert_eq(ring_rep(&r, idx)->status, QNN_E_BUSY, "the ring entry was queued first");
	/* and alone it goes through */
	ring_fill(&r, idx, 10, in, 1, QNN_CF_WANT_PROBS, 1);
	ring_submit(&r, &idx, 1);
	cr_assert_eq(ring_next(&r, 5000), (int)idx);
	cr_assert_eq(ring_rep(&r, idx)->status, 0);
	ring_close(&r);
}

Test(shm, fallback_to_the_socket)
{
	const char *extra[] = {"--backend", "sw", "--set", "shm_slots=0", NULL};

	t_start(&d, extra);
	/* A daemon that does not offer it: libqnn stays on the socket. */
	qnn_client *c = t_connect(&d);
	struct qnn_model_info info;

	qnn_get_model_info(c, &info);
	cr_assert_eq(info.flags & QNN_INFO_SHM, 0);
	cr_assert(!ring_mapped());
	check_bitexact(c, 1, 1);
	check_bitexact(c, 9, 2);
	qnn_close(c);
	/* A client that asks anyway gets an ERROR and keeps its connection. */
	struct tring r = {0};
	uint8_t frame[65536], p[65536];
	struct qnn_frame_hdr h;
	float in[72];

	r.fd = t_raw_connect(d.sock);
	ring_info(&r);
	cr_assert_eq(ring_request(&r), QNN_E_INVAL);
	t_inputs(in, 72, 3);
	size_t len = t_raw_classify(frame, 5, in, 1, 72, 0);

	t_raw_send(r.fd, frame, len);
	cr_assert_eq(t_raw_recv(r.fd, &h, p, 5000), 1);
	cr_assert_eq(h.type, QNN_MSG_CLASSIFY_REPLY);
	close(r.fd);
	t_stop(&d, SIGTERM, 10000);
	/* QNN_NO_SHM=1 keeps libqnn on the socket even when the daemon offers the ring. */
	const char *extra2[] = {"--backend", "sw", NULL};

	t_start(&d, extra2);
	setenv("QNN_NO_SHM", "1", 1);
	c = t_connect(&d);
	unsetenv("QNN_NO_SHM");
	qnn_get_model_info(c, &info);
	cr_assert(info.flags & QNN_INFO_SHM);
	cr_assert(!ring_mapped());
	check_bitexact(c, 1, 3);
	qnn_close(c);
}

/*
 * A ring client that shuts down the sending side of its socket: the ring entries it
 * published before are answered through the ring (bit for bit), then the daemon closes.
 * An entry still waiting for a socket frame that can never come (sock_seq ahead) is not.
 */
Test(shm, half_closed_ring_client_gets_every_answer)
{
	const char *extra[] = {"--backend", "sw", "--max-batch", "8", "--max-queue-delay-us",
			       "300000",    NULL};
	uint32_t ni = ref.m.n_in, no = ref.m.n_out;
	float in[16 * 72];
	uint32_t want_v[16 * 16], idx[17];
	int32_t want_l[16 * 16];
	uint16_t want_c[16];
	uint8_t p[65536];
	struct qnn_frame_hdr h;
	struct tring r;

	t_start(&d, extra);
	ring_open(&r);
	unsigned k = r.lay.slots - 1 < 16 ? r.lay.slots - 1 : 16;

	t_inputs(in, (size_t)k * ni, 77);
	t_ref_run(&ref, in, k, want_v, want_l, want_c);
	for (unsigned i = 0; i < k; i++) {
		idx[i] = i;
		ring_fill(&r, i, 100 + i, in + (size_t)i * ni, 1, QNN_CF_WANT_PROBS, 0);
	}
	idx[k] = k;
	ring_fill(&r, k, 999, in, 1, QNN_CF_WANT_PROBS, 5); /* waits for 5 socket frames */
	ring_submit(&r, idx, k + 1);
	cr_assert_eq(shutdown(r.fd, SHUT_WR), 0);
	for (unsigned j = 0; j < k; j++) {
		int s = ring_next(&r, 5000);

		cr_assert_geq(s, 0, "completion %u of %u", j, k);
		cr_assert_lt((unsigned)s, k, "the held-back entry is not answered");
		struct qnn_shm_rep *rep = ring_rep(&r, (uint32_t)s);
		const uint32_t *cls = (const uint32_t *)(rep + 1);
		const uint32_t *probs = cls + r.lay.slot_samples;

		cr_assert_eq(rep->id, 100 + (uint32_t)s);
		cr_assert_eq(rep->status, 0);
		cr_assert_eq(cls[0], want_c[s]);
		cr_assert_eq(memcmp(probs, want_v + (size_t)s * no, no * 4), 0);
	}
	cr_assert_eq(t_raw_recv(r.fd, &h, p, 5000), 0, "then the daemon closes");
	cr_assert_eq(ring_next(&r, 100), -1);
	ring_close(&r);
	others_still_served();
}
