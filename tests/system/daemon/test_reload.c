// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * System tests of qnnd's reloads over a real socket: SIGHUPs under load,
 * each changing a setting clients see (INFO's max_inflight), are never
 * dropped (one that arrives during a reload gets one more reload after it),
 * the last configuration wins, and every SIGHUP is accounted for in the
 * reload records (QNN_RELOAD_*); the RELOAD frame (`qnnctl reload`) is
 * answered only once its reload took effect, with the reason if refused.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "harness.h"

T_DAEMON_SUITE(reload, 180);

/* The config file qnnd reads on every reload: the run's variant lines, then ours. */
static void write_config(const char *lines)
{
	char path[160], buf[1024];
	const char *base = getenv("QNN_TEST_QNND_CONF");

	snprintf(path, sizeof(path), "%s/qnnd.conf", d.dir);
	size_t n = base ? strlen(base) : 0;

	/* ($(printf ...) in make drops the variant's last newline.) */
	snprintf(buf, sizeof(buf), "%s%s%s", n ? base : "", n && base[n - 1] != '\n' ? "\n" : "",
		 lines);
	char tmp[176];

	/* Renamed into place: a reload never reads a half-written file. */
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	t_write_file(tmp, buf, strlen(buf));
	cr_assert_eq(rename(tmp, path), 0);
}

/* INFO's max_inflight, on a fresh connection. */
static uint32_t info_max_inflight(void)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;
	struct qnn_model_info info;
	int fd = t_raw_connect(d.sock);

	qnn_proto_put_hdr(hb, QNN_MSG_INFO, 1, 0);
	t_raw_send(fd, hb, sizeof(hb));
	cr_assert_eq(t_raw_recv(fd, &h, p, 10000), 1);
	cr_assert_eq(h.type, QNN_MSG_INFO_REPLY);
	cr_assert_eq(qnn_proto_get_info(p, h.len, &info), 0);
	close(fd);
	return info.max_inflight;
}

/* Whether a SIGHUP is still pending for pid (not yet read by its signalfd). */
static bool sighup_pending(pid_t pid)
{
	char path[64], line[256];
	bool pending = false;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long mask;

		if (sscanf(line, "ShdPnd: %llx", &mask) == 1 ||
		    sscanf(line, "SigPnd: %llx", &mask) == 1)
			pending |= (mask >> (SIGHUP - 1)) & 1;
	}
	fclose(f);
	return pending;
}

