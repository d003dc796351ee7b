/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * hlsgen_train.h - quantization-aware training of feed-forward networks of
 * the engine's layers, equivalent to QKeras + TF-MOT pruning + Keras' Adam
 * and callbacks (hlsgen/train/README.md). Float32, NHWC (Keras'
 * channels_last), data-parallel over the samples of a batch with a fixed
 * partition, so a run is reproducible for a given seed and thread count.
 */
#ifndef HLSGEN_TRAIN_H
#define HLSGEN_TRAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hlsgen_qkeras.h"

#define HG_MAX_LAYERS 48
#define HG_NAME_LEN   48

enum hg_layer_kind {
	HG_L_CONV2D = 1,  /* QConv2D / Conv2D, optional inner activation */
	HG_L_DENSE = 2,	  /* QDense / Dense, optional inner activation */
	HG_L_ACT = 3,	  /* Activation / QActivation */
	HG_L_MAXPOOL = 4, /* MaxPooling2D, 'valid' padding */
	HG_L_FLATTEN = 5,
	HG_L_DROPOUT = 6,
	HG_L_SOFTMAX = 7, /* Activation('softmax'); must be the last layer */
};

enum hg_act {
	HG_ACT_LINEAR = 0,
	HG_ACT_RELU = 1,
	HG_ACT_QUANT = 2, /* the layer's act_q quantizer (QActivation) */
};

struct hg_layer_spec {
	char name[HG_NAME_LEN];
	int kind; /* enum hg_layer_kind */
	/* conv2d / dense */
	int units;	    /* filters or units */
	int kh, kw, sh, sw; /* conv kernel and strides; pool window and strides */
	int same_padding;   /* conv: 'same' instead of 'valid' */
	int use_bias;
	int activation; /* enum hg_act: inner activation, or the ACT layer's */
	struct hg_quantizer kernel_q, bias_q;
	int prunable; /* magnitude pruning applies to the kernel */
	/* act */
	struct hg_quantizer act_q;
	/* dropout */
	float rate;
};

struct hg_net_spec {
	char name[HG_NAME_LEN];
	int in_h, in_w, in_c;
	int n_layers;
	struct hg_layer_spec layers[HG_MAX_LAYERS];
};

/* A labelled data set in memory: x is n * h * w * c floats, NHWC. */
struct hg_data {
	size_t n;
	int h, w, c;
	int n_classes;
	float *x;
	uint8_t *y;
};

enum hg_prune_kind {
	HG_PRUNE_NONE = 0,
	HG_PRUNE_CONSTANT = 1,	 /* TF-MOT ConstantSparsity */
	HG_PRUNE_POLYNOMIAL = 2, /* TF-MOT PolynomialDecay */
};

struct hg_prune_schedule {
	int kind;		   /* enum hg_prune_kind */
	float target_sparsity;	   /* constant: target; polynomial: final */
	float initial_sparsity;	   /* polynomial */
	long begin_step, end_step; /* end_step -1: forever (constant only) */
	long frequency;
	float power; /* polynomial exponent (TF-MOT default 3) */
};

struct hg_train_config {
	int epochs;
	int batch_size;
	float lr, beta1, beta2, epsilon; /* Keras Adam */
	float val_split;		 /* last fraction held out, as Keras */
	uint64_t seed;
	int threads;
	struct hg_prune_schedule prune;
	/* ReduceLROnPlateau on val_loss (patience 0: off) */
	int lr_patience, lr_cooldown;
	float lr_factor, lr_min_delta, lr_min;
	/* EarlyStopping on val_loss (patience 0: off) */
	int stop_patience;
	float stop_min_delta;
	int restore_best;
	int clip_constraint; /* QKeras' Clip(-max, max) kernel/bias constraints */
	int no_shuffle;      /* Keras' shuffle=False: batches in data order */
	int progress;	     /* 0 quiet, 1 a line per epoch, 2 live bar */
};

struct hg_epoch_log {
	float loss, acc, val_loss, val_acc, lr;
	double seconds;
};

struct hg_train_result {
	int epochs_run;
	int stopped_early;
	long steps;
	double seconds; /* training only, validation excluded */
	double seconds_with_val;
	struct hg_epoch_log hist[1024];
};

struct hg_net;

/* Defaults of the lab's recipe (hlsgen/train/README.md): Adam 1e-3, batch 32, ... */
void hg_train_config_default(struct hg_train_config *c);

/* Shape-check the spec and allocate. threads >= 1. */
int hg_net_create(struct hg_net **out, const struct hg_net_spec *spec, int threads, char *err,
		  size_t errlen);
