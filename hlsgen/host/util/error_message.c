// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * error_message.c - hg_fail(): the error-message helper every host-side
 * module of hlsgen (writer, importer, trainer) shares, so that they all
 * treat a NULL or empty message buffer the same way.
 */
#include <stdarg.h>
#include <stdio.h>

#include "hlsgen_error.h"

int hg_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}
