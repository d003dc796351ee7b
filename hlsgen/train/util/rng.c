// SPDX-License-Identifier: GPL-2.0 OR MIT
/* xoshiro256** seeded through splitmix64 (public-domain algorithms). */
#include <math.h>

#include "rng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void hg_rng_seed(struct hg_rng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t hg_rng_next(struct hg_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

double hg_rng_uniform(struct hg_rng *r)
{
	return (double)(hg_rng_next(r) >> 11) * 0x1.0p-53;
}

double hg_rng_normal(struct hg_rng *r)
{
	double u1 = hg_rng_uniform(r), u2 = hg_rng_uniform(r);

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

size_t hg_rng_below(struct hg_rng *r, size_t n)
{
	/* 64-bit multiply-shift; the bias for n << 2^64 is negligible */
	return (size_t)(((unsigned __int128)hg_rng_next(r) * n) >> 64);
}

void hg_rng_shuffle(struct hg_rng *r, uint32_t *idx, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = hg_rng_below(r, i);
		uint32_t t = idx[i - 1];

		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
