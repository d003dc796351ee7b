// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * System tests of qnnd at its limits, over a real socket: the frame length
 * limit at its boundary, running out of file descriptors (no busy loop, no
 * log flood, waiting clients told why, service back once descriptors free
 * up), and the per-uid limits with two users (the test runs as root and
 * connects as each uid with seteuid(): SO_PEERCRED takes the credentials of
 * connect()).
 */
#include <pthread.h>
#include <sys/resource.h>

#include "harness.h"

T_DAEMON_SUITE(limits, 180);

static size_t log_lines(void)
{
	FILE *f = fopen(d.log, "r");
	size_t n = 0;
	int ch;

	cr_assert_not_null(f);
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* Lines of the log containing all of a and b (b may be NULL). */
static size_t log_count(const char *a, const char *b)
{
	FILE *f = fopen(d.log, "r");
	char line[2048];
	size_t n = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, a) && (!b || strstr(line, b));
	fclose(f);
	return n;
}

static int count_fds(pid_t pid)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "ls /proc/%d/fd | wc -l", (int)pid);
	FILE *p = popen(cmd, "r");
	int n = -1;

	cr_assert_not_null(p);
	cr_assert_eq(fscanf(p, "%d", &n), 1);
	pclose(p);
	return n;
}

/* One INFO round trip on fd: 1 INFO_REPLY, or the ERROR status, or 0 for no answer. */
static int info_answer(int fd, int timeout_ms, char *msg, size_t msglen)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;

	qnn_proto_put_hdr(hb, QNN_MSG_INFO, 7, 0);
	if (send(fd, hb, sizeof(hb), MSG_NOSIGNAL) != (ssize_t)sizeof(hb) && errno != EPIPE)
		return 0;
	if (t_raw_recv(fd, &h, p, timeout_ms) != 1)
		return 0;
	if (h.type == QNN_MSG_INFO_REPLY && h.id == 7)
		return 1;
	int st = 0;

	cr_assert_eq(h.type, QNN_MSG_ERROR, "type %u", h.type);
	cr_assert_eq(h.id, 0);
	cr_assert_eq(qnn_proto_get_error(p, h.len, &st, msg, msglen), 0);
	return st;
}

/* One 1-sample CLASSIFY of seed on fd, answered bit for bit like the engine. */
static void classify_ok(int fd, uint32_t seed)
{
	uint8_t frame[4096], p[65536];
	float in[72];
	struct qnn_frame_hdr h;

	t_inputs(in, 72, seed);
	t_raw_send(fd, frame, t_raw_classify(frame, seed, in, 1, 72, 0));
	cr_assert_eq(t_raw_recv(fd, &h, p, 20000), 1, "no answer to request %u", seed);
	cr_assert_eq(h.id, seed);
	t_check_raw_reply(&ref, &h, p, 1, seed);
}

/*
 * protocol.md: the daemon accepts `len` up to 16 + max_samples * n_in * 4 (the largest
 * CLASSIFY payload). That exact length is answered; one byte more is TOO_BIG with id 0
 * and the connection closes, before the payload is read.
 */
Test(limits, frame_length_limit_accepted_and_one_more_refused)
{
	const char *extra[] = {"--backend", "sw", "--max-batch", "8", NULL};
	uint8_t frame[16 + 16 + 8 * 72 * 4 + 64], p[65536];
	float in[8 * 72];
	struct qnn_frame_hdr h;

	t_start(&d, extra);
	cr_assert_eq(ref.m.n_in, 72);
	uint32_t limit = 16 + 8 * 72 * 4;
	int fd = t_raw_connect(d.sock);

	t_inputs(in, 8 * 72, 900);
	size_t len = t_raw_classify(frame, 1, in, 8, 72, 0);

	cr_assert_eq(len, QNN_PROTO_HDR_SIZE + limit);
	t_raw_send(fd, frame, len);
	cr_assert_eq(t_raw_recv(fd, &h, p, 20000), 1);
	t_check_raw_reply(&ref, &h, p, 8, 900);
	close(fd);

	fd = t_raw_connect(d.sock);
	qnn_proto_put_hdr(frame, QNN_MSG_CLASSIFY, 2, limit + 1);
	t_raw_send(fd, frame, QNN_PROTO_HDR_SIZE);
	cr_assert_eq(t_raw_recv(fd, &h, p, 20000), 1);
	cr_assert_eq(h.id, 0);
	cr_assert_eq(t_error_status(&h, p), QNN_E_TOO_BIG);
	cr_assert_eq(t_raw_recv(fd, &h, p, 20000), 0, "the connection stays open");
	close(fd);
	int st = t_stop(&d, SIGTERM, 10000);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}

