/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * cli_number.h - numeric option values for the subcommands: the whole
 * string must be a decimal number in range, so `--threads 2x` or
 * `--limit -1` is an error instead of a silent 2 or 2^64-1.
 */
#ifndef HLSGEN_CLI_NUMBER_H
#define HLSGEN_CLI_NUMBER_H

/*
 * Parses text as a decimal integer in [min, max] into *out. Returns 0, or
 * -1 after printing "hlsgen CMD: --OPTION: ..." to stderr.
 */
int cli_number(const char *cmd, const char *option, const char *text, unsigned long long min,
	       unsigned long long max, unsigned long long *out);

#endif
