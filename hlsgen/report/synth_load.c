// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Loading a project's resources: a report file of any supported kind
 * (recognized by its contents, not its name) or an hls4ml project
 * directory, searched for `<top>_csynth.xml` (preferred) or `.rpt`.
 * Capacities missing from a report come from the part table.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hlsgen_io.h"
#include "hlsgen_synth.h"

#define MAX_REPORT (64u << 20)

/* nftw has no context pointer: the search result lives here. */
static char found_xml[512], found_rpt[512];

static int visit(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	if (type != FTW_F || ftw->level > 8)
		return 0;
	if (!found_xml[0] && n > 11 && !strcmp(path + n - 11, "_csynth.xml"))
		snprintf(found_xml, sizeof(found_xml), "%s", path);
	else if (!found_rpt[0] && n > 11 && !strcmp(path + n - 11, "_csynth.rpt"))
		snprintf(found_rpt, sizeof(found_rpt), "%s", path);
	return 0;
}

static void default_name(const char *path, char *name, size_t len)
{
	char tmp[512];
	char *base, *dot;
	size_t n;

	snprintf(tmp, sizeof(tmp), "%s", path);
	n = strlen(tmp);
	while (n > 1 && tmp[n - 1] == '/')
		tmp[--n] = 0;
	base = strrchr(tmp, '/');
	base = base ? base + 1 : tmp;
	/* ".../myproject_csynth.xml" says little: name it after its directory */
	if (strstr(base, "_csynth.") && base != tmp) {
		base[-1] = 0;
		char *up = strrchr(tmp, '/');

		base = up ? up + 1 : tmp;
	}
	if ((dot = strrchr(base, '.')) && dot != base)
		*dot = 0;
	snprintf(name, len, "%s", base);
}

static void fill_capacity(struct hg_synth *r)
{
	double cap[HG_RES_COUNT];

	if (!r->part[0] || hg_part_capacity(r->part, cap, NULL, 0))
		return;
	for (int i = 0; i < HG_RES_COUNT; i++)
		if (r->avail[i] <= 0)
			r->avail[i] = cap[i];
}

static int load_file(const char *path, struct hg_synth *r, char *err, size_t errlen)
{
	size_t len = 0;
	char *text = NULL;
	char msg[256];
	int rc;

	if (hlsgen_read_file(path, MAX_REPORT, (void **)&text, &len, err, errlen))
		return -1;
	if (strstr(text, "<profile") || !strncmp(text, "<?xml", 5))
		rc = hg_synth_parse_xml(text, len, r, msg, sizeof(msg));
	else if (strstr(text, "HLS Report for"))
		rc = hg_synth_parse_rpt(text, r, msg, sizeof(msg));
	else if (strstr(text, "report_utilization") ||
		 strstr(text, "Utilization Design Information"))
		rc = hg_synth_parse_utilization(text, r, msg, sizeof(msg));
	else {
		snprintf(msg, sizeof(msg), "not a csynth .rpt/.xml or report_utilization report");
		rc = -1;
	}
	free(text);
	if (rc)
		snprintf(err, errlen, "%s: %s", path, msg);
	return rc;
}

int hg_synth_load(const char *path, struct hg_synth *r, char *err, size_t errlen)
{
	struct stat st;
	const char *file = path;

	memset(r, 0, sizeof(*r));
	r->latency_min = r->latency_max = r->interval_min = r->interval_max = -1;
	r->accuracy = -1;
	if (stat(path, &st)) {
		snprintf(err, errlen, "%s: no such file or directory", path);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		found_xml[0] = found_rpt[0] = 0;
		nftw(path, visit, 16, FTW_PHYS);
		file = found_xml[0] ? found_xml : found_rpt[0] ? found_rpt : NULL;
		if (!file) {
			snprintf(err, errlen, "%s: no *_csynth.xml or *_csynth.rpt inside", path);
			return -1;
		}
	}
	if (load_file(file, r, err, errlen))
		return -1;
	snprintf(r->path, sizeof(r->path), "%s", file);
	default_name(path, r->name, sizeof(r->name));
	fill_capacity(r);
	return 0;
}
