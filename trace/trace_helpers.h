/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace_helpers.h - what the qnn BPF tools share in userspace: the checks
 * before loading (tracefs, the driver's tracepoints and their layout, BPF
 * itself) with messages that say what is missing, argument parsing with
 * clear errors, signals, log2 histograms, status names.
 */
#ifndef TRACE_HELPERS_H
#define TRACE_HELPERS_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

/* Set by SIGINT/SIGTERM, which are delivered only inside qnn_sleep*(). */
extern volatile sig_atomic_t qnn_exiting;
void qnn_signals_init(void);
/* Sleep, or until SIGINT/SIGTERM: false if interrupted (0 ms: only take a pending one). */
bool qnn_sleep(unsigned int secs);
bool qnn_sleep_ms(unsigned int ms);

/* libbpf's messages only with -v. */
void qnn_libbpf_verbose(bool on);

/*
 * 0 when the qnn tracepoints exist and their records are laid out as
 * qnn_tp.h says, and the kernel can run tracepoint BPF programs; else
 * prints why to stderr (prefixed with tool) and returns an exit code.
 */
int qnn_trace_preflight(const char *tool);
/* Whether tracefs shows the qnn events at all (qnn.ko loaded). */
bool qnn_tracepoints_present(void);
/* After a failed load or attach: a message for the usual causes of err. */
void qnn_explain_bpf_error(const char *tool, const char *what, int err);

/* Whole decimal number in [min, max]; prints "tool: bad <what>: ..." and returns false. */
bool qnn_parse_ulong(const char *tool, const char *what, const char *s, unsigned long min,
		     unsigned long max, unsigned long *out);

/* [interval [count]]: the pos-th positional argument. */
bool qnn_parse_positional(const char *tool, int pos, const char *arg, unsigned long *interval,
			  unsigned long *count);

/* Slot s holds [2^(s-1), 2^s - 1], slot 0 holds 0 (bits.bpf.h). */
void qnn_print_log2_hist(const uint32_t *slots, int n_slots, const char *unit);
uint64_t qnn_hist_total(const uint32_t *slots, int n_slots);

/* "OK", "ETIMEDOUT", ... for a job status (0 or -errno). */
const char *qnn_status_name(int status, char *buf, size_t len);

/* HH:MM:SS of now into buf (9 bytes). */
const char *qnn_clock(char *buf, size_t len);

#endif /* TRACE_HELPERS_H */
