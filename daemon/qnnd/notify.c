// SPDX-License-Identifier: GPL-2.0 OR MIT
/* notify.c - sd_notify wrappers (see notify.h). */
#include <stdio.h>
#include <unistd.h>
#include <systemd/sd-daemon.h>

#include "log.h"
#include "notify.h"

void notify_ready(const char *status)
{
	sd_notifyf(0, "READY=1\nSTATUS=%s\nMAINPID=%lu", status, (unsigned long)getpid());
}

void notify_reloading(void)
{
	sd_notify(0, "RELOADING=1\nSTATUS=reloading configuration and model");
}

void notify_stopping(void)
{
	sd_notify(0, "STOPPING=1\nSTATUS=draining in-flight requests");
}

void notify_status(const char *status)
{
	sd_notifyf(0, "STATUS=%s", status);
}

uint64_t notify_watchdog_usec(void)
{
	uint64_t usec = 0;

	if (sd_watchdog_enabled(0, &usec) <= 0)
		return 0;
	return usec;
}

void notify_watchdog(void)
{
	sd_notify(0, "WATCHDOG=1");
}
