// SPDX-License-Identifier: GPL-2.0 OR MIT
#include "cli_number.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

int cli_number(const char *cmd, const char *option, const char *text, unsigned long long min,
	       unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts leading blanks and a minus sign: refuse both. */
	if (!isdigit((unsigned char)text[0]))
		goto bad;
	errno = 0;
	v = strtoull(text, &end, 10);
	if (*end || errno == ERANGE || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr, "hlsgen %s: --%s: \"%s\" is not a whole number in %llu..%llu\n", cmd,
		option, text, min, max);
	return -1;
}
