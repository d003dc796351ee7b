/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * notify.h - the systemd service protocol (sd_notify, libsystemd): READY=1
 * only after the backend's self-test, STATUS= with live throughput,
 * WATCHDOG=1 only while work makes progress, RELOADING=1 / STOPPING=1.
 * All calls are no-ops without $NOTIFY_SOCKET.
 */
#ifndef QNND_NOTIFY_H
#define QNND_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

void notify_ready(const char *status);
void notify_reloading(void);
void notify_stopping(void);
void notify_status(const char *status);
/* The watchdog period in microseconds (0: not enabled). */
uint64_t notify_watchdog_usec(void);
void notify_watchdog(void);

#endif
