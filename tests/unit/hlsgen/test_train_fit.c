// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_train_fit.c - the training loop end to end on a small synthetic
 * image task (which quadrant holds a bright patch): a quantized CNN with
 * pruning learns it; the same seed and thread count give bit-identical
 * weights, another seed does not; the kernels end exactly as sparse as
 * TF-MOT's rule makes them; bad configurations and non-finite data are
 * refused with a message instead of producing a model.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hlsgen_train.h"

#define SIDE 8

static void make_data(struct hg_data *d, size_t n, uint64_t seed)
{
	uint64_t s = seed;

	d->n = n;
	d->h = d->w = SIDE;
	d->c = 1;
	d->n_classes = 4;
	d->x = malloc(n * SIDE * SIDE * sizeof(float));
	d->y = malloc(n);
	for (size_t i = 0; i < n; i++) {
		float *img = d->x + i * SIDE * SIDE;
		int cls, oy, ox;

		s = s * 6364136223846793005ull + 1442695040888963407ull;
		cls = (int)((s >> 33) % 4);
		oy = (cls / 2) * 4 + (int)((s >> 40) % 2);
		ox = (cls % 2) * 4 + (int)((s >> 45) % 2);
		for (int p = 0; p < SIDE * SIDE; p++) {
			s = s * 6364136223846793005ull + 1442695040888963407ull;
			img[p] = (float)((s >> 40) & 0xffff) / 65536.0f * 0.3f;
		}
		for (int y = 0; y < 3 && oy + y < SIDE; y++)
			for (int x = 0; x < 3 && ox + x < SIDE; x++)
				img[(oy + y) * SIDE + ox + x] += 0.7f;
		d->y[i] = (uint8_t)cls;
	}
}

static void small_cnn(struct hg_net_spec *s, int quantized)
{
	struct hg_quantizer b6 = {.kind = HG_Q_BITS, .bits = 6, .keep_negative = 1};
	struct hg_quantizer r6 = {.kind = HG_Q_RELU, .bits = 6};
	struct hg_layer_spec *l;

	memset(s, 0, sizeof(*s));
	s->in_h = s->in_w = SIDE;
	s->in_c = 1;
	l = &s->layers[s->n_layers++];
	*l = (struct hg_layer_spec){.name = "conv",
				    .kind = HG_L_CONV2D,
				    .units = 4,
				    .kh = 3,
				    .kw = 3,
				    .sh = 1,
				    .sw = 1,
				    .use_bias = 1,
				    .activation = HG_ACT_RELU,
				    .prunable = 1};
	if (quantized)
		l->kernel_q = l->bias_q = b6;
	l = &s->layers[s->n_layers++];
	*l = (struct hg_layer_spec){.name = "act",
				    .kind = HG_L_ACT,
				    .activation = quantized ? HG_ACT_QUANT : HG_ACT_RELU,
				    .act_q = quantized ? r6 : (struct hg_quantizer){0}};
	l = &s->layers[s->n_layers++];
	*l = (struct hg_layer_spec){
	    .name = "pool", .kind = HG_L_MAXPOOL, .kh = 2, .kw = 2, .sh = 2, .sw = 2};
	s->layers[s->n_layers++] = (struct hg_layer_spec){.name = "flatten", .kind = HG_L_FLATTEN};
	s->layers[s->n_layers++] =
	    (struct hg_layer_spec){.name = "dropout", .kind = HG_L_DROPOUT, .rate = 0.2f};
	l = &s->layers[s->n_layers++];
	*l = (struct hg_layer_spec){
	    .name = "dense", .kind = HG_L_DENSE, .units = 4, .use_bias = 1, .prunable = 1};
	if (quantized)
		l->kernel_q = l->bias_q = b6;
	s->layers[s->n_layers++] = (struct hg_layer_spec){.name = "softmax", .kind = HG_L_SOFTMAX};
}

static struct hg_train_config quick_config(int threads, uint64_t seed)
{
	struct hg_train_config c;

	hg_train_config_default(&c);
	c.epochs = 8;
	c.batch_size = 16;
	c.lr = 1e-2f;
	c.threads = threads;
	c.seed = seed;
	c.progress = 0;
	c.prune = (struct hg_prune_schedule){.kind = HG_PRUNE_CONSTANT,
					     .target_sparsity = 0.5f,
					     .begin_step = 20,
					     .end_step = -1,
					     .frequency = 10};
	return c;
}

