// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Vivado `report_utilization` text (after synthesis or placement): the
 * header's tool version, design and device, and the Site Type tables'
 * Used/Available columns (found by name: newer versions add "Prohibited")
 * for CLB/Slice LUTs, CLB/Slice Registers, Block RAM Tile (36 Kb tiles,
 * reported here as 18 Kb halves like HLS does), URAM and DSPs.
 */
#include <stdio.h>
#include <string.h>

#include "hlsgen_synth.h"
#include "synth_table.h"

static int site_resource(const char *site, double *scale)
{
	char s[SYNTH_CELL_LEN];
	size_t n;

	snprintf(s, sizeof(s), "%s", site);
	n = strlen(s);
	while (n && s[n - 1] == '*') /* "Slice LUTs*": footnoted */
		s[--n] = 0;
	*scale = 1.0;
	if (!strcmp(s, "CLB LUTs") || !strcmp(s, "Slice LUTs"))
		return HG_LUT;
	if (!strcmp(s, "CLB Registers") || !strcmp(s, "Slice Registers"))
		return HG_FF;
	if (!strcmp(s, "DSPs"))
		return HG_DSP;
	if (!strcmp(s, "URAM"))
		return HG_URAM;
	if (!strcmp(s, "Block RAM Tile")) {
		*scale = 2.0;
		return HG_BRAM18K;
	}
	return -1;
}

int hg_synth_parse_utilization(const char *text, struct hg_synth *r, char *err, size_t errlen)
{
	const char *line = text;
	int used_col = -1, avail_col = -1, found = 0, is_util = 0;
	char version[32] = "";

	r->source = HG_SRC_UTILIZATION;
	while (line && *line) {
		const char *next = strchr(line, '\n'), *p;
		char cells[SYNTH_MAX_CELLS][SYNTH_CELL_LEN];
		int n;

		size_t len = next ? (size_t)(next - line) : strlen(line);

		if (!strncmp(line, "| ", 2) && (p = memchr(line, ':', len)) &&
		    !memchr(line + 1, '|', len - 1)) {
			/* header block: "| Key          : value" */
			char key[32];

			synth_copy_line_value(line + 2, key, sizeof(key));
			key[strcspn(key, ":")] = 0;
			for (size_t k = strlen(key); k && key[k - 1] == ' '; k--)
				key[k - 1] = 0;
			if (!strcmp(key, "Tool Version"))
				sscanf(p + 1, " Vivado v.%31s", version);
			else if (!strcmp(key, "Device"))
				synth_copy_line_value(p + 1, r->part, sizeof(r->part));
			else if (!strcmp(key, "Design"))
				synth_copy_line_value(p + 1, r->top, sizeof(r->top));
			else if (!strcmp(key, "Command") && strstr(p, "report_utilization"))
				is_util = 1;
		}
		n = synth_row_cells(line, cells, SYNTH_MAX_CELLS);
		if (n > 2 && !strcmp(cells[0], "Site Type")) {
			used_col = avail_col = -1;
			for (int i = 1; i < n; i++) {
				if (!strcmp(cells[i], "Used"))
					used_col = i;
				else if (!strcmp(cells[i], "Available"))
					avail_col = i;
			}
		} else if (n > 2 && used_col > 0) {
			double scale, v;
			int res = site_resource(cells[0], &scale);

			if (res >= 0 && used_col < n &&
			    (v = synth_cell_number(cells[used_col])) >= 0) {
				r->used[res] = v * scale;
				r->have[res] = 1;
				found++;
				if (avail_col > 0 && avail_col < n &&
				    synth_cell_number(cells[avail_col]) > 0)
					r->avail[res] = synth_cell_number(cells[avail_col]) * scale;
			}
		}
		line = next ? next + 1 : NULL;
	}
	if (!is_util || !found) {
		snprintf(err, errlen, "not a Vivado report_utilization report (no Site Type rows)");
		return -1;
	}
	snprintf(r->tool, sizeof(r->tool), "Vivado %s utilization", version);
	return 0;
}
