/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cli_engine_opts.h - the options every subcommand that runs the engine on
 * a batch of inputs takes (`run`, `eval`): --threads N, --allow-nonfinite,
 * --quiet/-q. One parser, so that they mean the same in each command.
 */
#ifndef HLSGEN_CLI_ENGINE_OPTS_H
#define HLSGEN_CLI_ENGINE_OPTS_H

#include <getopt.h>

struct cli_engine_opts {
	unsigned threads;    /* 0: all CPUs */
	int allow_nonfinite; /* feed NaN/Inf to the engine instead of refusing them */
	int quiet;	     /* no progress indicator */
};

/*
 * Entries for a getopt_long table, and the short options they add (-j N,
 * -q). clang-format would split the list macro into braces on lines.
 */
/* clang-format off */
#define CLI_ENGINE_LONG_OPTS                                                                       \
	{"threads", required_argument, NULL, 'j'},                                                 \
	{"allow-nonfinite", no_argument, NULL, 'n'},                                               \
	{"quiet", no_argument, NULL, 'q'}
/* clang-format on */
#define CLI_ENGINE_SHORT_OPTS "j:q"

/*
 * Takes getopt_long's answer c (with optarg) if it is one of the options
 * above: 1 when it was (and is stored in *o), 0 when it is not one of
 * them, -1 after printing "hlsgen CMD: --threads: ..." for a bad value.
 */
int cli_engine_option(const char *cmd, int c, const char *arg, struct cli_engine_opts *o);

#endif
