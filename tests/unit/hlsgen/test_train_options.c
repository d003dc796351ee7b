// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_train_options.c - the recipe as command-line options (shared by
 * `hlsgen train` and `hlsgen sweep`): the lab's defaults, every kind of
 * option consumed with its value, quantizer overrides reaching the model,
 * PolynomialDecay's automatic end step, and bad values refused with a
 * message instead of being ignored.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hlsgen_train_run.h"

static int parse(struct hg_recipe *r, int argc, char **argv, char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		int rc = hg_recipe_option(r, argc, argv, &i, err, errlen);

		if (rc <= 0)
			return rc < 0 ? -1 : i + 1000; /* not a recipe option: say where */
	}
	return 0;
}

Test(train_options, lab_defaults)
{
	struct hg_recipe r;

	hg_recipe_default(&r);
	cr_expect_eq(r.cfg.epochs, 30);
	cr_expect_eq(r.cfg.batch_size, 32);
	cr_expect_float_eq(r.cfg.lr, 1e-3f, 1e-9);
	cr_expect_eq(r.cfg.prune.kind, HG_PRUNE_CONSTANT);
	cr_expect_float_eq(r.cfg.prune.target_sparsity, 0.75f, 1e-7);
	cr_expect_eq(r.cfg.prune.frequency, 100);
	cr_expect_eq(r.cfg.prune.begin_step, 0);
	cr_expect(r.kq.kind == HG_Q_BITS && r.kq.bits == 6 && r.kq.integer == 0);
	cr_expect(r.aq.kind == HG_Q_RELU && r.aq.bits == 6);
	cr_expect_str_eq(r.model, "lab");
	cr_expect_str_eq(r.data, "mnist");
}

