/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * log.h - qnnd's logging: structured journald records (sd_journal_send)
 * when stderr is connected to the journal, plain stderr lines otherwise.
 */
#ifndef QNND_LOG_H
#define QNND_LOG_H

#include <stdint.h>
#include <syslog.h>

enum log_target { LOG_TARGET_AUTO, LOG_TARGET_JOURNAL, LOG_TARGET_STDERR };

/* "auto" | "journal" | "stderr"; auto = journal iff $JOURNAL_STREAM names our stderr. */
int log_setup(const char *target);
void log_set_verbose(int verbose);
int log_is_journal(void);

void log_msg(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* One record per failure: QNN_EVENT=failure, QNN_FAILURE=<kind>. */
void log_failure(const char *kind, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
