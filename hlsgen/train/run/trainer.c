// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * The training loop: Keras' model.fit() with validation_split, shuffling
 * each epoch, Adam, TF-MOT's UpdatePruningStep semantics, and the lab's
 * callbacks. Each batch is split into one contiguous shard per thread;
 * shard gradients are summed in thread order, so a given seed and thread
 * count always give the same model.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../optim/callbacks.h"
#include "epoch_progress.h"
#include "hlsgen_error.h"
#include "hlsgen_progress.h"
#include "../util/rng.h"
#include "../net/tnet.h"

void hg_train_config_default(struct hg_train_config *c)
{
	memset(c, 0, sizeof(*c));
	c->epochs = 30;
	c->batch_size = 32;
	c->lr = 1e-3f;
	c->beta1 = 0.9f;
	c->beta2 = 0.999f;
	c->epsilon = 1e-7f;
	c->val_split = 0.1f;
	c->seed = 1;
	c->threads = 2;
	c->prune.kind = HG_PRUNE_NONE;
	c->prune.frequency = 100;
	c->prune.end_step = -1;
	c->prune.power = 3.0f;
	c->lr_patience = 3;
	c->lr_factor = 0.5f;
	c->lr_min_delta = 1e-4f;
	c->lr_cooldown = 0;
	c->lr_min = 1e-6f;
	c->stop_patience = 10;
	c->stop_min_delta = 0.0f;
	c->restore_best = 0;
	c->clip_constraint = 1;
	c->progress = 2;
}

static int check_config(const struct hg_train_config *c, const struct hg_data *d,
			const struct hg_net *net, char *err, size_t errlen)
{
	const struct hg_prune_schedule *p = &c->prune;
	int last = net->n_layers - 1;

	if (c->epochs < 1 || c->epochs > 1024)
		return hg_fail(err, errlen, -1, "epochs must be 1..1024");
	if (c->batch_size < 1)
		return hg_fail(err, errlen, -1, "batch size must be >= 1");
	if (!(c->lr > 0.0f) || !(c->val_split >= 0.0f && c->val_split < 1.0f))
		return hg_fail(err, errlen, -1, "bad learning rate or validation split");
	if ((size_t)d->h * d->w * d->c != net->in_n)
		return hg_fail(err, errlen, -1,
			       "data samples are %dx%dx%d, the model wants %zu values", d->h, d->w,
			       d->c, net->in_n);
	if (d->n_classes > net->L[last].out_c)
		return hg_fail(err, errlen, -1, "data has %d classes, the model outputs %d",
			       d->n_classes, net->L[last].out_c);
	for (size_t i = 0; i < d->n * net->in_n; i++)
		if (!isfinite(d->x[i]))
			return hg_fail(err, errlen, -1, "sample %zu has a non-finite input value",
				       i / net->in_n);
	for (size_t i = 0; i < d->n; i++)
		if (d->y[i] >= net->L[last].out_c)
			return hg_fail(err, errlen, -1,
				       "sample %zu: label %d, the model has %d outputs", i, d->y[i],
				       net->L[last].out_c);
	if (p->kind != HG_PRUNE_NONE) {
		if (!(p->target_sparsity >= 0.0f && p->target_sparsity < 1.0f) ||
		    !(p->initial_sparsity >= 0.0f && p->initial_sparsity < 1.0f))
			return hg_fail(err, errlen, -1, "sparsity must be in [0, 1)");
		if (p->frequency < 1 || p->begin_step < 0)
			return hg_fail(err, errlen, -1,
				       "pruning frequency must be >= 1, begin step >= 0");
		if (p->kind == HG_PRUNE_POLYNOMIAL && p->end_step <= p->begin_step)
			return hg_fail(err, errlen, -1,
				       "polynomial decay needs end_step > begin_step");
	}
	return 0;
}

struct step_ctx {
	struct hg_net *net;
	const struct hg_data *d;
	const uint32_t *idx; /* this batch's sample indices */
	size_t bsz;
	uint64_t seed;
	long step;
};

