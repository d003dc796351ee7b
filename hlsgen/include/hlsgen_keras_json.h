/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_keras_json.h - the one reader of a Keras/QKeras model.to_json()
 * document (json-c, hlsgen/host/keras/keras_model_json.c and
 * keras_layer_json.c), for the importer (hlsgen/import/keras_layers.c) and the trainer
 * (hlsgen/train/io/keras_spec_read.c). It walks the document once and hands
 * back a plain description: model name, input shape and, per layer, its
 * class, name and the config fields either tool uses, decoded and
 * range-checked, quantizers through the one QKeras parser (hlsgen_qkeras.h).
 *
 * What neither tool models is refused here, naming the layer and the field
 * (dilation, groups, channels_first, unknown layer classes and activations,
 * quantized_relu on weights, ...). What one tool models and the other does
 * not ('same' pooling, ReLU and Softmax layers, po2 activations) is left to
 * that tool. No json-c type appears below: the callers never see the JSON.
 */
#ifndef HLSGEN_KERAS_JSON_H
#define HLSGEN_KERAS_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "hlsgen_qkeras.h"
#include "qnn_model.h"

/* The layer classes read (Keras' and QKeras' names in the comments). */
enum hg_keras_class {
	HG_KC_CONV2D = 1,  /* Conv2D, QConv2D */
	HG_KC_DENSE,	   /* Dense, QDense */
	HG_KC_MAXPOOL,	   /* MaxPooling2D (and its alias MaxPool2D) */
	HG_KC_ACTIVATION,  /* Activation */
	HG_KC_QACTIVATION, /* QActivation */
	HG_KC_RELU,	   /* ReLU without max_value, negative_slope, threshold */
	HG_KC_SOFTMAX,	   /* Softmax */
	HG_KC_FLATTEN,	   /* Flatten */
	HG_KC_DROPOUT,	   /* Dropout */
};

/* A Keras activation given by name. */
enum hg_keras_act {
	HG_KA_NONE = 0, /* absent or null */
	HG_KA_LINEAR,
	HG_KA_RELU,
	HG_KA_SOFTMAX,
};

struct hg_keras_layer {
	char class_name[32];	 /* as written: "QConv2D", "MaxPool2D", ... */
	char name[QNN_NAME_LEN]; /* longer names are refused */
	int cls;		 /* enum hg_keras_class */
	int quantized;		 /* a QKeras class: its quantizer fields were read */
	int units;		 /* Conv2D filters, Dense units: 1..QNN_MAX_DIM */
	int kh, kw;		 /* Conv2D kernel_size, MaxPooling2D pool_size (default 2) */
	int sh, sw;		 /* strides (default 1; pooling: the pool size) */
	int same_padding;	 /* Conv2D, MaxPooling2D: 'same' (else 'valid') */
	int use_bias;		 /* Conv2D, Dense (default true) */
	/*
	 * enum hg_keras_act: a Conv2D/Dense activation=, an Activation's, a
	 * QActivation's when given by a Keras name ("relu", "linear", "softmax")
	 */
	int activation;
	struct hg_quantizer kernel_q, bias_q; /* QConv2D, QDense; no bias: bias_q unread */
	struct hg_quantizer act_q;	      /* QActivation given as a quantizer */
	float rate;			      /* Dropout, 0..1 */
};

struct hg_keras_model {
	char name[QNN_NAME_LEN];	/* the model's config.name, or "model" (cut to fit) */
	char input_layer[QNN_NAME_LEN]; /* name of the leading InputLayer, "" when none */
	uint32_t in_h, in_w, in_c;
	size_t n_layers; /* the layers after the input */
	struct hg_keras_layer *layers;
};

/*
 * Read the JSON text (or the file at path) into *m. 0, or a negative errno
 * code with a message in err naming the layer and the field (and the file);
 * nothing to free on failure. Quantizer arguments the parser does not know
 * are ignored (HG_QK_LENIENT: a model written by a newer QKeras).
 */
int hg_keras_model_from_text(const char *text, struct hg_keras_model *m, char *err, size_t errlen);
int hg_keras_model_from_file(const char *path, struct hg_keras_model *m, char *err, size_t errlen);
void hg_keras_model_free(struct hg_keras_model *m);

/* "linear", "relu", "softmax"; NULL for HG_KA_NONE. */
const char *hg_keras_act_name(int act);

#endif
