/* Seeded pseudo-random numbers: splitmix64 to expand a seed, xoshiro-like
 * speed is not needed; what matters is that the same seed gives the same
 * schedule on every machine, so only integer arithmetic is used. */
#ifndef UTIL_RNG_H
#define UTIL_RNG_H

#include <stdint.h>

static inline uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); n == 0 returns 0. Lemire's multiply-shift: no division
 * on the hot path, bias below 2^-32 for the ranges used here. */
static inline uint64_t rng_below(uint64_t *state, uint64_t n)
{
	return (uint64_t)(((unsigned __int128)rng_next(state) * n) >> 64);
}

/* Derives an independent stream for actor `id` from a run seed. */
static inline uint64_t rng_stream(uint64_t seed, uint64_t id)
{
	uint64_t s = seed ^ (id * 0xd1b54a32d192ed03ULL);

	return rng_next(&s);
}

#endif
