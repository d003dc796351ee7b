// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * journal.c - log.h: structured records through sd_journal_send() when
 * stderr is the journal (systemd sets $JOURNAL_STREAM to its dev:inode),
 * otherwise one plain line per message on stderr.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "log.h"
#include "stats.h"

static int use_journal;
static int verbose;

static int stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!js || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

int log_setup(const char *target)
{
	if (!target || !strcmp(target, "auto"))
		use_journal = stderr_is_journal();
	else if (!strcmp(target, "journal"))
		use_journal = 1;
	else if (!strcmp(target, "stderr"))
		use_journal = 0;
	else
		return -1;
	return 0;
}

void log_set_verbose(int v)
{
	verbose = v;
}

int log_is_journal(void)
{
	return use_journal;
}

static const char *prio_name(int prio)
{
	switch (prio) {
	case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_DEBUG:
		return "debug";
	default:
		return "info";
	}
}

void log_msg(int prio, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	if (prio >= LOG_DEBUG && !verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (use_journal)
		sd_journal_send("MESSAGE=%s", buf, "PRIORITY=%d", prio, "SYSLOG_IDENTIFIER=qnnd",
				NULL);
	else
		fprintf(stderr, "qnnd: %s: %s\n", prio_name(prio), buf);
}

void log_failure(const char *kind, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (use_journal)
		sd_journal_send("MESSAGE=%s failure: %s", kind, buf, "PRIORITY=%d", LOG_ERR,
				"SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=failure", "QNN_FAILURE=%s",
				kind, NULL);
	else
		fprintf(stderr, "qnnd: error: %s failure: %s\n", kind, buf);
}

void log_peer(const char *what, int pid, unsigned uid, unsigned gid, uint64_t conn_id)
{
	if (use_journal)
		sd_journal_send("MESSAGE=client %s: pid %d uid %u gid %u (connection %llu)", what,
				pid, uid, gid, (unsigned long long)conn_id, "PRIORITY=%d", LOG_INFO,
				"SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=%s", what, "QNN_PEER_PID=%d",
				pid, "QNN_PEER_UID=%u", uid, "QNN_PEER_GID=%u", gid, NULL);
	else if (verbose)
		fprintf(stderr, "qnnd: info: client %s: pid %d uid %u gid %u (connection %llu)\n",
			what, pid, uid, gid, (unsigned long long)conn_id);
}

void log_stats(const struct stats_snapshot *s, const char *backend)
{
	if (use_journal)
		sd_journal_send("MESSAGE=%.0f samples/s, batch avg %.2f, latency p50 %llu us p99 "
				"%llu us, queue %llu (%s)",
				s->samples_per_s, s->batch_avg, (unsigned long long)s->p50_us,
				(unsigned long long)s->p99_us, (unsigned long long)s->queue_depth,
				backend, "PRIORITY=%d", LOG_INFO, "SYSLOG_IDENTIFIER=qnnd",
				"QNN_EVENT=stats", "QNN_SAMPLES_PER_S=%.1f", s->samples_per_s,
				"QNN_BATCH_AVG=%.2f", s->batch_avg, "QNN_LATENCY_P50_US=%llu",
				(unsigned long long)s->p50_us, "QNN_LATENCY_P99_US=%llu",
				(unsigned long long)s->p99_us, "QNN_QUEUE_DEPTH=%llu",
				(unsigned long long)s->queue_depth, "QNN_REQUESTS=%llu",
				(unsigned long long)s->requests, "QNN_SAMPLES=%llu",
				(unsigned long long)s->samples, "QNN_INTERVAL_S=%.3f", s->seconds,
				"QNN_BACKEND=%s", backend, NULL);
	else
		fprintf(stderr,
			"qnnd: stats: QNN_SAMPLES_PER_S=%.1f QNN_BATCH_AVG=%.2f "
			"QNN_LATENCY_P50_US=%llu QNN_LATENCY_P99_US=%llu QNN_QUEUE_DEPTH=%llu "
			"QNN_BACKEND=%s\n",
			s->samples_per_s, s->batch_avg, (unsigned long long)s->p50_us,
			(unsigned long long)s->p99_us, (unsigned long long)s->queue_depth, backend);
}

void log_backend_choice(const char *backend, const char *why)
{
	if (use_journal)
		sd_journal_send("MESSAGE=backend auto: %s (%s)", backend, why, "PRIORITY=%d",
				LOG_NOTICE, "SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=backend",
				"QNN_BACKEND=%s", backend, "QNN_BACKEND_REASON=%s", why, NULL);
	else
		fprintf(stderr, "qnnd: notice: backend auto: %s (%s)\n", backend, why);
}