static void step_fn(void *vctx, int tid, int nt)
{
	struct step_ctx *c = vctx;
	unsigned long b, e;

	hg_split(c->bsz, tid, nt, &b, &e);
	net_train_shard(c->net, &c->net->ws[tid], c->d, c->idx, b, e, c->seed, c->step);
}

/* Parameters saved for EarlyStopping(restore_best_weights=True). */
struct snapshot {
	float *buf;
	size_t n;
};

static size_t param_count(const struct hg_net *net)
{
	size_t n = 0;

	for (int l = 0; l < net->n_layers; l++)
		n += net->L[l].nw + net->L[l].nb;
	return n;
}

static void snapshot_io(struct hg_net *net, struct snapshot *s, int save)
{
	float *p = s->buf;

	for (int l = 0; l < net->n_layers; l++) {
		struct tlayer *L = &net->L[l];

		if (!L->nw)
			continue;
		if (save) {
			memcpy(p, L->w, L->nw * sizeof(float));
			if (L->nb)
				memcpy(p + L->nw, L->b, L->nb * sizeof(float));
		} else {
			memcpy(L->w, p, L->nw * sizeof(float));
			if (L->nb)
				memcpy(L->b, p + L->nw, L->nb * sizeof(float));
		}
		p += L->nw + L->nb;
	}
}

struct fit_state {
	struct hg_net *net;
	const struct hg_train_config *cfg;
	struct hg_data train, val;
	uint32_t *idx;
	struct adam_state adam;
	long step;
	struct hg_progress prog;
	int pruning;
};

/* One epoch over the training part; returns 0, or -1 on a non-finite loss. */
static int run_epoch(struct fit_state *st, int epoch, struct hg_rng *rng, double *loss, double *acc)
{
	struct hg_net *net = st->net;
	const struct hg_train_config *cfg = st->cfg;
	size_t n = st->train.n, B = (size_t)cfg->batch_size;
	double lsum = 0.0;
	long correct = 0, k = 0;

	if (!cfg->no_shuffle)
		hg_rng_shuffle(rng, st->idx, n);
	for (size_t start = 0; start < n; start += B, k++) {
		size_t bsz = n - start < B ? n - start : B;
		struct step_ctx c = {net, &st->train, st->idx + start, bsz, cfg->seed, st->step};
		float sparsity;

		if (hg_prune_should_update(&cfg->prune, st->step, &sparsity))
			net_update_masks(net, sparsity);
		if (st->pruning)
			net_apply_masks(net);
		net_prepare_weights(net, 1);
		hg_pool_run(net->pool, step_fn, &c);
		net_reduce_grads(net, 1.0f / (float)bsz);
		for (int t = 0; t < net->threads; t++) {
			lsum += net->ws[t].loss;
			correct += net->ws[t].correct;
		}
		if (!isfinite(lsum))
			return -1;
		adam_step(net, &st->adam);
		if (cfg->clip_constraint)
			net_apply_constraints(net);
		st->step++;
		hg_progress_step(&st->prog, epoch, k + 1, lsum / (double)(start + bsz),
				 (double)correct / (double)(start + bsz));
	}
	/* UpdatePruningStep.on_epoch_end: the stored weights are mask * weights */
	if (st->pruning)
		net_apply_masks(net);
	*loss = lsum / (double)n;
	*acc = (double)correct / (double)n;
	return 0;
}

size_t hg_val_split_at(size_t n, float val_split)
{
	/*
	 * Keras: split_at = int(n * (1 - validation_split)) with the split as a
	 * Python double; recover that double from our float (0.1f is
	 * 0.100000001..., which would make 800 * 0.9 fall to 719).
	 */
	double vs = nearbyint((double)val_split * 1e6) / 1e6;

	return (size_t)((double)n * (1.0 - vs));
}

static void split_data(const struct hg_data *d, float val_split, struct hg_data *tr,
		       struct hg_data *va)
{
	size_t split_at = hg_val_split_at(d->n, val_split);

