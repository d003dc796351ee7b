// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * qnnctl - control tool for qnnd and the qnn devices. main() only parses
 * the global options and dispatches to the subcommand's own file.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qnn.h"
#include "qnnctl.h"

#ifndef QNN_VERSION
#define QNN_VERSION "unknown"
#endif

const char *qnnctl_socket;

static const struct qnnctl_cmd *const commands[] = {
    &qnnctl_cmd_status,
    &qnnctl_cmd_classify,
    &qnnctl_cmd_bench,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void qnnctl_qnn_error(const char *what, int status)
{
	if ((status == QNN_E_IO || status == QNN_E_CONNECT) && qnn_last_errno())
		fprintf(stderr, "qnnctl: %s: %s (%s)\n", what, qnn_strerror(status),
			strerror(qnn_last_errno()));
	else
		fprintf(stderr, "qnnctl: %s: %s\n", what, qnn_strerror(status));
}

uint64_t qnnctl_parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max) {
		fprintf(stderr, "qnnctl: %s wants a whole number in [%llu, %llu], not '%s'\n", opt,
			(unsigned long long)min, (unsigned long long)max, arg);
		exit(2);
	}
	return v;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: qnnctl [-s SOCKET] COMMAND [ARGS...]\n\n"
		"  -s, --socket PATH  qnnd's socket (default: $" QNN_SOCKET_ENV ", else %s)\n"
		"  -V, --version      print the version\n\ncommands:\n",
		QNN_DEFAULT_SOCKET);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "\n`qnnctl COMMAND --help` shows a command's options.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {0},
	};
	int c;

	/* '+': stop at the subcommand, its options are its own. */
	while ((c = getopt_long(argc, argv, "+s:hV", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			qnnctl_socket = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("qnnctl %s (protocol %d)\n", QNN_VERSION, QNN_API_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[optind], "help")) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < N_COMMANDS; i++) {
		const struct qnnctl_cmd *cmd = commands[i];

		if (strcmp(argv[optind], cmd->name))
			continue;
		if (optind + 1 < argc &&
		    (!strcmp(argv[optind + 1], "--help") || !strcmp(argv[optind + 1], "-h"))) {
			fputs(cmd->usage, stdout);
			return 0;
		}
		int first = optind;

		optind = 0; /* glibc: a fresh getopt scan for the subcommand */
		return cmd->run(argc - first, argv + first);
	}
	fprintf(stderr, "qnnctl: unknown command '%s'\n\n", argv[optind]);
	usage(stderr);
	return 2;
}
