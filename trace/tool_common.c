// SPDX-License-Identifier: GPL-2.0
/*
 * tool_common.c - the options all the qnn BPF tools share and the load +
 * attach step of their skeletons (tool_common.h).
 */
#include <errno.h>

#include "tool_common.h"
#include "trace_helpers.h"

struct qnn_common_opts qnn_opts = {.dev = -1};

static const struct argp_option common_options[] = {
    {"pid", 'p', "PID", 0, "Only jobs submitted by this process", 0},
    {"dev", 'd', "DEV", 0, "Only /dev/qnnDEV", 0},
    {"verbose", 'v', NULL, 0, "libbpf's debug messages", 0},
    {},
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	/* The messages name the tool as the user called it. */
	const char *tool = state->name;
	unsigned long v;

	switch (key) {
	case 'p':
		if (!qnn_parse_ulong(tool, "PID", arg, 1, 4194304, &qnn_opts.pid))
			argp_usage(state);
		break;
	case 'd':
		if (!qnn_parse_ulong(tool, "device number", arg, 0, 63, &v))
			argp_usage(state);
		qnn_opts.dev = (long)v;
		break;
	case 'v':
		qnn_opts.verbose = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp qnn_common_argp = {.options = common_options, .parser = parse_common};

int qnn_parse_args(const struct argp *argp, int argc, char **argv)
{
	if (argp_parse(argp, argc, argv, 0, NULL, NULL))
		return 2;
	qnn_libbpf_verbose(qnn_opts.verbose);
	return 0;
}

int qnn_start(const char *tool, const struct argp *argp, int argc, char **argv)
{
	int err = qnn_parse_args(argp, argc, argv);

	return err ? err : qnn_trace_preflight(tool);
}

int qnn_load_attach(const char *tool, struct bpf_object_skeleton *skel)
{
	int err = bpf_object__load_skeleton(skel);

	if (err) {
		qnn_explain_bpf_error(tool, "loading the BPF programs", err);
		return err;
	}
	err = bpf_object__attach_skeleton(skel);
	if (err)
		qnn_explain_bpf_error(tool, "attaching to the qnn tracepoints", err);
	return err;
}
