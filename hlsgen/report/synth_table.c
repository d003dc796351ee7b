// SPDX-License-Identifier: GPL-2.0 OR MIT
/* Table-row helpers for the text report parsers (synth_table.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "synth_table.h"
#include "hlsgen_synth.h"

int synth_row_cells(const char *line, char cells[][SYNTH_CELL_LEN], int max)
{
	const char *p = line;
	int n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '|')
		return -1;
	p++;
	while (*p && *p != '\n' && n < max) {
		const char *end = p;
		size_t len;

		while (*end && *end != '|' && *end != '\n')
			end++;
		if (*end != '|')
			break; /* text after the last bar is not a cell */
		while (p < end && isspace((unsigned char)*p))
			p++;
		len = (size_t)(end - p);
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len >= SYNTH_CELL_LEN)
			len = SYNTH_CELL_LEN - 1;
		memcpy(cells[n], p, len);
		cells[n][len] = 0;
		n++;
		p = end + 1;
	}
	return n;
}

int synth_res_column(const char *h)
{
	if (!strcmp(h, "BRAM_18K") || !strcmp(h, "BRAM"))
		return HG_BRAM18K;
	if (!strncmp(h, "DSP", 3))
		return HG_DSP;
	if (!strcmp(h, "FF"))
		return HG_FF;
	if (!strcmp(h, "LUT"))
		return HG_LUT;
	if (!strcmp(h, "URAM"))
		return HG_URAM;
	return -1;
}

double synth_cell_number(const char *cell)
{
	char *end;
	double v;

	while (isspace((unsigned char)*cell))
		cell++;
	if (!*cell || *cell == '-' || *cell == '?')
		return -1;
	v = strtod(cell, &end);
	if (end == cell)
		return -1;
	return v;
}

void synth_copy_line_value(const char *p, char *buf, size_t len)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (p[n] && p[n] != '\n' && p[n] != '\r')
		n++;
	while (n && isspace((unsigned char)p[n - 1]))
		n--;
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = 0;
}
