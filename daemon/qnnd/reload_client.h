/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * reload_client.h - `qnnd --reload`: ask the qnnd listening at path to reload and wait
 * (up to timeout_ms) until it has: 0 applied, 1 refused or no answer (said on stderr).
 */
#ifndef QNND_RELOAD_CLIENT_H
#define QNND_RELOAD_CLIENT_H

int reload_client(const char *path, int timeout_ms);

#endif