#define EXH_SPARE    20 /* descriptors qnnd may still open */
#define EXH_CLIENTS  40 /* more than that */
#define EXH_LATE     10 /* connecting while it is out of descriptors */
#define EXH_WINDOW_S 3

/*
 * More clients than descriptors: qnnd (RLIMIT_NOFILE lowered with prlimit once it is
 * up) serves the clients it could accept, tells each one it could not why (ERROR
 * BUSY, "out of file descriptors") instead of leaving it waiting, spends next to no
 * CPU while clients keep arriving, logs a bounded number of lines, and accepts again
 * as soon as connections close. Before: ~100% of a core and ~280k log lines a second.
 */
Test(limits, out_of_descriptors_no_spin_no_flood_then_resumes)
{
	const char *extra[] = {"--backend", "sw", "--threads", "1", NULL};
	int fds[EXH_CLIENTS], late[EXH_LATE], state[EXH_CLIENTS];
	char msg[256] = "";

	t_start(&d, extra);
	int open_fds = count_fds(d.pid);
	struct rlimit rl;

	cr_assert_eq(prlimit(d.pid, RLIMIT_NOFILE, NULL, &rl), 0, "prlimit: %s", strerror(errno));
	rl.rlim_cur = (rlim_t)(open_fds + EXH_SPARE);
	cr_assert_eq(prlimit(d.pid, RLIMIT_NOFILE, &rl, NULL), 0, "prlimit: %s", strerror(errno));
	size_t lines0 = log_lines();
	int accepted = 0, refused = 0, waiting = 0;

	for (int i = 0; i < EXH_CLIENTS; i++)
		fds[i] = t_raw_connect(d.sock);
	uint64_t answer_by = t_now_ms() + 5000; /* one deadline for all: a hang costs 5 s */

	for (int i = 0; i < EXH_CLIENTS; i++) {
		uint64_t now = t_now_ms();

		state[i] = info_answer(fds[i], now < answer_by ? (int)(answer_by - now) : 0, msg,
				       sizeof(msg));
		accepted += state[i] == 1;
		refused += state[i] == QNN_E_BUSY;
		waiting += state[i] == 0;
		cr_assert(state[i] == 1 || state[i] == QNN_E_BUSY || state[i] == 0,
			  "client %d: status %d", i, state[i]);
	}
	cr_assert_gt(accepted, EXH_SPARE / 2, "only %d clients accepted", accepted);
	cr_assert_lt(accepted, EXH_CLIENTS, "the descriptor limit did not bite");
	/* Clients keep arriving while qnnd is out of descriptors: CPU stays near zero. */
	uint64_t cpu0 = t_cpu_ms(d.pid), t0 = t_now_ms();

	for (int i = 0; i < EXH_LATE; i++) {
		late[i] = t_raw_connect(d.sock);
		usleep(EXH_WINDOW_S * 1000000 / EXH_LATE);
	}
	uint64_t cpu = t_cpu_ms(d.pid) - cpu0, wall = t_now_ms() - t0;
	size_t lines = log_lines() - lines0;

	fprintf(stderr,
		"limits: out of descriptors: qnnd used %llu ms of CPU in %llu ms, %zu log lines; "
		"%d accepted, %d refused, %d left waiting\n",
		(unsigned long long)cpu, (unsigned long long)wall, lines, accepted, refused,
		waiting);
	cr_assert_eq(waiting, 0, "%d clients left waiting without an answer", waiting);
	cr_assert(strstr(msg, "out of file descriptors"), "refusal says: '%s'", msg);
	cr_assert_lt(cpu, wall / 10, "qnnd used %llu ms of CPU in %llu ms while out of descriptors",
		     (unsigned long long)cpu, (unsigned long long)wall);
	cr_assert_lt(lines, 40, "%zu log lines while out of descriptors (log %s)", lines, d.log);
	for (int i = 0; i < EXH_LATE; i++) {
		cr_assert_eq(info_answer(late[i], 5000, msg, sizeof(msg)), QNN_E_BUSY,
			     "late client %d", i);
		close(late[i]);
	}
	/* Every accepted client is answered, bit for bit. */
	for (int i = 0; i < EXH_CLIENTS; i++)
		if (state[i] == 1)
			classify_ok(fds[i], 100 + (uint32_t)i);
	/* Connections close: descriptors are back, new clients are served again. */
	int closed = 0;

	for (int i = 0; i < EXH_CLIENTS; i++) {
		if (state[i] != 1 && fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		} else if (state[i] == 1 && closed < 8) {
			close(fds[i]);
			fds[i] = -1;
			closed++;
		}
	}
	usleep(200000); /* qnnd notices the closes */
	for (int i = 0; i < 5; i++) {
		int fd = t_raw_connect(d.sock);

		cr_assert_eq(info_answer(fd, 5000, msg, sizeof(msg)), 1,
			     "new client %d after descriptors freed up: %s", i, msg);
		classify_ok(fd, 300 + (uint32_t)i);
		close(fd);
	}
	for (int i = 0; i < EXH_CLIENTS; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	cr_assert_gt(log_count("not accepting", NULL), 0, "the exhaustion was not logged");
	int st = t_stop(&d, SIGTERM, 10000);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}

/*
 * A failure any client can repeat at will (here: 40 connections sending a bad magic)
 * is logged 10 times per 10 s window; each client still gets its ERROR, and once the
 * window ends the log says how many records were held back.
 */
Test(limits, repeated_failures_rate_limited_and_counted)
{
	const char *extra[] = {"--backend", "sw", NULL};
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;

	t_start(&d, extra);
	for (int i = 0; i < 40; i++) {
		int fd = t_raw_connect(d.sock);

		qnn_proto_put_hdr(hb, QNN_MSG_INFO, 1, 0);
		hb[0] ^= 0xff;
		t_raw_send(fd, hb, sizeof(hb));
		cr_assert_eq(t_raw_recv(fd, &h, p, 10000), 1);
		cr_assert_eq(t_error_status(&h, p), QNN_E_PROTO);
		close(fd);
	}
	size_t logged = log_count("protocol failure", NULL);

	cr_assert_eq(logged, 10, "%zu protocol failure records for 40 bad clients", logged);
	uint64_t end = t_now_ms() + 20000;

	while (!log_count("protocol: 30 similar messages suppressed", NULL) && t_now_ms() < end)
		usleep(100000);
	cr_assert_eq(log_count("protocol: 30 similar messages suppressed", NULL), 1,
		     "no count of the suppressed records (log %s)", d.log);
	int st = t_stop(&d, SIGTERM, 10000);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}

/* ---- per-uid limits ---- */

#define UID_A 40001
#define UID_B 40002

/* A connection made as uid (SO_PEERCRED records the effective ids of connect()). */
static int connect_as(uid_t uid)
{
	cr_assert_eq(setegid(uid), 0);
	cr_assert_eq(seteuid(uid), 0);
	int fd = t_raw_connect(d.sock);

	cr_assert_eq(seteuid(0), 0);
	cr_assert_eq(setegid(0), 0);
	return fd;
}

/* SHM on fd (after INFO): 1 for SHM_REPLY (its descriptors are dropped), else the status. */
static int shm_answer(int fd, char *msg, size_t msglen)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;
	int st = 0;

	qnn_proto_put_hdr(hb, QNN_MSG_SHM, 9, 0);
	t_raw_send(fd, hb, sizeof(hb));
	cr_assert_eq(t_raw_recv(fd, &h, p, 10000), 1);
	cr_assert_eq(h.id, 9);
	if (h.type == QNN_MSG_SHM_REPLY)
		return 1;
	cr_assert_eq(qnn_proto_get_error(p, h.len, &st, msg, msglen), 0);
	return st;
}

