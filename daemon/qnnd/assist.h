/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * assist.h - a sw worker doing the event loop's turn itself (assist.c).
 */
#ifndef QNND_ASSIST_H
#define QNND_ASSIST_H

#include <stdbool.h>

/*
 * backend_conf.assist, on a backend worker (ctx: the service): the turn done here when the
 * lock is free; false when it is not (the backend signals its event fd instead).
 */
bool assist_turn(void *ctx);

#endif
