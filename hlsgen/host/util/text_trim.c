// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * text_trim.c - hg_trim() (hlsgen_text.h): the importer's type strings and
 * the hls4ml project reader's header lines trim the same way.
 */
#include <ctype.h>
#include <string.h>

#include "hlsgen_text.h"

char *hg_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}
