// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * journal.c - log.h: structured records through sd_journal_send() when
 * stderr is the journal (systemd sets $JOURNAL_STREAM to its dev:inode),
 * otherwise one plain line per message on stderr.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "clock.h"
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

/*
 * Rate limits, one per kind of record. Logging happens on the loop and on workers doing a
 * turn (both under the server lock) but also at start-up and from backend threads, so the
 * table has its own lock; it is taken only when something is logged.
 */
struct limiter {
	char kind[24];
	uint64_t start_us;
	uint32_t used;
	uint64_t suppressed;
};

static struct limiter limiters[16];
static pthread_mutex_t limiters_lock = PTHREAD_MUTEX_INITIALIZER;

static struct limiter *limiter_of(const char *kind)
{
	struct limiter *free_slot = NULL;

	for (size_t i = 0; i < sizeof(limiters) / sizeof(limiters[0]); i++) {
		if (!strcmp(limiters[i].kind, kind))
			return &limiters[i];
		if (!free_slot && !limiters[i].kind[0])
			free_slot = &limiters[i];
	}
	if (free_slot)
		snprintf(free_slot->kind, sizeof(free_slot->kind), "%s", kind);
	return free_slot; /* NULL: more kinds than slots, not limited (never in practice) */
}

/* Whether a record of kind may go out now; *held: records held back before it, to say. */
static bool limit_pass(const char *kind, uint64_t *held)
{
	uint64_t now = now_us();
	bool pass = true;

	*held = 0;
	pthread_mutex_lock(&limiters_lock);
	struct limiter *l = limiter_of(kind);

	if (l) {
		if (!l->start_us || now - l->start_us >= LOG_WINDOW_S * 1000000ull) {
			*held = l->suppressed;
			l->start_us = now;
			l->used = 0;
			l->suppressed = 0;
		}
		pass = l->used < LOG_BURST;
		if (pass)
			l->used++;
		else
			l->suppressed++;
	}
	pthread_mutex_unlock(&limiters_lock);
	return pass;
}

static void suppressed_note(const char *kind, uint64_t n)
{
	if (use_journal)
		sd_journal_send("MESSAGE=%s: %llu similar messages suppressed in the last %d s",
				kind, (unsigned long long)n, LOG_WINDOW_S, "PRIORITY=%d",
				LOG_WARNING, "SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=suppressed",
				"QNN_FAILURE=%s", kind, "QNN_SUPPRESSED=%llu",
				(unsigned long long)n, NULL);
	else
		fprintf(stderr,
			"qnnd: warning: %s: %llu similar messages suppressed in the last %d s\n",
			kind, (unsigned long long)n, LOG_WINDOW_S);
}

void log_limits_flush(void)
{
	uint64_t now = now_us();

	for (size_t i = 0; i < sizeof(limiters) / sizeof(limiters[0]); i++) {
		char kind[24];
		uint64_t n = 0;

		pthread_mutex_lock(&limiters_lock);
		struct limiter *l = &limiters[i];

		if (l->suppressed && now - l->start_us >= LOG_WINDOW_S * 1000000ull) {
			n = l->suppressed;
			memcpy(kind, l->kind, sizeof(kind));
			l->start_us = 0; /* the next record opens a new window */
			l->suppressed = 0;
		}
		pthread_mutex_unlock(&limiters_lock);
		if (n)
			suppressed_note(kind, n);
	}
}

static void failure(int prio, const char *kind, const char *buf, uint64_t held)
{
	char tail[64] = "";

	if (held)
		snprintf(tail, sizeof(tail), " (%llu similar messages suppressed before)",
			 (unsigned long long)held);
	if (use_journal)
		sd_journal_send("MESSAGE=%s failure: %s%s", kind, buf, tail, "PRIORITY=%d", prio,
				"SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=failure", "QNN_FAILURE=%s",
				kind, "QNN_SUPPRESSED=%llu", (unsigned long long)held, NULL);
	else
		fprintf(stderr, "qnnd: %s: %s failure: %s%s\n", prio_name(prio), kind, buf, tail);
}

/* A rate-limited failure record (log_failure, log_warn_limited): kind names its limiter. */
static void vlimited(int prio, const char *kind, const char *fmt, va_list ap)
{
	char buf[1024];
	uint64_t held;

	if (!limit_pass(kind, &held))
		return;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	failure(prio, kind, buf, held);
}

void log_failure(const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlimited(LOG_ERR, kind, fmt, ap);
	va_end(ap);
}

void log_warn_limited(const char *kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlimited(LOG_WARNING, kind, fmt, ap);
	va_end(ap);
}

void log_quota(unsigned uid, int pid, const char *which, const char *fmt, ...)
{
	char buf[1024], tail[64] = "";
	va_list ap;
	uint64_t held;

	if (!limit_pass("quota", &held))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (held)
		snprintf(tail, sizeof(tail), " (%llu similar messages suppressed before)",
			 (unsigned long long)held);
	if (use_journal)
		sd_journal_send("MESSAGE=uid %u: %s%s", uid, buf, tail, "PRIORITY=%d", LOG_WARNING,
				"SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=quota", "QNN_QUOTA=%s", which,
				"QNN_PEER_UID=%u", uid, "QNN_PEER_PID=%d", pid,
				"QNN_SUPPRESSED=%llu", (unsigned long long)held, NULL);
	else
		fprintf(stderr,
			"qnnd: warning: quota: QNN_QUOTA=%s QNN_PEER_UID=%u: uid %u: %s%s\n", which,
			uid, uid, buf, tail);
}

/* Never rate-limited: every reload is accounted for (one record each). */
void log_reload(const struct reload_result *r)
{
	const char *res = r->applied ? "applied" : "refused";
	const char *err = r->error ? r->error : "";

	if (use_journal)
		sd_journal_send("MESSAGE=reload %s: generation %llu%s%s", res,
				(unsigned long long)r->generation, r->applied ? "" : ": ", err,
				"PRIORITY=%d", r->applied ? LOG_INFO : LOG_ERR,
				"SYSLOG_IDENTIFIER=qnnd", "QNN_EVENT=reload",
				"QNN_RELOAD_RESULT=%s", res, "QNN_RELOAD_ERROR=%s", err,
				"QNN_RELOAD_GENERATION=%llu", (unsigned long long)r->generation,
				"QNN_RELOAD_REQUEST=%llu", (unsigned long long)r->request,
				"QNN_RELOAD_COALESCED=%llu", (unsigned long long)r->coalesced,
				"QNN_MODEL=%s", r->model ? r->model : "", NULL);
	else
		fprintf(stderr,
			"qnnd: reload: QNN_RELOAD_RESULT=%s QNN_RELOAD_GENERATION=%llu "
			"QNN_RELOAD_REQUEST=%llu QNN_RELOAD_COALESCED=%llu QNN_RELOAD_ERROR=%s\n",
			res, (unsigned long long)r->generation, (unsigned long long)r->request,
			(unsigned long long)r->coalesced, err);
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
