/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * listen.h - the listening socket: the one systemd passes (socket
 * activation, sd_listen_fds) or our own AF_UNIX socket at cfg->socket.
 */
#ifndef QNND_LISTEN_H
#define QNND_LISTEN_H

#include <stdbool.h>

#include "config.h"

/* Returns a non-blocking listening fd, or -1 (logged). *owned: we created the path. */
int listen_open(const struct qnnd_config *cfg, bool *owned);
void listen_close(int fd, const struct qnnd_config *cfg, bool owned);

#endif
