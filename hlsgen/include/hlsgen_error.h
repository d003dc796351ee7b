/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_error.h - the one way hlsgen's host code reports a failure: a
 * message into the caller's buffer and a return value, in one statement:
 *
 *	return hg_fail(err, errlen, -EINVAL, "%s: bad shape", path);
 */
#ifndef HLSGEN_ERROR_H
#define HLSGEN_ERROR_H

#include <stddef.h>

/*
 * Format the message into err (nothing when err is NULL or errlen is 0; a
 * long message is cut to fit) and return ret unchanged: a negative errno
 * code or -1, whatever the caller's contract says.
 */
int hg_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
