// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * cli_engine_opts.c - --threads, --allow-nonfinite and --quiet of the
 * subcommands that run the engine on a batch (cli_engine_opts.h).
 */
#include "cli_engine_opts.h"

#include "cli_number.h"

int cli_engine_option(const char *cmd, int c, const char *arg, struct cli_engine_opts *o)
{
	unsigned long long v;

	switch (c) {
	case 'j':
		if (cli_number(cmd, "threads", arg, 1, 1024, &v))
			return -1;
		o->threads = (unsigned)v;
		return 1;
	case 'n':
		o->allow_nonfinite = 1;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	default:
		return 0;
	}
}