static struct hg_net *train(const struct hg_train_config *c, const struct hg_data *d,
			    struct hg_train_result *res)
{
	struct hg_net_spec s;
	struct hg_net *net;
	char err[256];

	small_cnn(&s, 1);
	cr_assert_eq(hg_net_create(&net, &s, c->threads, err, sizeof(err)), 0, "%s", err);
	hg_net_init_weights(net, c->seed);
	cr_assert_eq(hg_net_train(net, c, d, res, NULL, err, sizeof(err)), 0, "%s", err);
	return net;
}

static int same_params(struct hg_net *a, struct hg_net *b)
{
	for (int l = 0; l < hg_net_spec_of(a)->n_layers; l++)
		for (int k = HG_P_KERNEL; k <= HG_P_BIAS; k++) {
			size_t n1, n2;
			float *p1 = hg_net_param(a, l, (enum hg_param)k, &n1);
			float *p2 = hg_net_param(b, l, (enum hg_param)k, &n2);

			if (n1 != n2 || (n1 && memcmp(p1, p2, n1 * sizeof(float))))
				return 0;
		}
	return 1;
}

Test(train_fit, learns_prunes_and_is_deterministic, .timeout = 120)
{
	static struct hg_train_result r1, r2, r3;
	struct hg_data tr, te;
	struct hg_train_config c = quick_config(2, 7);
	struct hg_net *a, *b, *other;
	double loss, acc, facc;

	make_data(&tr, 800, 1);
	make_data(&te, 300, 2);
	a = train(&c, &tr, &r1);
	b = train(&c, &tr, &r2);
	cr_expect(same_params(a, b), "same seed and threads, different weights");
	cr_expect_eq(r1.hist[r1.epochs_run - 1].val_loss, r2.hist[r2.epochs_run - 1].val_loss);
	hg_net_evaluate(a, &te, 1, &loss, &acc, NULL);
	hg_net_evaluate(a, &te, 0, NULL, &facc, NULL);
	cr_expect_gt(acc, 0.9, "quantized test accuracy %.3f", acc);
	cr_expect_gt(facc, 0.8, "float test accuracy %.3f", facc);
	cr_expect_eq(r1.steps, (long)r1.epochs_run * ((720 + 15) / 16));
	/* ConstantSparsity(0.5): exactly round(n / 2) kernel weights survive */
	for (int l = 0; l < hg_net_spec_of(a)->n_layers; l++) {
		size_t n, nz = 0;
		float *w = hg_net_param(a, l, HG_P_KERNEL, &n);

		for (size_t i = 0; i < n; i++)
			nz += w[i] != 0.0f;
		if (n)
			cr_expect_eq(nz, (size_t)rint(n * 0.5), "layer %d: %zu of %zu nonzero", l,
				     nz, n);
	}
	c.seed = 8;
	other = train(&c, &tr, &r3);
	cr_expect(!same_params(a, other), "a different seed gave the same weights");
	hg_net_free(a);
	hg_net_free(b);
	hg_net_free(other);
	hg_data_free(&tr);
	hg_data_free(&te);
}

Test(train_fit, one_thread_learns_too, .timeout = 120)
{
	static struct hg_train_result r;
	struct hg_data tr, te;
	struct hg_train_config c = quick_config(1, 7);
	struct hg_net *a;
	double acc;

	make_data(&tr, 800, 1);
	make_data(&te, 300, 2);
	a = train(&c, &tr, &r);
	hg_net_evaluate(a, &te, 1, NULL, &acc, NULL);
	cr_expect_gt(acc, 0.9, "quantized test accuracy %.3f", acc);
	hg_net_free(a);
	hg_data_free(&tr);
	hg_data_free(&te);
}

