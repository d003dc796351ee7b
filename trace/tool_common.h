/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tool_common.h - the steps every qnn BPF tool's main() takes alike: the
 * options they all have (-p PID, -d DEV, -v), as an argp child parser, and
 * loading + attaching the skeleton with a message that says what failed.
 */
#ifndef TOOL_COMMON_H
#define TOOL_COMMON_H

#include <argp.h>
#include <stdbool.h>

#include <bpf/libbpf.h>

struct qnn_common_opts {
	unsigned long pid; /* -p: 0 for every process */
	long dev;	   /* -d: -1 for every device */
	bool verbose;	   /* -v: libbpf's debug messages */
};

/* Filled by qnn_common_argp; put {&qnn_common_argp, 0, NULL, 0} in the tool's children. */
extern struct qnn_common_opts qnn_opts;
extern const struct argp qnn_common_argp;

/*
 * argp_parse() with the shared options, then libbpf's messages per -v:
 * 0, or the exit code for bad arguments (argp has said why).
 */
int qnn_parse_args(const struct argp *argp, int argc, char **argv);

/* qnn_parse_args(), then qnn_trace_preflight() (trace_helpers.h): 0, or the exit code. */
int qnn_start(const char *tool, const struct argp *argp, int argc, char **argv);

/* Load the skeleton's programs and attach them: 0, or the error after saying why. */
int qnn_load_attach(const char *tool, struct bpf_object_skeleton *skel);

#endif /* TOOL_COMMON_H */
