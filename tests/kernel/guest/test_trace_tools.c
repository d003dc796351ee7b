// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace_tools.c - trace/'s BPF tools (qnnlat, qnntop, qnnsnoop, built
 * for arm64 and put in /bin) against the real driver: while two processes
 * run JOBS jobs of SAMPLES samples each,
 *   - qnnlat -P counts exactly JOBS jobs per process in each stage (queue,
 *     device, total), and its histogram rows add up to that;
 *   - qnntop --json gives each pid JOBS jobs and JOBS * SAMPLES samples,
 *     no errors, no timeouts;
 *   - qnnsnoop prints one line per job (2 * JOBS), each with the right pid,
 *     the sample count and status OK;
 * all three stopped by SIGINT, exit 0. Then a fault-injected timeout (the
 * sim's "stall"): qnnsnoop -c 2 (exits on its count) shows ETIMEDOUT then
 * OK, qnntop counts one timeout; qnnlat 1 2 and qnntop --json 1 2 exit by
 * themselves after two intervals. Bad arguments fail with a message. Afterwards no BPF program
 * is left in the kernel (the count of programs is back where it started).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qg.h"

enum { JOBS = 12, SAMPLES = 4, WORKERS = 2 };
#define ATTACH_WAIT_MS 120000
#define EXIT_WAIT_S    60

/* BPF programs loaded in the kernel (BPF_PROG_GET_NEXT_ID walk). */
static int bpf_prog_count(void)
{
	union bpf_attr a;
	__u32 id = 0;
	int n = 0;

	for (;;) {
		memset(&a, 0, sizeof(a));
		a.start_id = id;
		if (syscall(__NR_bpf, BPF_PROG_GET_NEXT_ID, &a, sizeof(a)))
			return errno == ENOENT ? n : -errno;
		id = a.next_id;
		n++;
	}
}

struct tool {
	const char *name;
	pid_t pid;
	char out[64], err[64];
};

/* Start /bin/<argv[0]> with stdout and stderr in /tmp files. */
static void tool_start(struct tool *t, char *const argv[])
{
	static int runs;

	/* Fresh files each run: a stale "Tracing" must not pass for this run's. */
	t->name = argv[0];
	snprintf(t->out, sizeof(t->out), "/tmp/%s.%d.out", argv[0], ++runs);
	snprintf(t->err, sizeof(t->err), "/tmp/%s.%d.err", argv[0], runs);
	unlink(t->out);
	unlink(t->err);
	t->pid = fork();
	if (t->pid < 0)
		qg_die("fork: %s", strerror(errno));
	if (t->pid == 0) {
		char path[64];
		int o = open(t->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int e = open(t->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		snprintf(path, sizeof(path), "/bin/%s", argv[0]);
		execv(path, argv);
		_exit(127);
	}
}

static char *slurp_str(const char *path)
{
	size_t len;
	char *s = qg_slurp(path, &len);
	char *z;

	if (!s)
		return strdup("");
	z = realloc(s, len + 1);
	if (!z) {
		free(s);
		return strdup("");
	}
	z[len] = 0;
	return z;
}

/* Wait until the tool says it is attached ("Tracing" on stderr). */
static bool tool_attached(struct tool *t)
{
	for (int ms = 0; ms < ATTACH_WAIT_MS; ms += 50) {
		char *e = slurp_str(t->err);
		bool up = strstr(e, "Tracing") != NULL;
		int st;

		free(e);
		if (up)
			return true;
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			e = slurp_str(t->err);
			qg_check(false, "%s exited before attaching (status %#x): %s", t->name, st,
				 e);
			free(e);
			t->pid = 0;
			return false;
		}
		usleep(50000);
	}
	qg_check(false, "%s did not attach within %d ms", t->name, ATTACH_WAIT_MS);
	return false;
}

/*
 * Exit status of the tool (after an optional signal), or -1 if it did not
 * exit within EXIT_WAIT_S: then its output is shown and it is killed.
 */
static int tool_wait(struct tool *t, int sig)
{
	int st;

	if (t->pid <= 0)
		return -1;
	if (sig)
		kill(t->pid, sig);
	for (int ms = 0; ms < EXIT_WAIT_S * 1000; ms += 50) {
		if (waitpid(t->pid, &st, WNOHANG) == t->pid) {
			t->pid = 0;
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		}
		usleep(50000);
	}
	char *o = slurp_str(t->out), *e = slurp_str(t->err);

	qg_log("%s did not exit within %d s; its output:\n%s\nstderr:\n%s", t->name, EXIT_WAIT_S, o,
	       e);
	free(o);
	free(e);
	kill(t->pid, SIGKILL);
	waitpid(t->pid, &st, 0);
	t->pid = 0;
	return -1;
}

/* One worker process: JOBS synchronous jobs of SAMPLES samples. */
static int worker(int go_fd)
{
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	char go;
	int bad = 0;

	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, SAMPLES * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, SAMPLES * d.out_bytes, &out))
		return 100;
	if (read(go_fd, &go, 1) != 1)
		return 101;
	for (int i = 0; i < JOBS; i++) {
		qg_job(&j, SAMPLES, &in, 0, &out, 0);
		if (qg_run(&d, &j))
			bad++;
	}
	qg_close(&d);
	return bad;
}

