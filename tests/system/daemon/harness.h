/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * harness.h - helpers for qnnd's system tests: a temporary directory with a
 * model, starting the real build/bin/qnnd on a real socket with a real
 * NOTIFY_SOCKET listener (AF_UNIX datagram, like systemd's), raw protocol
 * clients, and the bit-exact engine as the reference for every answer.
 */
#ifndef QNND_TEST_HARNESS_H
#define QNND_TEST_HARNESS_H

#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "qnn_engine.h"
#include "qnn_proto.h"
#include "test_model_fixture.h"

struct tdaemon {
	char dir[64];
	char sock[128];
	char model[128];
	char notify[128];
	char log[128];
	pid_t pid;
	int notify_fd;
};

static inline uint64_t t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static inline void t_write_file(const char *path, const void *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

/* A fresh temp dir with the fixture model and a bound NOTIFY_SOCKET. */
static inline void t_prepare(struct tdaemon *d)
{
	size_t len;
	void *m = fx_build(&len);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memset(d, 0, sizeof(*d));
	strcpy(d->dir, "/tmp/qnnd-test-XXXXXX");
	cr_assert_not_null(mkdtemp(d->dir));
	snprintf(d->sock, sizeof(d->sock), "%s/qnnd.sock", d->dir);
	snprintf(d->model, sizeof(d->model), "%s/model.qnn", d->dir);
	snprintf(d->notify, sizeof(d->notify), "%s/notify", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/qnnd.log", d->dir);
	cr_assert_not_null(m);
	t_write_file(d->model, m, len);
	free(m);
	d->notify_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	strcpy(sa.sun_path, d->notify);
	cr_assert_eq(bind(d->notify_fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	d->pid = -1;
}

static inline const char *t_bin(const char *name)
{
	static char path[512];
	const char *bin = getenv("QNN_BIN");

	snprintf(path, sizeof(path), "%s/%s", bin ? bin : "build/bin", name);
	return path;
}

/* Next notify datagram within timeout_ms into buf; 0 or -1. */
static inline int t_notify_recv(struct tdaemon *d, char *buf, size_t len, int timeout_ms)
{
	struct pollfd p = {.fd = d->notify_fd, .events = POLLIN};

	if (poll(&p, 1, timeout_ms) <= 0)
		return -1;
	ssize_t n = recv(d->notify_fd, buf, len - 1, 0);

	if (n < 0)
		return -1;
	buf[n] = 0;
	return 0;
}

/* Wait for a notify datagram containing what (e.g. "READY=1"). */
static inline int t_notify_wait(struct tdaemon *d, const char *what, int timeout_ms)
{
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;
	char buf[1024];

	while (t_now_ms() < end) {
		if (t_notify_recv(d, buf, sizeof(buf), (int)(end - t_now_ms())) == 0 &&
		    strstr(buf, what))
			return 0;
	}
	return -1;
}

/* Start qnnd with extra args (NULL-terminated); waits for READY=1. */
static inline void t_start_argv(struct tdaemon *d, const char *const *extra, const char *env)
{
	const char *argv[48];
	int n = 0;

	argv[n++] = t_bin("qnnd");
	argv[n++] = "--config";
	argv[n++] = "/dev/null/none"; /* no file: flags only (explicit path must exist) */
	argv[n++] = "--socket";
	argv[n++] = d->sock;
	argv[n++] = "--model";
	argv[n++] = d->model;
	argv[n++] = "--log";
	argv[n++] = "stderr";
	for (int i = 0; extra && extra[i] && n < 46; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;
	/* The default config path may not exist here: point --config at our own file, empty
	 * unless QNN_TEST_QNND_CONF gives its lines (a make target's variant of the run). */
	char conf[160];
	const char *lines = getenv("QNN_TEST_QNND_CONF");

	snprintf(conf, sizeof(conf), "%s/qnnd.conf", d->dir);
	if (!lines || !*lines)
		lines = "{}\n";
	if (access(conf, F_OK))
		t_write_file(conf, lines, strlen(lines));
	argv[2] = conf;
	/*
	 * Everything the child needs is made before fork(): tests fork while their client
	 * threads run, and a child of a threaded process may only call async-signal-safe
	 * functions (setenv() there could wait forever on a lock another thread held).
	 */
	size_t nenv = 0;

	while (environ[nenv])
		nenv++;
	char **envp = calloc(nenv + 3, sizeof(char *)), notify[160];
	size_t k = 0;

	cr_assert(envp);
	snprintf(notify, sizeof(notify), "NOTIFY_SOCKET=%s", d->notify);
	envp[k++] = notify;
	if (env)
		envp[k++] = (char *)env;
	const char *eq = env ? strchr(env, '=') : NULL;
	size_t env_key = eq ? (size_t)(eq - env + 1) : 0; /* "NAME=": replaced, not doubled */

	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "NOTIFY_SOCKET=", 14) &&
		    !(env_key && !strncmp(environ[i], env, env_key)))
			envp[k++] = environ[i];
	int logfd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

	cr_assert_geq(logfd, 0);
	d->pid = fork();
	cr_assert_geq(d->pid, 0);
	if (d->pid == 0) {
		dup2(logfd, 2); /* the copy on fd 2 stays open across exec */
		execve(argv[0], (char *const *)argv, envp);
		_exit(127);
	}
	close(logfd);
	free(envp);
	cr_assert_eq(t_notify_wait(d, "READY=1", 20000), 0, "qnnd did not report READY=1 (log %s)",
		     d->log);
}

static inline void t_start(struct tdaemon *d, const char *const *extra)
{
	t_start_argv(d, extra, NULL);
}

/* SIGTERM (or sig) and wait up to timeout_ms; returns the exit status or -1. */
static inline int t_stop(struct tdaemon *d, int sig, int timeout_ms)
{
	int st = 0;
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;

	if (d->pid <= 0)
		return 0;
	kill(d->pid, sig);
	while (t_now_ms() < end) {
		pid_t r = waitpid(d->pid, &st, WNOHANG);

		if (r == d->pid) {
			d->pid = -1;
			return st;
		}
		usleep(10000);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &st, 0);
	d->pid = -1;
	return -1;
}

static inline void t_cleanup(struct tdaemon *d)
{
	char cmd[128];

	if (d->pid > 0)
		t_stop(d, SIGKILL, 5000);
	if (d->notify_fd > 0)
		close(d->notify_fd);
	if (getenv("QNN_KEEP_TEST_DIRS"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->dir);
	if (system(cmd)) {
		/* best effort */
	}
}

/* CPU time (user + system) of process pid so far, in ms. */
static inline uint64_t t_cpu_ms(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long ut = 0, st = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	fclose(f);
	buf[n] = 0;
	char *e = strrchr(buf, ')'); /* fields 14, 15 after the command name */

	cr_assert_not_null(e);
	cr_assert_eq(
	    sscanf(e + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st), 2);
	return (ut + st) * 1000 / (uint64_t)sysconf(_SC_CLK_TCK);
}

/* ---- the reference: the engine run directly on the same model file ---- */

struct tref {
	void *buf;
	struct qnn_model m;
	struct qnn_engine e;
	void *ws;
	int32_t frac;
};

static inline void t_ref_open(struct tref *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	long len;

	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	r->buf = aligned_alloc(64, ((size_t)len + 63) & ~(size_t)63);
	cr_assert_eq(fread(r->buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	char err[256];

	cr_assert_eq(qnn_model_parse(r->buf, (size_t)len, &r->m, err, sizeof(err)), 0, "%s", err);
	size_t ws = qnn_engine_workspace_size(&r->m);

	r->ws = aligned_alloc(64, (ws + 63) & ~(size_t)63);
	cr_assert_eq(qnn_engine_init(&r->e, &r->m, r->ws, ws), 0);
	const struct qnn_fixed_type *t = qnn_engine_logits_type(&r->e);

	r->frac = t->width - t->int_bits;
}

static inline void t_ref_run(struct tref *r, const float *in, uint32_t n, uint32_t *values,
			     int32_t *logits, uint16_t *classes)
{
	struct qnn_engine_out o = {.values = values, .logits = logits, .classes = classes};

	cr_assert_eq(qnn_engine_run(&r->e, QNN_INPUT_F32, in, n, &o, NULL, NULL), 0);
}

static inline void t_ref_close(struct tref *r)
{
	free(r->buf);
	free(r->ws);
}

/*
 * The suite of a test file: a fresh daemon (d) and the engine reference on its model
 * (ref) for every test, each test bounded by secs.
 */
#define T_DAEMON_SUITE(name, secs)                                                                 \
	static struct tdaemon d;                                                                   \
	static struct tref ref;                                                                    \
	static void t_suite_init(void)                                                             \
	{                                                                                          \
		t_prepare(&d);                                                                     \
		t_ref_open(&ref, d.model);                                                         \
	}                                                                                          \
	static void t_suite_fini(void)                                                             \
	{                                                                                          \
		t_cleanup(&d);                                                                     \
		t_ref_close(&ref);                                                                 \
	}                                                                                          \
	TestSuite(name, .init = t_suite_init, .fini = t_suite_fini, .timeout = secs)

/* Deterministic inputs in [-1, 2) (negative and above-1 values exercise the input type). */
static inline void t_inputs(float *in, size_t count, uint32_t seed)
{
	uint32_t x = seed * 747796405u + 2891336453u;

	for (size_t i = 0; i < count; i++) {
		x = x * 1664525u + 1013904223u;
		in[i] = (float)(x >> 8) / 16777216.0f * 3.0f - 1.0f;
	}
}

/* ---- raw protocol clients (for what libqnn never sends) ---- */

/* A raw CLASSIFY_REPLY (probs wanted) for the n samples of seed, compared with the engine. */
static inline void t_check_raw_reply(struct tref *ref, const struct qnn_frame_hdr *h,
				     const uint8_t *p, uint32_t n, uint32_t seed)
{
	uint32_t ni = ref->m.n_in, no = ref->m.n_out;
	float in[8 * 72];
	uint32_t want_v[8 * 16];
	int32_t want_l[8 * 16];
	uint16_t want_c[8];
	struct qnn_wire_reply wr;

	cr_assert(n <= 8 && ni <= 72 && no <= 16);
	cr_assert_eq(h->type, QNN_MSG_CLASSIFY_REPLY, "request %u: type %u", h->id, h->type);
	cr_assert_eq(qnn_proto_get_reply_hdr(p, h->len, &wr), 0);
	cr_assert_eq(wr.n_samples, n);
	cr_assert(wr.flags & QNN_RF_PROBS);
	t_inputs(in, (size_t)n * ni, seed);
	t_ref_run(ref, in, n, want_v, want_l, want_c);
	const uint8_t *cls = p + QNN_WIRE_REPLY_SIZE, *probs = cls + 4 * n;

	for (uint32_t s = 0; s < n; s++) {
		cr_assert_eq(qnn_get_u32(cls + 4 * s), want_c[s], "request %u sample %u", h->id, s);
		for (uint32_t k = 0; k < no; k++)
			cr_assert_eq(qnn_get_u32(probs + 4 * ((size_t)s * no + k)),
				     want_v[s * no + k], "request %u sample %u output %u", h->id, s,
				     k);
	}
}

/* A libqnn client of the test daemon; fails the test if it cannot connect. */
static inline qnn_client *t_connect(const struct tdaemon *d)
{
	qnn_client *c = NULL;
	int r = qnn_connect(d->sock, &c);

	cr_assert_eq(r, QNN_OK, "connect: %s", qnn_strerror(r));
	return c;
}

static inline int t_raw_connect(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	strcpy(sa.sun_path, path);
	cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0, "%s", strerror(errno));
	return fd;
}

static inline void t_raw_send(int fd, const void *p, size_t len)
{
	cr_assert_eq(send(fd, p, len, MSG_NOSIGNAL), (ssize_t)len);
}

/* Read one frame within timeout_ms: 1 frame, 0 EOF, -1 timeout. payload must hold 64 KiB. */
static inline int t_raw_recv(int fd, struct qnn_frame_hdr *h, uint8_t *payload, int timeout_ms)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE];
	size_t got = 0, need = sizeof(hb);
	uint8_t *dst = hb;
	uint64_t end = t_now_ms() + (uint64_t)timeout_ms;

	for (int phase = 0; phase < 2; phase++) {
		while (got < need) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			int left = (int)(end > t_now_ms() ? end - t_now_ms() : 0);

			if (poll(&p, 1, left) <= 0)
				return -1;
			ssize_t r = recv(fd, dst + got, need - got, 0);

			if (r <= 0)
				return r == 0 || errno == ECONNRESET ? 0 : -1;
			got += (size_t)r;
		}
		if (phase == 0) {
			cr_assert_eq(qnn_proto_parse_hdr(hb, sizeof(hb), 65536, h),
				     QNN_PROTO_HDR_OK);
			dst = payload;
			got = 0;
			need = h->len;
		}
	}
	return 1;
}

/* A CLASSIFY frame of n samples into out (returns its length). */
static inline size_t t_raw_classify(uint8_t *out, uint32_t id, const float *in, uint32_t n,
				    uint32_t n_in, uint32_t timeout_ms)
{
	struct qnn_wire_classify c = {
	    .n_samples = n, .timeout_ms = timeout_ms, .flags = QNN_CF_WANT_PROBS};
	uint32_t len = qnn_proto_classify_len(n, n_in);

	qnn_proto_put_hdr(out, QNN_MSG_CLASSIFY, id, len);
	qnn_proto_put_classify(out + QNN_PROTO_HDR_SIZE, &c);
	qnn_proto_put_floats(out + QNN_PROTO_HDR_SIZE + QNN_WIRE_CLASSIFY_SIZE, in,
			     (size_t)n * n_in);
	return QNN_PROTO_HDR_SIZE + len;
}

static inline int t_error_status(const struct qnn_frame_hdr *h, const uint8_t *p)
{
	int st = 0;

	cr_assert_eq(h->type, QNN_MSG_ERROR, "expected an ERROR frame, got type %u", h->type);
	cr_assert_eq(qnn_proto_get_error(p, h->len, &st, NULL, 0), 0);
	return st;
}

#endif
