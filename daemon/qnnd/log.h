/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * log.h - qnnd's logging: structured journald records (sd_journal_send)
 * when stderr is connected to the journal, plain stderr lines otherwise.
 */
#ifndef QNND_LOG_H
#define QNND_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

enum log_target { LOG_TARGET_AUTO, LOG_TARGET_JOURNAL, LOG_TARGET_STDERR };

/* "auto" | "journal" | "stderr"; auto = journal iff $JOURNAL_STREAM names our stderr. */
int log_setup(const char *target);
void log_set_verbose(int verbose);
int log_is_journal(void);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * One record per failure: QNN_EVENT=failure, QNN_FAILURE=<kind>. Failures a client or
 * the system can repeat at will are rate-limited per kind (LOG_BURST records per
 * LOG_WINDOW_S seconds); what was held back is counted and said: the next record of the
 * kind carries QNN_SUPPRESSED=<n>, and log_limits_flush() reports a window that ended
 * with records held back even if none follows.
 */
void log_failure(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same limit for a warning that may repeat (kind names its limiter). */
void log_warn_limited(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* From the housekeeping tick: say how many records each ended window held back. */
void log_limits_flush(void);

#define LOG_BURST    10
#define LOG_WINDOW_S 10

/* A reload's result: QNN_EVENT=reload, QNN_RELOAD_RESULT=applied|refused, ... */
struct reload_result {
	bool applied;
	const char *error;   /* refused: why */
	uint64_t generation; /* the configuration generation in effect afterwards */
	uint64_t request;    /* the last reload request this one answers */
	uint64_t coalesced;  /* requests it answers (SIGHUPs and RELOAD frames) */
	const char *model;   /* serving afterwards */
};
void log_reload(const struct reload_result *r);

/* A per-uid limit refused something: QNN_EVENT=quota, QNN_PEER_UID, QNN_QUOTA=<which>. */
void log_quota(unsigned uid, int pid, const char *which, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A client connected: QNN_EVENT=connect with its credentials. */
void log_peer(const char *what, int pid, unsigned uid, unsigned gid, uint64_t conn_id);

struct stats_snapshot;
/* The periodic throughput record (QNN_SAMPLES_PER_S, QNN_BATCH_AVG, ...). */
void log_stats(const struct stats_snapshot *s, const char *backend);

/*
 * What `backend: auto` chose and why (QNN_EVENT=backend, QNN_BACKEND,
 * QNN_BACKEND_REASON): a board booted without its overlay has no device
 * and is served by the software engine; this record says so.
 */
void log_backend_choice(const char *backend, const char *why);

#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARNING, __VA_ARGS__)
#define log_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