/* Both workers, released together; their pids in pids[]. */
static void run_workers(pid_t pids[WORKERS])
{
	int go[2];
	int st;

	if (pipe(go))
		qg_die("pipe");
	for (int i = 0; i < WORKERS; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			close(go[1]);
			_exit(worker(go[0]));
		}
	}
	close(go[0]);
	if (write(go[1], "gg", WORKERS) != WORKERS)
		qg_die("release the workers");
	close(go[1]);
	for (int i = 0; i < WORKERS; i++) {
		waitpid(pids[i], &st, 0);
		qg_check(WIFEXITED(st) && WEXITSTATUS(st) == 0, "worker %d: status %#x", i, st);
	}
}

/*
 * qnnlat -P: "qnn0 pid P (comm) <stage> (...): N jobs" then rows
 * "lo -> hi : count |...|". The jobs of that stage for pid, checked against
 * the sum of its rows; -1 if absent.
 */
static long lat_jobs(const char *text, pid_t pid, const char *stage)
{
	char key[64];
	const char *p, *c;
	long n, sum = 0;

	snprintf(key, sizeof(key), "qnn0 pid %d (", (int)pid);
	for (p = strstr(text, key); p; p = strstr(p + 1, key)) {
		const char *eol = strchr(p, '\n');

		c = strstr(p, ") ");
		if (c && eol && c < eol && strncmp(c + 2, stage, strlen(stage)) == 0)
			break;
	}
	if (!p || !(c = strstr(p, "): ")) || sscanf(c + 3, "%ld jobs", &n) != 1)
		return -1;
	/* The unit line, then rows, up to the empty line before the next block. */
	for (p = strchr(c, '\n'); p && *++p && *p != '\n'; p = strchr(p, '\n')) {
		unsigned long long lo, hi;
		unsigned int cnt;

		if (sscanf(p, " %llu -> %llu : %u", &lo, &hi, &cnt) == 3)
			sum += cnt;
	}
	qg_check(sum == n, "qnnlat pid %d %s: header says %ld jobs, rows add up to %ld", (int)pid,
		 stage, n, sum);
	return n;
}

/* A number after "key": in a flat JSON object starting at obj; -1 if absent. */
static long json_num(const char *obj, const char *end, const char *key)
{
	char k[48];
	const char *p;

	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(obj, k);
	if (!p || p > end)
		return -1;
	return strtol(p + strlen(k), NULL, 10);
}

/* Sum of a qnntop --json field over every interval, for one pid. */
static long top_sum(const char *text, pid_t pid, const char *key)
{
	char k[32];
	const char *p;
	long sum = 0;

	snprintf(k, sizeof(k), "{\"pid\":%d,", (int)pid);
	for (p = strstr(text, k); p; p = strstr(p + 1, k)) {
		const char *end = strchr(p, '}');
		long v = json_num(p, end, key);

		if (v > 0)
			sum += v;
	}
	return sum;
}

