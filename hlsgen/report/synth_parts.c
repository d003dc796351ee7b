// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Capacities of the parts the lab's boards carry, for percentages when a
 * report does not state them and for the estimate. Figures from the
 * devices' product tables (BRAM counted as 18 Kb halves, as HLS does).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hlsgen_synth.h"

const char *const hg_res_name[HG_RES_COUNT] = {"BRAM_18K", "DSP", "FF", "LUT", "URAM"};

static const struct {
	const char *prefix; /* device name, lower case, without package/speed */
	const char *board;
	double cap[HG_RES_COUNT];
} parts[] = {
    {"xczu7ev", "zcu104", {624, 1728, 460800, 230400, 96}},
    {"xczu9eg", "zcu102", {1824, 2520, 548160, 274080, 0}},
    {"xczu3eg", "ultra96", {432, 360, 141120, 70560, 0}},
    {"xc7z020", "pynq-z2", {280, 220, 106400, 53200, 0}},
    {"xcvu9p", "vcu118", {4320, 6840, 2364480, 1182240, 960}},
    {"xcku115", "kcu1500", {4320, 5520, 1326720, 663360, 0}},
};

int hg_part_capacity(const char *part, double avail[HG_RES_COUNT], char *canonical, size_t len)
{
	char low[64];
	size_t i;

	for (i = 0; part[i] && i < sizeof(low) - 1; i++)
		low[i] = (char)tolower((unsigned char)part[i]);
	low[i] = 0;
	for (size_t k = 0; k < sizeof(parts) / sizeof(parts[0]); k++) {
		if (strncmp(low, parts[k].prefix, strlen(parts[k].prefix)) &&
		    strcmp(low, parts[k].board))
			continue;
		memcpy(avail, parts[k].cap, sizeof(parts[k].cap));
		if (canonical)
			snprintf(canonical, len, "%s", parts[k].prefix);
		return 0;
	}
	return -1;
}
