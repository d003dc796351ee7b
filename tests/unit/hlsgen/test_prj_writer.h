/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * test_prj_writer.h - writes an hls4ml project directory for a .qnn model
 * the way hls4ml's writer (writer/vivado_writer.py and its firmware
 * templates) lays it out: hls4ml_config.yml, firmware/defines.h with one
 * `typedef` per type, firmware/<project>.cpp with one
 * `nnet::f<in_t, out_t, config>(...); // <layer>` call per layer,
 * firmware/parameters.h with `// <layer>` and its config struct, and
 * firmware/weights/w<N>.txt, b<N>.txt with the values printed as
 * hls4ml prints them (max(0, F) decimals). Two flavours: 0.8 (layer<N>_t,
 * weight<N>_t, io_parallel types, the 0.8 softmax config with table_size)
 * and 1.x io_stream (types inside nnet::array, the <layer>_<var>_t names
 * hls4ml's get_precision gives LayerName precisions, the 1.x softmax config
 * with exp_/inv_table_size, accum_t, inv_inp_t, inp_norm_t); a max pooling's
 * accum_t in both. hls4ml itself
 * is not here: the content comes from the model, the layout from its
 * writer and templates. Flatten and Dropout get no call, as in hls4ml.
 */
#ifndef TEST_PRJ_WRITER_H
#define TEST_PRJ_WRITER_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qnn_model.h"

static const char *prj_tstr(const struct qnn_fixed_type *t, char *b, size_t n)
{
	static const char *const q[] = {"AP_TRN",      "AP_RND",     "AP_RND_CONV",
					"AP_RND_ZERO", "AP_RND_INF", "AP_RND_MIN_INF",
					"AP_TRN_ZERO"};
	static const char *const o[] = {"AP_WRAP", "AP_SAT", "AP_SAT_SYM", "AP_SAT_ZERO"};

	if (!t->rounding && !t->overflow)
		snprintf(b, n, "%s<%u,%d>", t->is_signed ? "ap_fixed" : "ap_ufixed", t->width,
			 t->int_bits);
	else
		snprintf(b, n, "%s<%u,%d,%s,%s>", t->is_signed ? "ap_fixed" : "ap_ufixed", t->width,
			 t->int_bits, q[t->rounding % 7], o[t->overflow % 4]);
	return b;
}

static void prj_values(const char *path, const int32_t *codes, size_t n,
		       const struct qnn_fixed_type *t)
{
	FILE *f = fopen(path, "w");
	int fbits = t->width - t->int_bits;

	for (size_t i = 0; i < n; i++) {
		double v = codes[i];

		for (int k = 0; k < fbits; k++)
			v /= 2;
		fprintf(f, "%s%.*f", i ? ", " : "", fbits > 0 ? fbits : 0, v);
	}
	fclose(f);
}

/* A 1.x softmax config type: its typedef in defines.h, its use in parameters.h. */
static void prj_softmax_type(FILE *def, FILE *par, const char *layer, const char *what,
			     const struct qnn_fixed_type *t)
{
	char a[64];

	if (!t->width)
		return; /* hls4ml's default, which the model leaves implicit */
	fprintf(def, "typedef %s %s_%s_t;\n", prj_tstr(t, a, sizeof(a)), layer, what);
	fprintf(par, "    typedef %s_%s_t %s_t;\n", layer, what, what);
}

static const char *prj_func(unsigned kind)
{
	switch (kind) {
	case QNN_LAYER_CONV2D:
		return "conv_2d_cl";
	case QNN_LAYER_DENSE:
		return "dense";
	case QNN_LAYER_RELU:
		return "relu";
	case QNN_LAYER_LINEAR:
		return "linear";
	case QNN_LAYER_MAXPOOL2D:
		return "pooling2d_cl";
	case QNN_LAYER_SOFTMAX:
		return "softmax";
	}
	return NULL;
}

