// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * shortest_double.c - a double in the fewest significant digits that read
 * back as the same double, for JSON: json-c's default "%.17g" prints 0.98
 * as 0.97999999999999998, which is exact but not what a person wrote.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "hlsgen_io.h"

const char *hlsgen_shortest_double(double v, char *buf, size_t len)
{
	if (!isfinite(v)) {
		snprintf(buf, len, "null");
		return buf;
	}
	for (int p = 1; p <= 17; p++) {
		snprintf(buf, len, "%.*g", p, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}
