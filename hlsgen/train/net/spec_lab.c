// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The lab's MNIST CNN (docs/users.md; shared/models/qkeras_mnist_cnn.json):
 * QConv2D(16, 3x3, relu) -> QActivation -> MaxPool 2 -> QConv2D(16, 3x3,
 * relu) -> QActivation -> MaxPool 2 -> Flatten -> Dropout(0.5) -> QDense(10)
 * -> softmax, with the layer names Keras gives them, so hls4ml configs
 * written for the published model apply to ours too.
 */
#include <stdio.h>
#include <string.h>

#include "hlsgen_train.h"

static struct hg_layer_spec *add(struct hg_net_spec *s, const char *name, int kind)
{
	struct hg_layer_spec *l = &s->layers[s->n_layers++];

	memset(l, 0, sizeof(*l));
	snprintf(l->name, sizeof(l->name), "%s", name);
	l->kind = kind;
	return l;
}

static void conv(struct hg_net_spec *s, const char *name, const struct hg_quantizer *kq,
		 const struct hg_quantizer *bq)
{
	struct hg_layer_spec *l = add(s, name, HG_L_CONV2D);

	l->units = 16;
	l->kh = l->kw = 3;
	l->sh = l->sw = 1;
	l->use_bias = 1;
	l->activation = HG_ACT_RELU;
	l->kernel_q = *kq;
	l->bias_q = *bq;
	l->prunable = 1;
}

static void act(struct hg_net_spec *s, const char *name, const struct hg_quantizer *aq)
{
	struct hg_layer_spec *l = add(s, name, HG_L_ACT);

	l->act_q = *aq;
	l->activation = aq->kind == HG_Q_NONE ? HG_ACT_RELU : HG_ACT_QUANT;
}

static void pool(struct hg_net_spec *s, const char *name)
{
	struct hg_layer_spec *l = add(s, name, HG_L_MAXPOOL);

	l->kh = l->kw = l->sh = l->sw = 2;
}

void hg_spec_lab_cnn(struct hg_net_spec *s, const struct hg_quantizer *kernel_q,
		     const struct hg_quantizer *bias_q, const struct hg_quantizer *act_q)
{
	struct hg_layer_spec *l;

	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "lab_cnn");
	s->in_h = s->in_w = 28;
	s->in_c = 1;
	conv(s, "q_conv2d", kernel_q, bias_q);
	act(s, "q_activation", act_q);
	pool(s, "max_pooling2d");
	conv(s, "q_conv2d_1", kernel_q, bias_q);
	act(s, "q_activation_1", act_q);
	pool(s, "max_pooling2d_1");
	add(s, "flatten", HG_L_FLATTEN);
	add(s, "dropout", HG_L_DROPOUT)->rate = 0.5f;
	l = add(s, "q_dense", HG_L_DENSE);
	l->units = 10;
	l->use_bias = 1;
	l->activation = HG_ACT_LINEAR;
	l->kernel_q = *kernel_q;
	l->bias_q = *bias_q;
	l->prunable = 1;
	add(s, "softmax", HG_L_SOFTMAX);
}