static int count_lines(const char *text, const char *needle)
{
	int n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

/* qnnsnoop lines of pid: "... <pid> <comm> qnn0 <id> <samples> ... <status>". */
static void check_snoop(const char *text, const pid_t pids[WORKERS])
{
	int per_pid[WORKERS] = {0}, lines = 0;
	const char *p = strchr(text, '\n'); /* after the header */

	while (p && *++p) {
		double t, q, tot;
		int pid, dev;
		unsigned long long id;
		unsigned int samples;
		char comm[32], dev_us[32], status[32];

		if (sscanf(p, "%lf %d %31s qnn%d %llu %u %lf %31s %lf %31s", &t, &pid, comm, &dev,
			   &id, &samples, &q, dev_us, &tot, status) == 10) {
			lines++;
			qg_check(samples == SAMPLES, "qnnsnoop: %u samples in job %llu", samples,
				 id);
			qg_check(strcmp(status, "OK") == 0, "qnnsnoop: job %llu status %s", id,
				 status);
			for (int i = 0; i < WORKERS; i++)
				if (pid == pids[i])
					per_pid[i]++;
		}
		p = strchr(p, '\n');
	}
	qg_check(lines == WORKERS * JOBS, "qnnsnoop printed %d job lines, want %d", lines,
		 WORKERS * JOBS);
	for (int i = 0; i < WORKERS; i++)
		qg_check(per_pid[i] == JOBS, "qnnsnoop: %d lines for pid %d, want %d", per_pid[i],
			 (int)pids[i], JOBS);
}

static void known_work(void)
{
	static char *lat_argv[] = {"qnnlat", "-P", NULL};
	static char *top_argv[] = {"qnntop", "--json", "1", NULL};
	static char *snoop_argv[] = {"qnnsnoop", NULL};
	static const char *const stages[] = {"queue", "device", "total"};
	struct tool lat, top, snoop;
	pid_t pids[WORKERS];
	char *text;

	tool_start(&lat, lat_argv);
	tool_start(&top, top_argv);
	tool_start(&snoop, snoop_argv);
	if (!tool_attached(&lat) || !tool_attached(&top) || !tool_attached(&snoop)) {
		tool_wait(&lat, SIGKILL);
		tool_wait(&top, SIGKILL);
		tool_wait(&snoop, SIGKILL);
		return;
	}
	run_workers(pids);
	/* qnnsnoop polls every 100 ms; the last events need a moment. */
	usleep(500000);
	qg_check(tool_wait(&lat, SIGINT) == 0, "qnnlat exits 0 on SIGINT");
	qg_check(tool_wait(&top, SIGINT) == 0, "qnntop exits 0 on SIGINT");
	qg_check(tool_wait(&snoop, SIGINT) == 0, "qnnsnoop exits 0 on SIGINT");

	text = slurp_str(lat.out);
	printf("--- qnnlat -P output:\n%s---\n", text);
	for (int i = 0; i < WORKERS; i++)
		for (int s = 0; s < 3; s++) {
			long n = lat_jobs(text, pids[i], stages[s]);

			qg_check(n == JOBS, "qnnlat: pid %d %s: %ld jobs, want %d", (int)pids[i],
				 stages[s], n, JOBS);
		}
	free(text);

	text = slurp_str(top.out);
	for (int i = 0; i < WORKERS; i++) {
		long jobs = top_sum(text, pids[i], "jobs");
		long samples = top_sum(text, pids[i], "samples");

		qg_check(jobs == JOBS, "qnntop: pid %d: %ld jobs, want %d", (int)pids[i], jobs,
			 JOBS);
		qg_check(samples == JOBS * SAMPLES, "qnntop: pid %d: %ld samples, want %d",
			 (int)pids[i], samples, JOBS * SAMPLES);
		qg_check(top_sum(text, pids[i], "errors") == 0 &&
			     top_sum(text, pids[i], "timeouts") == 0,
			 "qnntop: pid %d: no errors, no timeouts", (int)pids[i]);
	}
	qg_check(count_lines(text, "\"processes\":") >= 1, "qnntop printed intervals");
	free(text);

	text = slurp_str(snoop.out);
	check_snoop(text, pids);
	free(text);
}

/* One job that times out (the sim stalls it), then a good one. */
static void timeout_then_ok(void)
{
	static char *snoop_argv[] = {"qnnsnoop", "-c", "2", NULL};
	static char *top_argv[] = {"qnntop", "--json", "1", NULL};
	struct tool snoop, top;
	struct qg_dev d;
	struct qg_buf in, out;
	struct qnn_job j;
	char *text;
	int ret;

	if (qg_open(&d, QG_DEV) || qg_buf_alloc(&d, SAMPLES * d.in_bytes, &in) ||
	    qg_buf_alloc(&d, SAMPLES * d.out_bytes, &out))
		qg_die("open or alloc");
	tool_start(&snoop, snoop_argv);
	tool_start(&top, top_argv);
	if (!tool_attached(&snoop) || !tool_attached(&top)) {
		tool_wait(&snoop, SIGKILL);
		tool_wait(&top, SIGKILL);
		return;
	}
	qg_check(qg_sim_fault("stall 1") == 0, "inject stall");
	qg_job(&j, SAMPLES, &in, 0, &out, 0);
	j.timeout_ms = 300;
	ret = qg_run(&d, &j);
	qg_check(ret == -ETIMEDOUT, "stalled job: %s", strerror(-ret));
	qg_job(&j, SAMPLES, &in, 0, &out, 0);
	ret = qg_run(&d, &j);
	qg_check(ret == 0, "job after the timeout: %s", strerror(-ret));
	/* qnnsnoop exits by itself after its two jobs. */
	qg_check(tool_wait(&snoop, 0) == 0, "qnnsnoop -c 2 exits 0 on its own");
	usleep(200000);
	qg_check(tool_wait(&top, SIGINT) == 0, "qnntop exits 0 on SIGINT");

	text = slurp_str(snoop.out);
	printf("--- qnnsnoop -c 2 output:\n%s---\n", text);
	qg_check(count_lines(text, " ETIMEDOUT\n") == 1, "qnnsnoop: one ETIMEDOUT line");
	qg_check(count_lines(text, " OK\n") == 1, "qnnsnoop: then one OK line");
	qg_check(strstr(text, " ETIMEDOUT\n") < strstr(text, " OK\n"), "timeout first");
	free(text);
	text = slurp_str(top.out);
	qg_check(top_sum(text, getpid(), "timeouts") == 1, "qnntop: one timeout for pid %d",
		 (int)getpid());
	qg_check(top_sum(text, getpid(), "jobs") == 2, "qnntop: two jobs for pid %d",
		 (int)getpid());
	free(text);
	qg_sim_fault("none 0");
	qg_close(&d);
}

/* qnnlat and qnntop with interval and count end by themselves. */
static void exits_on_count(void)
{
	static char *lat_argv[] = {"qnnlat", "1", "2", NULL};
	static char *top_argv[] = {"qnntop", "--json", "1", "2", NULL};
	struct tool lat, top;
	char *text;

	tool_start(&lat, lat_argv);
	tool_start(&top, top_argv);
	qg_check(tool_wait(&lat, 0) == 0, "qnnlat 1 2 exits 0 on its own");
	qg_check(tool_wait(&top, 0) == 0, "qnntop --json 1 2 exits 0 on its own");
	text = slurp_str(top.out);
	qg_check(count_lines(text, "\"processes\":") == 2, "qnntop --json 1 2: two intervals");
	free(text);
}

/* Bad arguments: exit status 2 (argp: 64) and a message naming the problem. */
static void bad_args(void)
{
	static char *cases[][5] = {
	    {"qnnlat", "-p", "abc", NULL},   {"qnnlat", "0", NULL},
	    {"qnntop", "1", "2", "3", NULL}, {"qnnsnoop", "-c", "0", NULL},
	    {"qnnsnoop", "-d", "99", NULL},
	};
	static const char *const want[] = {"bad PID 'abc'", "bad interval", "unexpected argument",
					   "bad count '0'", "bad device number '99'"};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tool t;
		char *e;
		int rc;

		tool_start(&t, cases[i]);
		rc = tool_wait(&t, 0);
		e = slurp_str(t.err);
		qg_check(rc != 0 && strstr(e, want[i]) != NULL, "%s %s: exit %d, stderr \"%s\"",
			 cases[i][0], cases[i][1], rc, e);
		free(e);
	}
}

int main(void)
{
	int progs0, progs1;

	qg_begin("trace_tools");
	qg_relax_timeouts();
	/* What this kernel offers (trace/README.md): kernel BTF yes, module BTF for qnn no. */
	qg_log("BTF: /sys/kernel/btf/vmlinux %s, /sys/kernel/btf/qnn %s",
	       access("/sys/kernel/btf/vmlinux", R_OK) ? "absent" : "present",
	       access("/sys/kernel/btf/qnn", R_OK) ? "absent" : "present");
	progs0 = bpf_prog_count();
	qg_check(progs0 >= 0, "count BPF programs: %s", strerror(-progs0));
	bad_args();
	known_work();
	timeout_then_ok();
	exits_on_count();
	progs1 = bpf_prog_count();
	qg_check(progs1 == progs0, "BPF programs left behind: %d before, %d after", progs0, progs1);
	qg_relax_timeouts();
	return qg_finish();
}
