/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_cmd.h - one subcommand of the hlsgen CLI. Each lives in
 * hlsgen/tools/cmd_<name>.c and defines `const struct hlsgen_cmd
 * hlsgen_cmd_<name>`; the build lists the files present, so adding a
 * subcommand is adding a file.
 */
#ifndef HLSGEN_CMD_H
#define HLSGEN_CMD_H

struct hlsgen_cmd {
	const char *name;
	const char *summary; /* one line for `hlsgen --help` */
	const char *usage;   /* full usage text for `hlsgen NAME --help` */
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

#endif