Test(train_options, every_kind_of_option)
{
	struct hg_recipe r;
	char err[256];
	char *argv[] = {"--epochs",
			"12",
			"--batch",
			"64",
			"--lr",
			"0.002",
			"--weight-quantizer",
			"quantized_po2(4,1)",
			"--bias-quantizer",
			"quantized_bits(8,2)",
			"--act-quantizer",
			"quantized_relu(3,1)",
			"--prune",
			"polynomial",
			"--sparsity",
			"0.5",
			"--frequency",
			"50",
			"--seed",
			"99",
			"--threads",
			"1",
			"--no-shuffle",
			"--no-clip",
			"--restore-best",
			"--data",
			"fashion",
			"--train-limit",
			"1000",
			"--progress",
			"none",
			"--hls4ml-version",
			"1.0"};
	struct hg_net_spec s;

	hg_recipe_default(&r);
	cr_assert_eq(parse(&r, sizeof(argv) / sizeof(argv[0]), argv, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_eq(r.cfg.epochs, 12);
	cr_expect_eq(r.cfg.batch_size, 64);
	cr_expect_float_eq(r.cfg.lr, 0.002f, 1e-9);
	cr_expect(r.kq.kind == HG_Q_PO2 && r.kq.bits == 4 && r.kq.has_max);
	cr_expect(r.bq.kind == HG_Q_BITS && r.bq.bits == 8 && r.bq.integer == 2);
	cr_expect(r.aq.kind == HG_Q_RELU && r.aq.bits == 3 && r.aq.integer == 1);
	cr_expect_eq(r.cfg.prune.kind, HG_PRUNE_POLYNOMIAL);
	cr_expect_float_eq(r.cfg.prune.target_sparsity, 0.5f, 1e-7);
	cr_expect_eq(r.cfg.prune.frequency, 50);
	cr_expect_eq(r.cfg.seed, 99u);
	cr_expect_eq(r.cfg.threads, 1);
	cr_expect(r.cfg.no_shuffle && !r.cfg.clip_constraint && r.cfg.restore_best);
	cr_expect_str_eq(r.data, "fashion");
	cr_expect_eq(r.train_limit, 1000);
	cr_expect_eq(r.cfg.progress, 0);
	cr_expect_eq(r.exp.hls4ml_major, 1);
	/* the overrides reach every quantized layer; the end step is 2/3 of training */
	hg_spec_lab_cnn(&s, &(struct hg_quantizer){0}, &(struct hg_quantizer){0},
			&(struct hg_quantizer){0});
	hg_recipe_apply(&r, &s, 8000);
	cr_expect_eq(s.layers[0].kernel_q.kind, HG_Q_PO2);
	cr_expect_eq(s.layers[8].bias_q.bits, 8);
	cr_expect_eq(s.layers[1].activation, HG_ACT_QUANT);
	cr_expect_eq(s.layers[4].act_q.bits, 3);
	/* 8000 samples, 10% validation: 7200 / 64 -> 113 steps x 12 epochs, 2/3 of it */
	cr_expect_eq(r.cfg.prune.end_step, 113 * 12 * 2 / 3);
}

/* The lab CNN trains with HG_LAB_DROPOUT; --dropout R sets every Dropout layer;
 * a model of the user's keeps its own rate unless --dropout is given. */
static float dropout_after(const char *model, const char *rate)
{
	struct hg_recipe r;
	struct hg_net_spec s;
	char err[256];
	char *argv[2] = {"--dropout", (char *)rate};

	hg_recipe_default(&r);
	r.model = model;
	if (rate)
		cr_assert_eq(parse(&r, 2, argv, err, sizeof(err)), 0, "%s", err);
	hg_spec_lab_cnn(&s, &r.kq, &r.bq, &r.aq); /* Dropout(0.5) at layer 7, as published */
	cr_assert_eq(s.layers[7].kind, HG_L_DROPOUT);
	cr_assert_float_eq(s.layers[7].rate, 0.5f, 1e-7);
	hg_recipe_apply(&r, &s, 8000);
	return s.layers[7].rate;
}

Test(train_options, dropout_rate)
{
	cr_expect_float_eq(dropout_after("lab", NULL), HG_LAB_DROPOUT, 1e-7);
	cr_expect_float_eq(dropout_after("lab", "0.25"), 0.25f, 1e-7);
	cr_expect_float_eq(dropout_after("mine.json", NULL), 0.5f, 1e-7);
	cr_expect_float_eq(dropout_after("mine.json", "0"), 0.0f, 1e-7);
}

Test(train_options, bad_values_are_refused)
{
	static const char *const bad[][2] = {
	    {"--epochs", "0"},
	    {"--epochs", "x"},
	    {"--batch", "-1"},
	    {"--lr", "0"},
	    {"--sparsity", "1.5"},
	    {"--prune", "sometimes"},
	    {"--bits", "6/x"},
	    {"--bits", "1/1"},
	    {"--val-split", "1"},
	    {"--weight-quantizer", "binary()"},
	    {"--hls4ml-version", "9.9"},
	    {"--progress", "loud"},
	    {"--seed", "-3"},
	    {"--end-step", "-7"},
	    {"--dropout", "1"},
	    {"--dropout", "-0.1"},
	};
	char err[256];

	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		struct hg_recipe r;
		char *argv[2] = {(char *)bad[k][0], (char *)bad[k][1]};

		hg_recipe_default(&r);
		err[0] = 0;
		cr_expect_eq(parse(&r, 2, argv, err, sizeof(err)), -1, "%s %s accepted", bad[k][0],
			     bad[k][1]);
		cr_expect_neq(err[0], 0, "no message for %s %s", bad[k][0], bad[k][1]);
	}
	/* an option without its value */
	{
		struct hg_recipe r;
		char *argv[1] = {"--epochs"};

		hg_recipe_default(&r);
		cr_expect_eq(parse(&r, 1, argv, err, sizeof(err)), -1);
	}
	/* not a recipe option: left to the command */
	{
		struct hg_recipe r;
		char *argv[1] = {"-o"};

		hg_recipe_default(&r);
		cr_expect_eq(parse(&r, 1, argv, err, sizeof(err)), 1000);
	}
}
