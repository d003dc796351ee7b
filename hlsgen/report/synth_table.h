/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * synth_table.h - helpers shared by the text-report parsers: splitting an
 * ASCII table row "| a | b |" into trimmed cells, and matching resource
 * column names to enum hg_res_kind.
 */
#ifndef HG_SYNTH_TABLE_H
#define HG_SYNTH_TABLE_H

#include <stddef.h>

#define SYNTH_MAX_CELLS 16
#define SYNTH_CELL_LEN	64

/* Cells of a table row (line starting with '|'); returns the count or -1. */
int synth_row_cells(const char *line, char cells[][SYNTH_CELL_LEN], int max);
/* Resource a column header names ("BRAM_18K", "DSP48E", "DSP", ...), or -1. */
int synth_res_column(const char *header);
/* A number from a cell ("1613", "4.368 ns", "60.5"); -1 when "-", "?" or empty. */
double synth_cell_number(const char *cell);
/* Copy of line [p, end of line) into buf, trimmed. */
void synth_copy_line_value(const char *p, char *buf, size_t len);

#endif /* HG_SYNTH_TABLE_H */