/* One layer's name of a type: 0.8 style (layer2_t) or 1.x (q_conv2d_result_t). */
static void prj_tname(char *b, size_t n, int v1, const char *layer, unsigned idx, const char *what)
{
	if (v1)
		snprintf(b, n, "%s_%s_t", layer, what);
	else if (!strcmp(what, "result"))
		snprintf(b, n, "layer%u_t", idx);
	else if (!strcmp(what, "accum"))
		snprintf(b, n, "layer%u_accum_t", idx);
	else
		snprintf(b, n, "%s%u_t", what, idx);
}

/* Writes dir (created) for model m; config is copied as hls4ml_config.yml. */
static void prj_write(const char *dir, const struct qnn_model *m, const char *config, int v1)
{
	char p[1024], a[64], prev[96] = "input_t", tn[96], wn[96], bn[96], an[96];
	FILE *def, *cpp, *par, *src, *dst;
	int c;

	snprintf(p, sizeof(p), "%s/firmware/weights", dir);
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/firmware", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/firmware/weights", dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/hls4ml_config.yml", dir);
	src = fopen(config, "r");
	dst = fopen(p, "w");
	while ((c = fgetc(src)) != EOF)
		fputc(c, dst);
	fclose(src);
	fclose(dst);

	snprintf(p, sizeof(p), "%s/firmware/defines.h", dir);
	def = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/firmware/myproject.cpp", dir);
	cpp = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/firmware/parameters.h", dir);
	par = fopen(p, "w");
	fprintf(def, "#ifndef DEFINES_H_\n#define DEFINES_H_\n\n#include \"ap_fixed.h\"\n"
		     "#include \"ap_int.h\"\n#include \"nnet_utils/nnet_types.h\"\n\n"
		     "// hls-fpga-machine-learning insert numbers\n\n"
		     "// hls-fpga-machine-learning insert layer-precision\n");
	fprintf(def, v1 ? "typedef nnet::array<%s, 1*1> input_t;\n" : "typedef %s input_t;\n",
		prj_tstr(&m->hdr->input_t, a, sizeof(a)));
	fprintf(def, "typedef ap_fixed<16,6> model_default_t;\n");
	fprintf(cpp,
		"#include <iostream>\n\n#include \"myproject.h\"\n#include \"parameters.h\"\n\n"
		"void myproject(\n    hls::stream<input_t> &input_1,\n"
		"    hls::stream<result_t> &layer_out\n) {\n\n"
		"    // hls-fpga-machine-learning insert layers\n\n");
	fprintf(par, "#ifndef PARAMETERS_H_\n#define PARAMETERS_H_\n\n#include \"ap_fixed.h\"\n\n"
		     "// hls-fpga-machine-learning insert weights\n\n"
		     "// hls-fpga-machine-learning insert layer-config\n");
	for (uint32_t i = 0; i < m->n_layers; i++) {
		const struct qnn_layer_rec *r = m->layers[i].rec;
		const char *f = prj_func(r->kind);
		unsigned idx = i + 2; /* hls4ml: the input layer is 1 */

		if (!f)
			continue;
		prj_tname(tn, sizeof(tn), v1, r->name, idx, "result");
		if (v1) /* io_stream: one stream element carries a pixel's channels */
			fprintf(def, "typedef nnet::array<%s, %u*1> %s;\n",
				prj_tstr(&r->result_t, a, sizeof(a)), r->out_c, tn);
		else
			fprintf(def, "typedef %s %s;\n", prj_tstr(&r->result_t, a, sizeof(a)), tn);
		fprintf(par, "// %s\nstruct config%u : nnet::%s_config {\n", r->name, idx, f);
		fprintf(par, "    static const unsigned n_in = %u;\n", r->in_h * r->in_w * r->in_c);
		if (r->kind == QNN_LAYER_CONV2D || r->kind == QNN_LAYER_DENSE) {
			prj_tname(wn, sizeof(wn), v1, r->name, idx, "weight");
			prj_tname(bn, sizeof(bn), v1, r->name, idx, "bias");
			prj_tname(an, sizeof(an), v1, r->name, idx, "accum");
			fprintf(def, "typedef %s %s;\n", prj_tstr(&r->weight_t, a, sizeof(a)), wn);
			fprintf(def, "typedef %s %s;\n", prj_tstr(&r->bias_t, a, sizeof(a)), bn);
			fprintf(def, "typedef %s %s;\n", prj_tstr(&r->accum_t, a, sizeof(a)), an);
			fprintf(par,
				"    typedef %s accum_t;\n    typedef %s bias_t;\n"
				"    typedef %s weight_t;\n",
				an, bn, wn);
			fprintf(
			    cpp,
			    "    nnet::%s<%s, %s, config%u>(%s, layer%u_out, w%u, b%u); // %s\n", f,
			    prev, tn, idx, i ? "layer_in" : "input_1", idx, idx, idx, r->name);
			snprintf(p, sizeof(p), "%s/firmware/weights/w%u.txt", dir, idx);
			prj_values(p, m->layers[i].weights,
				   (size_t)(r->kind == QNN_LAYER_CONV2D ? r->kernel_h * r->kernel_w
									: r->in_h * r->in_w) *
				       r->in_c * r->out_c,
				   &r->weight_t);
			snprintf(p, sizeof(p), "%s/firmware/weights/b%u.txt", dir, idx);
			prj_values(p, m->layers[i].bias, m->layers[i].bias ? r->out_c : 0,
				   &r->bias_t);
		} else {
			if (r->kind == QNN_LAYER_MAXPOOL2D) {
				/* pooling2d_config_template's accum_t; a 0.8 model
				 * records none: hls4ml's model default then */
				prj_tname(an, sizeof(an), v1, r->name, idx, "accum");
				if (!r->accum_t.width)
					snprintf(an, sizeof(an), "model_default_t");
				else
					fprintf(def, "typedef %s %s;\n",
						prj_tstr(&r->accum_t, a, sizeof(a)), an);
				fprintf(par, "    typedef %s accum_t;\n", an);
			}
			if (r->kind == QNN_LAYER_SOFTMAX) {
				fprintf(def, "typedef %s %s_exp_table_t;\n",
					prj_tstr(&r->exp_table_t, a, sizeof(a)), r->name);
				fprintf(def, "typedef %s %s_inv_table_t;\n",
					prj_tstr(&r->inv_table_t, a, sizeof(a)), r->name);
				if (v1) { /* 1.x's softmax_config_template */
					fprintf(par,
						"    static const unsigned exp_table_size = %u;\n"
						"    static const unsigned inv_table_size = %u;\n"
						"    typedef %s_exp_table_t exp_table_t;\n"
						"    typedef %s_inv_table_t inv_table_t;\n",
						r->table_size, r->table_size, r->name, r->name);
					prj_softmax_type(def, par, r->name, "accum", &r->accum_t);
					prj_softmax_type(def, par, r->name, "inv_inp",
							 &r->inv_inp_t);
					prj_softmax_type(def, par, r->name, "inp_norm",
							 &r->inp_norm_t);
				} else /* 0.8's */
					fprintf(par,
						"    static const unsigned table_size = %u;\n"
						"    typedef %s_exp_table_t exp_table_t;\n"
						"    typedef %s_inv_table_t inv_table_t;\n",
						r->table_size, r->name, r->name);
			}
			fprintf(cpp,
				"    nnet::%s<%s, %s, config%u>(layer_in, layer%u_out); // %s\n", f,
				prev, tn, idx, idx, r->name);
		}
		fprintf(par, "};\n\n");
		snprintf(prev, sizeof(prev), "%s", tn);
	}
	fprintf(def, "\n#endif\n");
	fprintf(cpp, "\n}\n");
	fprintf(par, "\n#endif\n");
	fclose(def);
	fclose(cpp);
	fclose(par);
}

#endif
