// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * test_train_schedule.c - the pieces of training that follow published
 * semantics step by step: TF-MOT's ConstantSparsity / PolynomialDecay
 * (which steps update the mask, to what sparsity), the magnitude mask
 * (k = max(1, round-half-even(n * (1 - s))), ties kept), Keras'
 * ReduceLROnPlateau (patience, min_delta, cooldown, min_lr) and
 * EarlyStopping (patience, best epoch).
 */
#include <criterion/criterion.h>
#include <math.h>

#include "../../../hlsgen/train/optim/callbacks.h"
#include "hlsgen_train.h"

Test(schedule, constant_sparsity_steps)
{
	struct hg_prune_schedule s = {.kind = HG_PRUNE_CONSTANT,
				      .target_sparsity = 0.75f,
				      .begin_step = 0,
				      .end_step = -1,
				      .frequency = 100};
	float sp = -1;

	cr_expect(hg_prune_should_update(&s, 0, &sp));
	cr_expect_eq(sp, 0.75f);
	cr_expect(!hg_prune_should_update(&s, 50, &sp));
	cr_expect(hg_prune_should_update(&s, 100, &sp));
	cr_expect(hg_prune_should_update(&s, 123400, &sp)); /* end_step -1: forever */
	s.begin_step = 1000;
	s.end_step = 2000;
	cr_expect(!hg_prune_should_update(&s, 900, &sp));
	cr_expect(!hg_prune_should_update(&s, 0, &sp));
	cr_expect(hg_prune_should_update(&s, 1000, &sp));
	cr_expect(hg_prune_should_update(&s, 2000, &sp)); /* end step included */
	cr_expect(!hg_prune_should_update(&s, 2100, &sp));
	s.kind = HG_PRUNE_NONE;
	cr_expect(!hg_prune_should_update(&s, 1000, &sp));
}

Test(schedule, polynomial_decay_values)
{
	struct hg_prune_schedule s = {.kind = HG_PRUNE_POLYNOMIAL,
				      .initial_sparsity = 0.0f,
				      .target_sparsity = 0.75f,
				      .begin_step = 0,
				      .end_step = 1000,
				      .frequency = 50,
				      .power = 3.0f};
	float sp;

	cr_expect(hg_prune_should_update(&s, 0, &sp));
	cr_expect_float_eq(sp, 0.0f, 1e-7);
	cr_expect(hg_prune_should_update(&s, 500, &sp));
	/* (0 - 0.75) * (1 - 0.5)^3 + 0.75 */
	cr_expect_float_eq(sp, 0.65625f, 1e-6);
	cr_expect(!hg_prune_should_update(&s, 525, &sp));
	cr_expect(hg_prune_should_update(&s, 1000, &sp));
	cr_expect_float_eq(sp, 0.75f, 1e-7);
	cr_expect(!hg_prune_should_update(&s, 1050, &sp)); /* past end_step: no more updates */
	cr_expect_float_eq(sp, 0.75f, 1e-7);
	s.initial_sparsity = 0.5f;
	s.begin_step = 200;
	hg_prune_should_update(&s, 100, &sp); /* before begin: p clipped at 0 */
	cr_expect_float_eq(sp, 0.5f, 1e-7);
}

static int kept(const float *m, int n)
{
	int k = 0;

	for (int i = 0; i < n; i++)
		k += m[i] != 0.0f;
	return k;
}

