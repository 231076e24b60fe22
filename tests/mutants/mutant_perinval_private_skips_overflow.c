/* Mutant of perinval: a fault without an hva (private memory) looks only at
 * the places, never at the overflow, so a guest_memfd invalidation that
 * spilled is missed. */
#include "tests/mutants/parent.h"
#include "impl_perinval/perinval.h"

PARENT_BEGIN(perinval)
PARENT_RANGE_ADD(perinval)
PARENT_END(perinval)
PARENT_DESCRIBE(perinval)

static enum retry_verdict retry_private_skips_overflow(
	struct tracker_state *t, const struct fault_key *key, uint64_t seq)
{
	/* MUTATION: a fault without an hva is never in the overflow. */
	if (!key->has_hva && READ_ONCE(t->in_progress)) {
		for (int i = 0; i < PLACES; i++) {
			uint64_t w = READ_ONCE(PACKED(t, i));

			if (READ_ONCE(HANDLE(t, i)) && key->gfn >= p_start(w) &&
			    key->gfn < p_end(w))
				return RETRY_RANGE;
		}
		return tracker_check_seq(t, seq);
	}
	return perinval_tracker_ops.retry(t, key, seq);
}

const struct tracker_ops mutant_perinval_private_skips_overflow_ops = {
	.name = "perinval_private_skips_overflow",
	.description = "mutant of perinval: private faults never look at the overflow",
	.priv_words = PERINVAL_WORDS,
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = parent_end,
	.retry = retry_private_skips_overflow,
	.describe = parent_describe,
};