/* The ring size a connection gets with slots slots (what qnnd computes). */
static uint32_t ring_bytes(uint32_t slots, uint32_t max_samples)
{
	struct qnn_wire_shm w = {.slots = slots};

	cr_assert_eq(qnn_shm_layout(&w, ref.m.n_in, ref.m.n_out, max_samples), 0);
	return w.region_size;
}

/*
 * Two users: A is held to uid_max_connections, uid_max_inflight and uid_max_ring_mib;
 * each refusal is an ERROR it sees (QNN_E_QUOTA, the message names the limit) and a
 * log record naming uid A; B, meanwhile, is served in full.
 */
Test(limits, per_uid_limits_two_users)
{
	uint32_t slots = 1;

	while (ring_bytes(slots, 16) <= (1u << 19))
		slots++;
	cr_assert_leq(ring_bytes(slots, 16), 1u << 20);
	char slots_arg[48];

	snprintf(slots_arg, sizeof(slots_arg), "shm_slots=%u", slots);
	const char *extra[] = {"--backend",
			       "sw",
			       "--max-batch",
			       "16",
			       "--max-queue-delay-us",
			       "1500000",
			       "--max-inflight",
			       "1024",
			       "--set",
			       "socket_mode=0666",
			       "--set",
			       "uid_max_connections=3",
			       "--set",
			       "uid_max_inflight=5",
			       "--set",
			       "uid_max_ring_mib=1",
			       "--set",
			       slots_arg,
			       NULL};
	int a[4], b[3];
	char msg[256];

	cr_assert_eq(chmod(d.dir, 0755), 0);
	t_start(&d, extra);
	/* Connections: A's fourth is refused with a reason; B still gets in. */
	for (int i = 0; i < 3; i++) {
		a[i] = connect_as(UID_A);
		cr_assert_eq(info_answer(a[i], 10000, msg, sizeof(msg)), 1, "A's connection %d", i);
	}
	a[3] = connect_as(UID_A);
	cr_assert_eq(info_answer(a[3], 10000, msg, sizeof(msg)), QNN_E_QUOTA);
	cr_assert(strstr(msg, "uid_max_connections") && strstr(msg, "40001"), "'%s'", msg);
	uint8_t p[65536];
	struct qnn_frame_hdr h;

	cr_assert_eq(t_raw_recv(a[3], &h, p, 10000), 0, "refused connection left open");
	close(a[3]);
	for (int i = 0; i < 3; i++) {
		b[i] = connect_as(UID_B);
		cr_assert_eq(info_answer(b[i], 10000, msg, sizeof(msg)), 1, "B's connection %d", i);
	}
	/* Ring memory: A's first ring fits in 1 MiB, a second does not; B gets its own. */
	cr_assert_eq(shm_answer(a[0], msg, sizeof(msg)), 1);
	cr_assert_eq(shm_answer(a[1], msg, sizeof(msg)), QNN_E_QUOTA, "%u slots of %u bytes: %s",
		     slots, ring_bytes(slots, 16), msg);
	cr_assert(strstr(msg, "uid_max_ring_mib"), "'%s'", msg);
	cr_assert_eq(shm_answer(b[0], msg, sizeof(msg)), 1);
	/* Requests in flight (held by the 1.5 s batching delay: 8 samples never fill a batch
	 * of 16): two of A's seven, over two connections, are refused at once; B's three are
	 * queued. */
	uint8_t frame[4096];
	float in[72];
	int quota = 0;

	for (uint32_t i = 1; i <= 7; i++) {
		t_inputs(in, 72, i);
		t_raw_send(a[1 + (i & 1)], frame, t_raw_classify(frame, i, in, 1, 72, 0));
	}
	for (uint32_t i = 11; i <= 13; i++) {
		t_inputs(in, 72, i);
		t_raw_send(b[1], frame, t_raw_classify(frame, i, in, 1, 72, 0));
	}
	int answered = 0;

	/* Odd ids went to a[2] (four), even ones to a[1] (three). */
	for (int c = 1; c <= 2; c++) {
		for (int k = 0; k < (c == 1 ? 3 : 4); k++) {
			cr_assert_eq(t_raw_recv(a[c], &h, p, 20000), 1);
			if (h.type != QNN_MSG_ERROR) {
				t_check_raw_reply(&ref, &h, p, 1, h.id);
				answered++;
				continue;
			}
			int st = 0;

			cr_assert_eq(qnn_proto_get_error(p, h.len, &st, msg, sizeof(msg)), 0);
			cr_assert_eq(st, QNN_E_QUOTA, "request %u: %d", h.id, st);
			cr_assert(strstr(msg, "uid_max_inflight"), "'%s'", msg);
			quota++;
		}
	}
	cr_assert_eq(quota, 2, "%d of A's requests refused", quota);
	cr_assert_eq(answered, 5);
	for (uint32_t k = 0; k < 3; k++) {
		cr_assert_eq(t_raw_recv(b[1], &h, p, 20000), 1);
		t_check_raw_reply(&ref, &h, p, 1, h.id);
	}
	/* The log names uid A for each limit, never uid B. */
	cr_assert_geq(log_count("QNN_QUOTA=connections", "QNN_PEER_UID=40001"), 1);
	cr_assert_geq(log_count("QNN_QUOTA=ring", "QNN_PEER_UID=40001"), 1);
	cr_assert_geq(log_count("QNN_QUOTA=inflight", "QNN_PEER_UID=40001"), 1);
	cr_assert_eq(log_count("QNN_PEER_UID=40002", NULL), 0);
	/* A connection closed gives the uid its slot back. */
	close(a[0]);
	usleep(200000);
	a[0] = connect_as(UID_A);
	cr_assert_eq(info_answer(a[0], 10000, msg, sizeof(msg)), 1, "slot not given back: %s", msg);
	for (int i = 0; i < 3; i++) {
		close(a[i]);
		close(b[i]);
	}
	int st = t_stop(&d, SIGTERM, 10000);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}
