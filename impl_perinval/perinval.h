/* impl_perinval's private-block layout, shared with its mutants
 * (tests/mutants/): see tracker_perinval.c for the policy. */
#ifndef IMPL_PERINVAL_PERINVAL_H
#define IMPL_PERINVAL_PERINVAL_H

#include "model/tracker.h"

#define PLACES 3
#define START_BITS 40
#define LEN_BITS 23
#define SPILLED (1ULL << 63)
#define HANDLE(t, i) ((t)->priv[2 * (i)])
#define PACKED(t, i) ((t)->priv[2 * (i) + 1])
#define OVF_HVA_START(t) ((t)->priv[2 * PLACES])
#define OVF_HVA_END(t) ((t)->priv[2 * PLACES + 1])
#define PERINVAL_WORDS (2 * PLACES + 2)

extern const struct tracker_ops perinval_tracker_ops;

static inline uint64_t p_start(uint64_t w)
{
	return w & ((1ULL << START_BITS) - 1);
}

static inline uint64_t p_end(uint64_t w)
{
	return p_start(w) + ((w >> START_BITS) & ((1ULL << LEN_BITS) - 1));
}

#endif
