/* Mutant of union: every range_add records [start, end - 1), an off-by-one
 * in the exclusive end, so the last gfn of each slot's sub-range is not
 * covered while the invalidation is in progress. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(union)
PARENT_END(union)
PARENT_RETRY(union)
PARENT_RETRY_UNSAFE(union)

static void narrowed_range_add(struct tracker_state *t,
			       const struct inval_ctx *inv, uint64_t start,
			       uint64_t end)
{
	union_tracker_ops.range_add(t, inv, start, end - 1); /* MUTATION */
}

PARENT_DESCRIBE(union)

const struct tracker_ops mutant_range_end_narrowed_ops = {
	.name = "range_end_narrowed",
	.description = "mutant of union: range_add records [start, end - 1)",
	.begin = parent_begin,
	.range_add = narrowed_range_add,
	.end = parent_end,
	.retry = parent_retry,
	.describe = parent_describe,
	.retry_unsafe = parent_retry_unsafe,
};
