// SPDX-License-Identifier: GPL-2.0
/*
 * test_trace_fallbacks.c - what trace/README.md says the BPF tools do where
 * something is missing, on Debian's kernel with our out-of-tree modules:
 *   - BTF: with QNN_BTF_EXPECT=vmlinux-only (run-qemu.sh sets it: the
 *     guest is always Debian's kernel and modules built against its headers)
 *     the kernel has /sys/kernel/btf/vmlinux and neither qnn nor qnn_sim
 *     has module BTF, which is why the tools use classic tracepoints;
 *   - not root: refused, the message says to run as root;
 *   - tracefs not mounted: refused, the message says how to mount it;
 *   - qnn.ko not loaded: refused, the message names the tracepoint and
 *     qnn.ko (the module is unloaded, then loaded again).
 * Each refusal is exit status 2.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qg.h"

#define TOOL_ERR "/tmp/fallback.err"
#define NOBODY	 65534

/*
 * /bin/<tool> as uid (0: root), ending by itself: interval 1, count 1
 * (qnnsnoop: one job, -c 1); its exit status, stderr in TOOL_ERR.
 */
static int run_tool(const char *tool, uid_t uid)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		qg_die("fork: %s", strerror(errno));
	if (pid == 0) {
		char path[64];
		int e = open(TOOL_ERR, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int o = open("/dev/null", O_WRONLY);

		if (e < 0 || o < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		if (uid && (setgid(NOBODY) || setuid(uid)))
			_exit(125);
		alarm(60); /* a refusal is immediate; a tool that attaches ends on its count */
		snprintf(path, sizeof(path), "/bin/%s", tool);
		if (!strcmp(tool, "qnnsnoop"))
			execl(path, tool, "-c", "1", (char *)NULL);
		else
			execl(path, tool, "1", "1", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		qg_die("waitpid: %s", strerror(errno));
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The tool is refused with status 2 and a message holding want. */
static void expect_refusal(const char *tool, uid_t uid, const char *want, const char *why)
{
	int rc = run_tool(tool, uid);
	size_t len;
	char *err = qg_slurp(TOOL_ERR, &len);
	char *z = err ? realloc(err, len + 1) : NULL;

	if (z)
		z[len] = 0;
	else
		free(err);
	qg_check(rc == 2 && z && strstr(z, want), "%s, %s: exit %d, stderr \"%s\" (want \"%s\")",
		 tool, why, rc, z ? z : "", want);
	free(z);
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static void btf_facts(void)
{
	const char *expect = getenv("QNN_BTF_EXPECT");
	bool vmlinux = exists("/sys/kernel/btf/vmlinux");
	bool qnn = exists("/sys/kernel/btf/qnn"), sim = exists("/sys/kernel/btf/qnn_sim");

	qg_log("BTF: vmlinux %s, qnn %s, qnn_sim %s (expected: %s)", vmlinux ? "yes" : "no",
	       qnn ? "yes" : "no", sim ? "yes" : "no", expect ? expect : "not said");
	if (expect && !strcmp(expect, "vmlinux-only"))
		qg_check(vmlinux && !qnn && !sim,
			 "kernel BTF present, no module BTF for qnn and qnn_sim");
}

/* tracefs and debugfs (whose tracing/ mounts tracefs again) both away. */
static void without_tracefs(void)
{
	umount2("/sys/kernel/debug/tracing", MNT_DETACH); /* only if automounted */
	if (umount2("/sys/kernel/tracing", 0) || umount2("/sys/kernel/debug", 0)) {
		qg_check(false, "unmount tracefs and debugfs: %s", strerror(errno));
		return;
	}
	expect_refusal("qnnlat", 0, "tracefs is not mounted", "no tracefs");
	expect_refusal("qnntop", 0, "mount -t tracefs", "no tracefs");
	qg_check(mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL) == 0 &&
		     mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL) == 0,
		 "mount debugfs and tracefs again: %s", strerror(errno));
}

/* qnn.ko away (the sim stays), then back with its device. */
static void without_driver(void)
{
	if (!qg_check(system("rmmod qnn") == 0, "rmmod qnn"))
		return;
	expect_refusal("qnnsnoop", 0, "is qnn.ko loaded?", "no qnn.ko");
	expect_refusal("qnnlat", 0, "tracepoint qnn:", "no qnn.ko");
	qg_check(system("insmod /lib/modules/qnn.ko") == 0, "insmod qnn.ko again");
	for (int i = 0; i < 100 && !exists(QG_DEV); i++)
		usleep(100000);
	qg_check(exists(QG_DEV), "%s is back", QG_DEV);
}

int main(void)
{
	qg_begin("trace_fallbacks");
	btf_facts();
	expect_refusal("qnnlat", NOBODY, "run as root", "not root");
	expect_refusal("qnnsnoop", NOBODY, "run as root", "not root");
	without_tracefs();
	without_driver();
	/* The tools still attach and end on their count after all that. */
	qg_check(run_tool("qnnlat", 0) == 0, "qnnlat 1 1 as root: exit 0");
	return qg_finish();
}
