/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * rng.h - the trainer's seeded random numbers (xoshiro256**, seeded by
 * splitmix64): weight init and shuffling. Same seed, same sequence, on
 * every machine.
 */
#ifndef HG_RNG_H
#define HG_RNG_H

#include <stddef.h>
#include <stdint.h>

struct hg_rng {
	uint64_t s[4];
};

void hg_rng_seed(struct hg_rng *r, uint64_t seed);
uint64_t hg_rng_next(struct hg_rng *r);
/* Uniform in [0, 1) with 53 random bits. */
double hg_rng_uniform(struct hg_rng *r);
/* Standard normal (Box-Muller, one value per call). */
double hg_rng_normal(struct hg_rng *r);
/* Uniform integer in [0, n). */
size_t hg_rng_below(struct hg_rng *r, size_t n);
/* Fisher-Yates shuffle of idx[0..n). */
void hg_rng_shuffle(struct hg_rng *r, uint32_t *idx, size_t n);

#endif /* HG_RNG_H */