void hg_net_free(struct hg_net *net);
const struct hg_net_spec *hg_net_spec_of(const struct hg_net *net);

/* Keras' HeNormal (+ QKeras' QInitializer scaling) kernels, zero biases. */
void hg_net_init_weights(struct hg_net *net, uint64_t seed);

/*
 * Train on d (the last val_split of it is validation, as Keras'
 * validation_split). Progress goes to log (stderr when NULL).
 * Returns 0, or -1 with err set (bad config, NaN loss).
 */
int hg_net_train(struct hg_net *net, const struct hg_train_config *cfg, const struct hg_data *d,
		 struct hg_train_result *res, FILE *log, char *err, size_t errlen);

/*
 * Inference on samples [0, d->n): mean cross-entropy and accuracy.
 * quantized = 0: float weights and plain ReLU in place of quantized
 * activations (the lab's "float" path); 1: QKeras' quantized forward.
 * pred (optional) receives the argmax per sample (lowest index wins).
 */
int hg_net_evaluate(struct hg_net *net, const struct hg_data *d, int quantized, double *loss,
		    double *acc, uint16_t *pred);

/* Training samples Keras' validation_split leaves of n (the rest validate). */
size_t hg_val_split_at(size_t n, float val_split);

/* Softmax outputs for n samples (probs: n * classes), inference mode. */
int hg_net_predict(struct hg_net *net, const float *x, size_t n, int quantized, float *probs);

/*
 * One forward + backward pass in training mode (dropout active, keyed by
 * step) over n samples; leaves the batch-mean gradients readable through
 * hg_net_param() and returns the loss. For gradient checks and tools.
 * din (optional, n * input size) receives d(loss)/d(input).
 */
double hg_net_loss_grad(struct hg_net *net, const float *x, const uint8_t *y, size_t n, long step,
			uint64_t seed, int quantized, float *din);

/* Parameters of layer l (NULL when it has none); count in *n. */
enum hg_param { HG_P_KERNEL, HG_P_BIAS, HG_P_KERNEL_GRAD, HG_P_BIAS_GRAD, HG_P_MASK };
float *hg_net_param(struct hg_net *net, int l, enum hg_param which, size_t *n);

/* Output shape of layer l. */
void hg_net_layer_shape(const struct hg_net *net, int l, int *h, int *w, int *c);

/* Pruning: sparsity of the kernel mask per TF-MOT for a step (tests). */
int hg_prune_should_update(const struct hg_prune_schedule *s, long step, float *sparsity);
/* Set mask[i] = |w[i]| >= k-th largest |w|, k = max(1, rne(n * (1 - s))). */
void hg_prune_mask(const float *w, size_t n, float sparsity, float *mask);

/* ---- model specs ---- */

/* The lab's CNN with the given quantizers (NONE: float); names as Keras'. */
void hg_spec_lab_cnn(struct hg_net_spec *s, const struct hg_quantizer *kernel_q,
		     const struct hg_quantizer *bias_q, const struct hg_quantizer *act_q);
/*
 * A Keras/QKeras Sequential model JSON (model.to_json()), or the small text
 * format of hlsgen/train/net/spec_text.c when the file does not start with '{'.
 */
int hg_spec_from_keras_json(const char *path, struct hg_net_spec *s, char *err, size_t errlen);
/* The small text format from memory. */
int hg_spec_from_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen);
/* Parse the same JSON from memory. */
int hg_spec_from_keras_json_text(const char *text, struct hg_net_spec *s, char *err, size_t errlen);

/* ---- outputs ---- */

/* Keras JSON with QKeras layer configs (same shape as model.to_json()). */
char *hg_keras_json_string(const struct hg_net_spec *s); /* malloc'ed */
int hg_keras_write_json(const struct hg_net_spec *s, const char *path, char *err, size_t errlen);
/* Keras HDF5 weights: /<layer>/<layer>/kernel:0 etc., masked float weights. */
int hg_keras_write_h5(struct hg_net *net, const char *path, char *err, size_t errlen);
/* Float checkpoint of our own format (README): spec JSON + weights + masks. */
int hg_checkpoint_write(struct hg_net *net, const char *path, char *err, size_t errlen);
int hg_checkpoint_read(const char *path, int threads, struct hg_net **out, char *err,
		       size_t errlen);

/* ---- data ---- */

/* Keep the first n samples (for short runs); returns the new count. */
size_t hg_data_truncate(struct hg_data *d, size_t n);
void hg_data_free(struct hg_data *d);

#endif /* HLSGEN_TRAIN_H */
