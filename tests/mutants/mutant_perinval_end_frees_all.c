/* Mutant of perinval: end frees every place, not only the ending
 * invalidation's, so the ranges of those still in flight are lost. */
#include "tests/mutants/parent.h"
#include "impl_perinval/perinval.h"

PARENT_BEGIN(perinval)
PARENT_RANGE_ADD(perinval)
PARENT_RETRY(perinval)
PARENT_RETRY_UNSAFE(perinval)
PARENT_DESCRIBE(perinval)

static void end_frees_all(struct tracker_state *t, const struct inval_ctx *inv)
{
	/* MUTATION: no `HANDLE(t, i) == inv->handle` test; the parent's end
	 * then finds none of its own and decides about the overflow. */
	for (int i = 0; i < PLACES; i++)
		if (HANDLE(t, i) && !(PACKED(t, i) & SPILLED)) {
			WRITE_ONCE(HANDLE(t, i), 0);
			WRITE_ONCE(PACKED(t, i), 0);
		}
	perinval_tracker_ops.end(t, inv);
}

const struct tracker_ops mutant_perinval_end_frees_all_ops = {
	.name = "perinval_end_frees_all",
	.description = "mutant of perinval: end frees the places of every invalidation",
	.priv_words = PERINVAL_WORDS,
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = end_frees_all,
	.retry = parent_retry,
	.retry_unsafe = parent_retry_unsafe,
	.describe = parent_describe,
};
