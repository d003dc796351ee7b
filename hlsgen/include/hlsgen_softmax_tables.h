/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_softmax_tables.h - host-side construction of a softmax layer's
 * exp and inverse tables, as the chosen hls4ml version's templates build
 * them (entries evaluated in floating point, rounded to the table types).
 * The importer and the trainer store the result in the .qnn file; the
 * engine (freestanding) only indexes the tables, with the same index rule.
 */
#ifndef HLSGEN_SOFTMAX_TABLES_H
#define HLSGEN_SOFTMAX_TABLES_H

#include "qnn_model.h"

/*
 * rec: a softmax layer record with softmax_impl, softmax_rule, table_size,
 * exp_table_t and inv_table_t filled in. in_t: the type of the codes that
 * enter the softmax (the previous layer's result_t). exp_table and
 * inv_table: rec->table_size entries each (ignored for the argmax impl).
 * Returns 0 or a negative errno-style code.
 */
int hlsgen_softmax_tables(const struct qnn_layer_rec *rec, const struct qnn_fixed_type *in_t,
			  int32_t *exp_table, int32_t *inv_table);

#endif