Test(train_fit, polynomial_decay_reaches_final_sparsity, .timeout = 120)
{
	static struct hg_train_result r;
	struct hg_data tr;
	struct hg_train_config c = quick_config(2, 3);
	struct hg_net *a;
	size_t n, nz = 0;
	float *w;

	c.epochs = 3;
	c.prune = (struct hg_prune_schedule){.kind = HG_PRUNE_POLYNOMIAL,
					     .initial_sparsity = 0.1f,
					     .target_sparsity = 0.8f,
					     .begin_step = 0,
					     .end_step = 100,
					     .frequency = 20,
					     .power = 3.0f};
	make_data(&tr, 800, 4);
	a = train(&c, &tr, &r);
	w = hg_net_param(a, 5, HG_P_KERNEL, &n); /* the dense kernel: 36 x 4 */
	for (size_t i = 0; i < n; i++)
		nz += w[i] != 0.0f;
	cr_expect_eq(nz, (size_t)rint(n * 0.2), "%zu of %zu nonzero", nz, n);
	hg_net_free(a);
	hg_data_free(&tr);
}

Test(train_fit, refuses_bad_config_and_nonfinite_data)
{
	static struct hg_train_result r;
	struct hg_data tr;
	struct hg_train_config c = quick_config(2, 1);
	struct hg_net_spec s;
	struct hg_net *net;
	char err[256];

	make_data(&tr, 100, 1);
	small_cnn(&s, 1);
	cr_assert_eq(hg_net_create(&net, &s, 2, err, sizeof(err)), 0, "%s", err);
	hg_net_init_weights(net, 1);
	c.epochs = 0;
	err[0] = 0;
	cr_expect_eq(hg_net_train(net, &c, &tr, &r, NULL, err, sizeof(err)), -1);
	cr_expect_neq(err[0], 0);
	c = quick_config(2, 1);
	c.prune.target_sparsity = 1.5f;
	cr_expect_eq(hg_net_train(net, &c, &tr, &r, NULL, err, sizeof(err)), -1);
	c = quick_config(2, 1);
	tr.h = 7; /* samples no longer fit the model */
	cr_expect_eq(hg_net_train(net, &c, &tr, &r, NULL, err, sizeof(err)), -1);
	cr_expect(strstr(err, "model") != NULL, "%s", err);
	tr.h = SIDE;
	tr.x[5] = NAN;
	cr_expect_eq(hg_net_train(net, &c, &tr, &r, NULL, err, sizeof(err)), -1);
	cr_expect(strstr(err, "finite") != NULL, "%s", err);
	hg_net_free(net);
	hg_data_free(&tr);
}

Test(train_fit, refuses_bad_specs)
{
	struct hg_net_spec s;
	struct hg_net *net;
	char err[256];

	small_cnn(&s, 1);
	s.n_layers--; /* no final softmax */
	cr_expect_eq(hg_net_create(&net, &s, 1, err, sizeof(err)), -1);
	cr_expect(strstr(err, "softmax") != NULL, "%s", err);
	small_cnn(&s, 1);
	s.layers[0].kh = 9; /* kernel larger than the 8x8 input */
	cr_expect_eq(hg_net_create(&net, &s, 1, err, sizeof(err)), -1);
	cr_expect(strstr(err, "conv") != NULL, "%s", err);
	small_cnn(&s, 1);
	s.layers[3] = s.layers[4]; /* dense on an unflattened input */
	cr_expect_eq(hg_net_create(&net, &s, 1, err, sizeof(err)), -1);
	cr_expect(strstr(err, "Flatten") != NULL, "%s", err);
}

/* EarlyStopping(restore_best_weights): the model ends at its best val_loss. */
Test(train_fit, restore_best_weights, .timeout = 120)
{
	static struct hg_train_result r;
	struct hg_data tr, val;
	struct hg_train_config c = quick_config(2, 5);
	struct hg_net *a;
	double loss, best = INFINITY;

	c.epochs = 6;
	c.lr = 0.05f; /* noisy on purpose: the last epoch is rarely the best */
	c.restore_best = 1;
	c.stop_patience = 0;
	c.lr_patience = 0;
	make_data(&tr, 800, 6);
	a = train(&c, &tr, &r);
	val = tr;
	val.n = 80; /* the validation tail Keras' split keeps: the last 10% */
	val.x = tr.x + 720 * SIDE * SIDE;
	val.y = tr.y + 720;
	for (int e = 0; e < r.epochs_run; e++)
		best = fmin(best, r.hist[e].val_loss);
	hg_net_evaluate(a, &val, 1, &loss, NULL, NULL);
	cr_expect_float_eq(loss, best, 1e-5, "restored val_loss %.6f, best epoch's %.6f", loss,
			   best);
	hg_net_free(a);
	hg_data_free(&tr);
}