	*tr = *d;
	*va = *d;
	tr->n = split_at;
	va->n = d->n - split_at;
	va->x = d->x + split_at * (size_t)d->h * d->w * d->c;
	va->y = d->y + split_at;
}

int hg_net_train(struct hg_net *net, const struct hg_train_config *cfg, const struct hg_data *d,
		 struct hg_train_result *res, FILE *log, char *err, size_t errlen)
{
	struct fit_state st = {.net = net, .cfg = cfg};
	struct hg_plateau plateau;
	struct hg_early_stop early;
	struct snapshot snap = {NULL, 0};
	struct hg_rng rng;
	float lr = cfg->lr;
	double t0 = hlsgen_now(), t_val = 0.0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (check_config(cfg, d, net, err, errlen))
		return -1;
	split_data(d, cfg->val_split, &st.train, &st.val);
	if (st.train.n < 1)
		return hg_fail(err, errlen, -1,
			       "no training samples left after the validation split");
	st.idx = malloc(st.train.n * sizeof(uint32_t));
	if (cfg->restore_best) {
		snap.n = param_count(net);
		snap.buf = malloc(snap.n * sizeof(float) + 1);
	}
	if (!st.idx || (cfg->restore_best && !snap.buf) ||
	    net_ensure_ws(net, ((size_t)cfg->batch_size + net->threads - 1) / net->threads)) {
		hg_fail(err, errlen, -1, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < st.train.n; i++)
		st.idx[i] = (uint32_t)i;
	hg_rng_seed(&rng, cfg->seed ^ 0x5348554646ull); /* "SHUFF": shuffling stream */
	st.adam = (struct adam_state){lr, cfg->beta1, cfg->beta2, cfg->epsilon, 0};
	st.pruning = cfg->prune.kind != HG_PRUNE_NONE;
	hg_plateau_init(&plateau, cfg->lr_patience, cfg->lr_factor, cfg->lr_min_delta,
			cfg->lr_cooldown, cfg->lr_min);
	hg_early_stop_init(&early, cfg->stop_patience, cfg->stop_min_delta);
	hg_progress_start(&st.prog, log ? log : stderr, cfg->progress, cfg->epochs,
			  (long)((st.train.n + cfg->batch_size - 1) / cfg->batch_size));
	for (int ep = 0; ep < cfg->epochs; ep++) {
		struct hg_epoch_log *h = &res->hist[ep];
		double te = hlsgen_now(), vl = NAN, va = NAN, tl, ta, tv;
		int stop = 0;
		char note[64] = "";

		st.adam.lr = lr;
		if (run_epoch(&st, ep, &rng, &tl, &ta) < 0) {
			hg_fail(err, errlen, -1, "epoch %d: the loss is not finite (diverged)",
				ep + 1);
			goto out;
		}
		h->seconds = hlsgen_now() - te;
		h->loss = (float)tl;
		h->acc = (float)ta;
		h->lr = lr;
		tv = hlsgen_now();
		if (st.val.n)
			hg_net_evaluate(net, &st.val, 1, &vl, &va, NULL);
		t_val += hlsgen_now() - tv;
		h->val_loss = (float)vl;
		h->val_acc = (float)va;
		res->epochs_run = ep + 1;
		if (st.val.n) {
			lr = hg_plateau_update(&plateau, vl, lr);
			if (lr < h->lr)
				snprintf(note, sizeof(note), "lr -> %.3g", lr);
			if (hg_early_stop_update(&early, ep, vl, &stop) && snap.buf)
				snapshot_io(net, &snap, 1);
		}
		hg_progress_epoch(&st.prog, ep, h->loss, h->acc, vl, va, h->lr, h->seconds, note);
		if (stop) {
			res->stopped_early = 1;
			break;
		}
	}
	if (snap.buf && early.best_epoch >= 0)
		snapshot_io(net, &snap, 0);
	res->steps = st.step;
	res->seconds_with_val = hlsgen_now() - t0;
	res->seconds = res->seconds_with_val - t_val;
	rc = 0;
out:
	free(st.idx);
	free(snap.buf);
	return rc;
}