Test(schedule, magnitude_mask)
{
	const float w[8] = {0.1f, -0.5f, 0.3f, 0.3f, -0.05f, 0.7f, 0.2f, 0.0f};
	const float w10[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	float m[10];

	hg_prune_mask(w, 8, 0.5f, m); /* k = 4: 0.7, 0.5, 0.3, 0.3 */
	cr_expect_eq(kept(m, 8), 4);
	cr_expect(m[1] && m[2] && m[3] && m[5] && !m[0] && !m[4] && !m[6] && !m[7]);
	hg_prune_mask(w, 8, 0.625f, m); /* k = 3, threshold 0.3: the tie keeps both */
	cr_expect_eq(kept(m, 8), 4);
	hg_prune_mask(w, 8, 0.99f, m); /* k = max(1, 0) */
	cr_expect_eq(kept(m, 8), 1);
	cr_expect(m[5]);
	hg_prune_mask(w10, 10, 0.75f, m); /* 2.5 rounds half to even: k = 2 */
	cr_expect_eq(kept(m, 10), 2);
	cr_expect(m[8] && m[9]);
	hg_prune_mask(w10, 10, 0.0f, m);
	cr_expect_eq(kept(m, 10), 10);
}

Test(schedule, reduce_lr_on_plateau)
{
	struct hg_plateau p;
	float lr = 1e-3f;
	const double losses[] = {1.0, 0.9, 0.95, 0.9, 0.85, 0.85, 0.86};
	const float want[] = {1e-3f, 1e-3f, 1e-3f, 5e-4f, 5e-4f, 5e-4f, 2.5e-4f};

	hg_plateau_init(&p, 2, 0.5f, 0.0f, 0, 1e-6f);
	for (int e = 0; e < 7; e++) {
		lr = hg_plateau_update(&p, losses[e], lr);
		cr_expect_float_eq(lr, want[e], 1e-9, "epoch %d: lr %g, want %g", e, (double)lr,
				   (double)want[e]);
	}
	/* min_delta: an improvement smaller than it does not count */
	hg_plateau_init(&p, 1, 0.1f, 0.1f, 0, 0.0f);
	lr = 1.0f;
	lr = hg_plateau_update(&p, 1.0, lr);
	lr = hg_plateau_update(&p, 0.95, lr);
	cr_expect_float_eq(lr, 0.1f, 1e-7);
	/*
	 * cooldown 2, Keras' counting: the epoch after a reduction counts the
	 * cooldown down without waiting; the next one (counter reaching 0 at
	 * its start) waits again. min_lr is a floor.
	 */
	hg_plateau_init(&p, 1, 0.1f, 0.0f, 2, 0.05f);
	lr = 1.0f;
	lr = hg_plateau_update(&p, 1.0, lr);
	lr = hg_plateau_update(&p, 1.0, lr); /* reduce -> 0.1, cooldown 2 */
	cr_expect_float_eq(lr, 0.1f, 1e-7);
	lr = hg_plateau_update(&p, 1.0, lr); /* cooling down */
	cr_expect_float_eq(lr, 0.1f, 1e-7);
	lr = hg_plateau_update(&p, 1.0, lr); /* reduce, floored at min_lr */
	cr_expect_float_eq(lr, 0.05f, 1e-7);
	lr = hg_plateau_update(&p, 1.0, lr);
	lr = hg_plateau_update(&p, 1.0, lr);
	lr = hg_plateau_update(&p, 1.0, lr);
	cr_expect_float_eq(lr, 0.05f, 1e-7);
}

Test(schedule, early_stopping)
{
	struct hg_early_stop e;
	const double losses[] = {1.0, 0.9, 0.95, 0.96, 0.97, 0.5};
	int stop = 0, e_stop = -1;

	hg_early_stop_init(&e, 3, 0.0f);
	for (int i = 0; i < 6 && !stop; i++) {
		int improved = hg_early_stop_update(&e, i, losses[i], &stop);

		cr_expect_eq(improved, i <= 1, "epoch %d", i);
		if (stop)
			e_stop = i;
	}
	cr_expect_eq(e_stop, 4);
	cr_expect_eq(e.best_epoch, 1);
	/* patience 0: never stops */
	hg_early_stop_init(&e, 0, 0.0f);
	for (int i = 0; i < 20; i++) {
		hg_early_stop_update(&e, i, 1.0 + i, &stop);
		cr_expect(!stop);
	}
}
