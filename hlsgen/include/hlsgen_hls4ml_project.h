/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_hls4ml_project.h - an hls4ml project directory (what hls4ml's
 * writer leaves for HLS: firmware/defines.h, parameters.h, <project>.cpp,
 * weights/<array>.txt, hls4ml_config.yml) read back, so the bit-exact model
 * carries exactly the types and weights that were synthesized. The layer
 * graph comes from the Keras import of the same model with the project's
 * own hls4ml_config.yml; every type and weight is then taken from the
 * project and each difference from the Keras import reported.
 * Implemented in hlsgen/import/hls4ml_project*.c.
 */
#ifndef HLSGEN_HLS4ML_PROJECT_H
#define HLSGEN_HLS4ML_PROJECT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "qnn_model.h"

/* One layer as the project's sources describe it. */
struct hg_prj_layer {
	char name[QNN_NAME_LEN];
	char func[64];			/* nnet::<func> called in <project>.cpp */
	struct qnn_fixed_type result_t; /* the call's output type */
	struct qnn_fixed_type weight_t; /* parameters.h typedefs (width 0: none) */
	struct qnn_fixed_type bias_t;
	struct qnn_fixed_type accum_t;
	struct qnn_fixed_type exp_table_t; /* softmax */
	struct qnn_fixed_type inv_table_t;
	struct qnn_fixed_type inp_norm_t; /* softmax, hls4ml >= 1.2 */
	struct qnn_fixed_type inv_inp_t;
	uint32_t table_size;	 /* 0.8: table_size; 1.x: exp_table_size */
	uint32_t inv_table_size; /* 1.x: inv_table_size (0: as table_size) */
	double *weights, *bias;	 /* weights/<w>.txt, <b>.txt values (malloc'ed) */
	size_t n_weights, n_bias;
};

struct hg_prj {
	char project[64]; /* ProjectName */
	struct qnn_fixed_type input_t;
	struct hg_prj_layer *layers;
	size_t n_layers;
};

/* Read DIR's firmware/ sources. 0 or a negative errno code + message. */
int hg_prj_load(const char *dir, struct hg_prj *p, char *err, size_t errlen);
void hg_prj_free(struct hg_prj *p);

/*
 * Import DIR: Keras JSON + HDF5 with DIR/hls4ml_config.yml under hls4ml
 * major.minor rules, then every type and weight of the project put in.
 * The differences from the plain Keras import are printed to report (one
 * line each) and counted in *n_diff. *buf is the .qnn image (free() it).
 */
int hg_prj_import(const char *dir, const char *json, const char *h5, int major, int minor,
		  FILE *report, unsigned *n_diff, void **buf, size_t *len, char *err,
		  size_t errlen);

#endif
