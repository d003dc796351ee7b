// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Vivado HLS / Vitis HLS `<top>_csynth.rpt`: the header (tool, version,
 * part), the ap_clk timing row, the first row of the latency summary
 * (latency min/max, interval min/max) and the utilization summary's Total
 * and Available rows, columns found by their names (DSP48E in Vivado HLS,
 * DSP in Vitis HLS; URAM absent on older parts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_synth.h"
#include "synth_table.h"

struct rpt_state {
	int in_latency, in_util;
	int col[SYNTH_MAX_CELLS]; /* resource of each utilization column, -1 none */
	int have_header, have_total;
	char family[32], version[32];
};

static void header_line(const char *line, struct hg_synth *r, struct rpt_state *s)
{
	const char *p;

	if ((p = strstr(line, " HLS Report for '"))) {
		const char *q = strchr(p + 17, '\'');
		size_t n = q ? (size_t)(q - (p + 17)) : 0;

		snprintf(s->family, sizeof(s->family), "%s",
			 strstr(line, "Vitis") ? "Vitis HLS" : "Vivado HLS");
		if (n && n < sizeof(r->top)) {
			memcpy(r->top, p + 17, n);
			r->top[n] = 0;
		}
	} else if ((p = strstr(line, "* Version:"))) {
		sscanf(p + 10, "%31s", s->version);
	} else if ((p = strstr(line, "* Target device:"))) {
		synth_copy_line_value(p + 16, r->part, sizeof(r->part));
	}
}

static void table_line(const char *line, struct hg_synth *r, struct rpt_state *s)
{
	char cells[SYNTH_MAX_CELLS][SYNTH_CELL_LEN];
	int n = synth_row_cells(line, cells, SYNTH_MAX_CELLS);

	if (n < 2)
		return;
	if (!strcmp(cells[0], "ap_clk") && n >= 3 && synth_cell_number(cells[1]) > 0) {
		/* the timing summary's row; the interface table has an ap_clk port too */
		r->clock_target_ns = synth_cell_number(cells[1]);
		r->clock_est_ns = synth_cell_number(cells[2]);
		return;
	}
	if (s->in_latency && n >= 6 && synth_cell_number(cells[0]) >= 0) {
		r->latency_min = (long)synth_cell_number(cells[0]);
		r->latency_max = (long)synth_cell_number(cells[1]);
		r->interval_min = (long)synth_cell_number(cells[4]);
		r->interval_max = (long)synth_cell_number(cells[5]);
		s->in_latency = 0;
		return;
	}
	if (!s->in_util)
		return;
	if (!s->have_header && !strcmp(cells[0], "Name")) {
		for (int i = 0; i < n; i++)
			s->col[i] = synth_res_column(cells[i]);
		s->have_header = 1;
		return;
	}
	if (s->have_header && (!strcmp(cells[0], "Total") || !strcmp(cells[0], "Available"))) {
		int total = !strcmp(cells[0], "Total");

		for (int i = 1; i < n; i++) {
			double v = synth_cell_number(cells[i]);

			if (s->col[i] < 0 || v < 0)
				continue;
			if (total) {
				r->used[s->col[i]] = v;
				r->have[s->col[i]] = 1;
			} else {
				r->avail[s->col[i]] = v;
			}
		}
		if (total)
			s->have_total = 1;
		else
			s->in_util = 0; /* the first summary table is the design's */
	}
}

int hg_synth_parse_rpt(const char *text, struct hg_synth *r, char *err, size_t errlen)
{
	struct rpt_state s;
	const char *line = text;

	memset(&s, 0, sizeof(s));
	memset(s.col, 0xff, sizeof(s.col));
	r->source = HG_SRC_CSYNTH_RPT;
	while (line && *line) {
		const char *next = strchr(line, '\n');

		header_line(line, r, &s);
		if (strstr(line, "+ Latency:"))
			s.in_latency = 1;
		if (strstr(line, "== Utilization Estimates"))
			s.in_util = 1;
		table_line(line, r, &s);
		line = next ? next + 1 : NULL;
	}
	if (!s.family[0]) {
		snprintf(err, errlen, "not a Vivado/Vitis HLS csynth report (no 'HLS Report for')");
		return -1;
	}
	if (!s.have_total) {
		snprintf(err, errlen, "no utilization summary (Total row) in the report");
		return -1;
	}
	snprintf(r->tool, sizeof(r->tool), "%s %s", s.family, s.version);
	return 0;
}
