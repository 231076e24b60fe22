/* Mutant of union: `end` resets the range to INVALID even when other
 * invalidations are still in progress. While the range is INVALID, union's
 * check treats it as a KVM bug: it retries and warns (the warn-once route,
 * the only one the small explorer scenarios can show). But the next nested
 * begin's range_add sees INVALID and starts afresh, dropping the ranges of
 * the invalidations still running: with three overlapping invalidators (the
 * concurrent pattern) that is a false negative too. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(union)
PARENT_RANGE_ADD(union)
PARENT_RETRY(union)
PARENT_RETRY_UNSAFE(union)

static void clearing_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	union_tracker_ops.end(t, inv);
	/* MUTATION: `mmu_invalidate_range_start = INVALID_GPA` unconditionally. */
	WRITE_ONCE(t->range_start, INVALID_KEY);
	WRITE_ONCE(t->range_end, INVALID_KEY);
}

PARENT_DESCRIBE(union)

const struct tracker_ops mutant_union_end_clears_range_ops = {
	.name = "union_end_clears_range",
	.description = "mutant of union: end resets the range to INVALID while others are in progress",
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = clearing_end,
	.retry = parent_retry,
	.describe = parent_describe,
	.retry_unsafe = parent_retry_unsafe,
};