static size_t log_count(const char *what)
{
	FILE *f = fopen(d.log, "r");
	char line[2048];
	size_t n = 0;

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

struct reload_log {
	int records, applied, refused;
	uint64_t coalesced, last_request, last_gen;
	bool gen_in_order;
};

/* The reload records on qnnd's stderr ("qnnd: reload: QNN_RELOAD_RESULT=..."). */
static struct reload_log read_reload_log(void)
{
	struct reload_log r = {.gen_in_order = true, .last_gen = 1};
	FILE *f = fopen(d.log, "r");
	char line[2048];

	cr_assert_not_null(f);
	while (fgets(line, sizeof(line), f)) {
		char res[16];
		unsigned long long gen, req, co;

		if (sscanf(line,
			   "qnnd: reload: QNN_RELOAD_RESULT=%15s QNN_RELOAD_GENERATION=%llu "
			   "QNN_RELOAD_REQUEST=%llu QNN_RELOAD_COALESCED=%llu",
			   res, &gen, &req, &co) != 4)
			continue;
		bool ok = !strcmp(res, "applied");

		r.records++;
		r.applied += ok;
		r.refused += !ok;
		r.coalesced += co;
		if (gen != r.last_gen + (ok ? 1 : 0) || req != r.last_request + co)
			r.gen_in_order = false;
		r.last_gen = gen;
		r.last_request = req;
	}
	fclose(f);
	return r;
}

struct load {
	pthread_t t;
	atomic_bool *stop;
	int ok, errors;
};

/* Large requests: each batch keeps the backend busy for milliseconds, so a SIGHUP often
 * comes while the previous reload's service still finishes one. */
#define LOAD_SAMPLES 4096

static void *load_run(void *arg)
{
	struct load *l = arg;
	qnn_client *c = NULL;
	float *in = malloc(sizeof(float) * 72 * LOAD_SAMPLES);
	int32_t *cls = malloc(sizeof(int32_t) * LOAD_SAMPLES);

	if (!in || !cls || qnn_connect(d.sock, &c)) {
		l->errors++;
		free(in);
		free(cls);
		return NULL;
	}
	for (uint32_t i = 0; !atomic_load(l->stop); i++) {
		struct qnn_outputs out = {.classes = cls};

		t_inputs(in, 72 * LOAD_SAMPLES, i);
		if (qnn_classify(c, in, LOAD_SAMPLES, &out, 30000))
			l->errors++;
		else
			l->ok++;
	}
	qnn_close(c);
	free(in);
	free(cls);
	return NULL;
}

/*
 * Read what qnnd tells "systemd" (RELOADING=1, READY=1, STATUS=): its sd_notify() blocks
 * on a full notify socket, and systemd, unlike this test, reads it all the time.
 */
static void drain_notify(void)
{
	char note[1024];

	while (recv(d.notify_fd, note, sizeof(note), MSG_DONTWAIT) > 0)
		;
}

#define HUPS 50

/*
 * 50 SIGHUPs under load, config i setting max_inflight 100 + i, each sent once the
 * previous one was received (so the kernel merges none of them): many arrive while
 * the previous reload's service still finishes its batches. None is dropped: the
 * records answer all 50 requests, each once, generations in order, and INFO shows
 * the last config. Before: such a SIGHUP was refused ("try again").
 */
Test(reload, fifty_sighups_under_load_last_config_wins)
{
	const char *extra[] = {"--backend", "sw",	   "--threads", "1", "--max-batch",
			       "8192",	    "--max-queue", "65536",	NULL};
	struct load l[3];
	atomic_bool stop = false;
	char lines[64];

	t_start(&d, extra);
	for (int i = 0; i < 3; i++) {
		l[i] = (struct load){.stop = &stop};
		pthread_create(&l[i].t, NULL, load_run, &l[i]);
	}
	usleep(200000);
	for (int i = 1; i <= HUPS; i++) {
		snprintf(lines, sizeof(lines), "max_inflight: %d\n", 100 + i);
		write_config(lines);
		cr_assert_eq(kill(d.pid, SIGHUP), 0);
		uint64_t end = t_now_ms() + 10000;

		while (sighup_pending(d.pid) && t_now_ms() < end)
			usleep(200);
		cr_assert(!sighup_pending(d.pid), "SIGHUP %d not taken in 10 s", i);
		drain_notify();
	}
	struct reload_log r = {0};
	uint64_t end = t_now_ms() + 30000;

	while (t_now_ms() < end) {
		drain_notify();
		r = read_reload_log();
		if (r.coalesced >= HUPS)
			break;
		usleep(50000);
	}
	atomic_store(&stop, true);
	int ok = 0, errors = 0;

	for (int i = 0; i < 3; i++) {
		while (pthread_tryjoin_np(l[i].t, NULL)) {
			drain_notify(); /* the clients' last calls may take a while (TSan) */
			usleep(50000);
		}
		ok += l[i].ok;
		errors += l[i].errors;
	}
	drain_notify();
	fprintf(stderr,
		"reload: %d SIGHUPs: %d reload records (%d applied, %d refused), %llu requests "
		"answered, %zu waited for the previous model's batches; %d classify calls\n",
		HUPS, r.records, r.applied, r.refused, (unsigned long long)r.coalesced,
		log_count("reload waits for the previous model"), ok);
	cr_assert_eq(info_max_inflight(), 100 + HUPS, "the last config did not win");
	cr_assert_eq(r.coalesced, HUPS, "the reload records answer %llu of %d SIGHUPs (log %s)",
		     (unsigned long long)r.coalesced, HUPS, d.log);
	cr_assert_eq(r.last_request, HUPS);
	cr_assert_eq(r.refused, 0);
	cr_assert(r.gen_in_order, "generations or requests out of order (log %s)", d.log);
	cr_assert_eq(r.last_gen, 1 + (uint64_t)r.applied);
	cr_assert_eq(errors, 0, "%d of %d requests failed", errors, ok + errors);
	cr_assert_geq(ok, 3, "the load did not run: %d calls", ok);
	int st = t_stop(&d, SIGTERM, 10000);

	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x (log %s)", st, d.log);
}

/* RELOAD on fd with id; returns the reply frame's type and fills what it carries. */
static int reload_frame(int fd, uint32_t id, uint64_t *gen, int *status, char *msg, size_t len)
{
	uint8_t hb[QNN_PROTO_HDR_SIZE], p[65536];
	struct qnn_frame_hdr h;

	drain_notify();
	qnn_proto_put_hdr(hb, QNN_MSG_RELOAD, id, 0);
	t_raw_send(fd, hb, sizeof(hb));
	cr_assert_eq(t_raw_recv(fd, &h, p, 60000), 1, "no answer to RELOAD");
	cr_assert_eq(h.id, id);
	if (h.type == QNN_MSG_RELOAD_REPLY) {
		cr_assert_eq(h.len, QNN_WIRE_RELOAD_SIZE);
		*gen = qnn_get_u64(p);
	} else {
		cr_assert_eq(h.type, QNN_MSG_ERROR);
		cr_assert_eq(qnn_proto_get_error(p, h.len, status, msg, len), 0);
	}
	return h.type;
}

/* Runs cmd (through the shell); its output into out. The exit status, or -1. */
static int run_cmd(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");

	cr_assert_not_null(p);
	size_t n = fread(out, 1, len - 1, p);

	out[n] = 0;
	int st = pclose(p);

	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/*
 * The RELOAD frame is answered after its reload: RELOAD_REPLY with the new generation
 * once the new settings are what INFO says; a config qnnd refuses gets ERROR
 * QNN_E_RELOAD naming the problem and changes nothing; another user gets QNN_E_PERM.
 */
Test(reload, reload_frame_answered_once_applied_or_refused)
{
	const char *extra[] = {"--backend", "sw", "--set", "socket_mode=0666", NULL};
	uint64_t gen = 0;
	int st = 0;
	char msg[256] = "";

	cr_assert_eq(chmod(d.dir, 0755), 0);
	t_start(&d, extra);
	int fd = t_raw_connect(d.sock);

	write_config("max_inflight: 77\n");
	cr_assert_eq(reload_frame(fd, 5, &gen, &st, msg, sizeof(msg)), QNN_MSG_RELOAD_REPLY, "%s",
		     msg);
	cr_assert_eq(gen, 2);
	cr_assert_eq(info_max_inflight(), 77);
	write_config("max_batch: 0\n");
	cr_assert_eq(reload_frame(fd, 6, &gen, &st, msg, sizeof(msg)), QNN_MSG_ERROR);
	cr_assert_eq(st, QNN_E_RELOAD);
	cr_assert(strstr(msg, "max_batch"), "the refusal says '%s'", msg);
	cr_assert_eq(info_max_inflight(), 77, "a refused reload changed the settings");
	write_config("max_inflight: 78\n");
	cr_assert_eq(reload_frame(fd, 7, &gen, &st, msg, sizeof(msg)), QNN_MSG_RELOAD_REPLY);
	cr_assert_eq(gen, 3);
	cr_assert_eq(info_max_inflight(), 78);
	close(fd);
	/* `qnnd --reload` (the unit's ExecReload): exit 0 once applied, 1 with the reason. */
	char cmd[1024], out[512] = "";

	write_config("max_inflight: 79\n");
	snprintf(cmd, sizeof(cmd), "%s --reload --socket %s 2>&1", t_bin("qnnd"), d.sock);
	drain_notify();
	cr_assert_eq(run_cmd(cmd, out, sizeof(out)), 0, "qnnd --reload: '%s'", out);
	cr_assert(strstr(out, "generation 4"), "'%s'", out);
	cr_assert_eq(info_max_inflight(), 79, "qnnd --reload returned before the reload");
	write_config("max_inflight: none\n");
	drain_notify();
	cr_assert_eq(run_cmd(cmd, out, sizeof(out)), 1, "qnnd --reload: '%s'", out);
	cr_assert(strstr(out, "max_inflight") && strstr(out, "refused"), "'%s'", out);
	cr_assert_eq(info_max_inflight(), 79);
	/* Not root, not qnnd's user: refused. */
	cr_assert_eq(setegid(40003), 0);
	cr_assert_eq(seteuid(40003), 0);
	fd = t_raw_connect(d.sock);
	cr_assert_eq(seteuid(0), 0);
	cr_assert_eq(setegid(0), 0);
	cr_assert_eq(reload_frame(fd, 8, &gen, &st, msg, sizeof(msg)), QNN_MSG_ERROR);
	cr_assert_eq(st, QNN_E_PERM);
	close(fd);
	struct reload_log r = read_reload_log();

	cr_assert_eq(r.records, 5);
	cr_assert_eq(r.applied, 3);
	cr_assert_eq(r.refused, 2);
	cr_assert_eq(r.coalesced, 5);
	st = t_stop(&d, SIGTERM, 10000);
	cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exit status %#x", st);
}
