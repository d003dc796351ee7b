/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen - the model compiler's command-line entry point. It only
 * dispatches: every subcommand is its own cmd_<name>.c.
 */
#include <stdio.h>
#include <string.h>

#ifndef QNN_VERSION
#define QNN_VERSION "unknown"
#endif

#include "hlsgen_cmd.h"

#define HLSGEN_CMD(n) extern const struct hlsgen_cmd hlsgen_cmd_##n;
#include "cmds.gen.h"
#undef HLSGEN_CMD

static const struct hlsgen_cmd *const commands[] = {
#define HLSGEN_CMD(n) &hlsgen_cmd_##n,
#include "cmds.gen.h"
#undef HLSGEN_CMD
};

static void usage(FILE *f)
{
	fprintf(f, "usage: hlsgen COMMAND [ARGS...]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n`hlsgen COMMAND --help` shows a command's options; `hlsgen --version`\n"
		   "the version; man hlsgen(1): exit codes, data sets, input values.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("hlsgen %s\n", QNN_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		static char prog[64];

		if (strcmp(argv[1], commands[i]->name))
			continue;
		if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			fputs(commands[i]->usage, stdout);
			return 0;
		}
		/* getopt names argv[0] in its messages: "hlsgen run: unrecognized option" */
		snprintf(prog, sizeof(prog), "hlsgen %s", commands[i]->name);
		argv[1] = prog;
		return commands[i]->run(argc - 1, argv + 1);
	}
	fprintf(stderr, "hlsgen: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
