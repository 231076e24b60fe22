/* Mutant of perinval: end drops the overflow as soon as every invalidation
 * in flight has a place, even one that also spilled into the overflow: its
 * spilled range is forgotten while it is still in flight. */
#include "tests/mutants/parent.h"
#include "impl_perinval/perinval.h"

PARENT_BEGIN(perinval)
PARENT_RANGE_ADD(perinval)
PARENT_RETRY(perinval)
PARENT_RETRY_UNSAFE(perinval)
PARENT_DESCRIBE(perinval)

static void end_ignores_spill(struct tracker_state *t,
			      const struct inval_ctx *inv)
{
	int distinct = 0;

	for (int i = 0; i < PLACES; i++)
		if (HANDLE(t, i) == inv->handle) {
			WRITE_ONCE(HANDLE(t, i), 0);
			WRITE_ONCE(PACKED(t, i), 0);
		}
	tracker_end_common(t);
	for (int i = 0; i < PLACES; i++) {
		bool first = HANDLE(t, i) != 0;

		for (int j = 0; j < i; j++)
			first = first && HANDLE(t, j) != HANDLE(t, i);
		distinct += first;
	}
	/* MUTATION: no `!spilled &&`. */
	if (t->in_progress <= distinct && t->range_start != INVALID_KEY) {
		WRITE_ONCE(t->range_start, INVALID_KEY);
		WRITE_ONCE(t->range_end, INVALID_KEY);
		WRITE_ONCE(OVF_HVA_START(t), 0);
		WRITE_ONCE(OVF_HVA_END(t), 0);
	}
}

const struct tracker_ops mutant_perinval_end_ignores_spill_ops = {
	.name = "perinval_end_ignores_spill",
	.description = "mutant of perinval: end drops the overflow although a spilled owner is in flight",
	.priv_words = PERINVAL_WORDS,
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = end_ignores_spill,
	.retry = parent_retry,
	.retry_unsafe = parent_retry_unsafe,
	.describe = parent_describe,
};
