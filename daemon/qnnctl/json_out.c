// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * json_out.c - numbers in qnnctl's JSON output: the shortest form that
 * reads back as the same double (hlsgen_shortest_double), null for NaN/Inf.
 */
#include <stdio.h>

#include "hlsgen_io.h"
#include "qnnctl.h"

void qnnctl_json_double(FILE *f, double v)
{
	char buf[32];

	fputs(hlsgen_shortest_double(v, buf, sizeof(buf)), f);
}
