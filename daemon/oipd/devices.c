// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * devices.c - each qnn device's counters as the driver shows them in
 * /sys/class/qnn/<dev>/ (kernel/qnn_sysfs.c: one decimal value per file),
 * as Prometheus metrics labelled device="<dev>". sysfs is world-readable,
 * so the sandboxed front needs no device access for this. A device or an
 * attribute that vanishes between listing and reading is left out of that
 * scrape.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oipd.h"

struct attr {
	const char *file, *metric, *type, *help;
	double scale; /* value * scale (ns -> s) */
};

static const struct attr attrs[] = {
    {"jobs", "qnn_device_jobs_total", "counter", "Jobs (batches) the device completed.", 1},
    {"samples", "qnn_device_samples_total", "counter", "Samples in completed jobs.", 1},
    {"errors", "qnn_device_errors_total", "counter", "Jobs that failed.", 1},
    {"timeouts", "qnn_device_timeouts_total", "counter", "Jobs that timed out.", 1},
    {"dma_errors", "qnn_device_dma_errors_total", "counter", "DMA errors.", 1},
    {"proto_errors", "qnn_device_proto_errors_total", "counter", "Stream protocol errors.", 1},
    {"canceled", "qnn_device_canceled_total", "counter", "Jobs canceled.", 1},
    {"resets", "qnn_device_resets_total", "counter", "Core resets.", 1},
    {"busy_ns", "qnn_device_busy_seconds_total", "counter", "Time the core was busy.", 1e-9},
    {"queue_depth", "qnn_device_queue_depth", "gauge", "Jobs queued on the device now.", 1},
    {"needs_reset", "qnn_device_needs_reset", "gauge", "1 when the core needs a reset.", 1},
};
#define N_ATTRS (sizeof(attrs) / sizeof(attrs[0]))

static int read_u64(const char *root, const char *dev, const char *file, unsigned long long *v)
{
	char path[512];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s/%s", root, dev, file);
	f = fopen(path, "re");
	if (!f)
		return -1;
	ok = fscanf(f, "%llu", v) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

/* Device names as labels: the driver's "qnnN"; anything else is skipped. */
static bool plain_name(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '-'))
			return false;
	return true;
}

void oip_devices_render(struct oip_text *t, const char *sysfs_root)
{
	struct dirent **ents;
	int n = scandir(sysfs_root, &ents, NULL, alphasort);

	oip_text_printf(t, "# HELP qnn_devices Devices in %s.\n# TYPE qnn_devices gauge\n",
			sysfs_root);
	int shown = 0;

	for (int i = 0; i < n; i++)
		shown += ents[i]->d_name[0] != '.' && plain_name(ents[i]->d_name);
	oip_text_printf(t, "qnn_devices %d\n", n < 0 ? 0 : shown);
	for (size_t a = 0; a < N_ATTRS; a++) {
		oip_text_printf(t, "# HELP %s %s (sysfs %s)\n# TYPE %s %s\n", attrs[a].metric,
				attrs[a].help, attrs[a].file, attrs[a].metric, attrs[a].type);
		for (int i = 0; i < n; i++) {
			const char *dev = ents[i]->d_name;
			unsigned long long v;

			if (dev[0] == '.' || !plain_name(dev) ||
			    read_u64(sysfs_root, dev, attrs[a].file, &v))
				continue;
			if (attrs[a].scale == 1)
				oip_text_printf(t, "%s{device=\"%s\"} %llu\n", attrs[a].metric, dev,
						v);
			else
				oip_text_printf(t, "%s{device=\"%s\"} %.9f\n", attrs[a].metric, dev,
						v * attrs[a].scale);
		}
	}
	for (int i = 0; i < n; i++)
		free(ents[i]);
	if (n >= 0)
		free(ents);
}
