/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_text.h - small helpers for the hand-read text formats of hlsgen's
 * host code (hls4ml type strings, hls4ml project headers):
 * hlsgen/host/util/text_trim.c.
 */
#ifndef HLSGEN_TEXT_H
#define HLSGEN_TEXT_H

/* s without leading and trailing white space (isspace): the trailing is cut
 * in place, the leading skipped by the returned pointer into s. */
char *hg_trim(char *s);

#endif
