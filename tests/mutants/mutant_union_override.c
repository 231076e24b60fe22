/* Mutant of union: range_add overrides the range while in_progress == 1
 * instead of growing it: the v12 patch's bug, reintroduced into the fix. An
 * hva invalidation crossing several slots keeps only the last slot. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(union)
PARENT_END(union)
PARENT_RETRY(union)
PARENT_RETRY_UNSAFE(union)

static void override_range_add(struct tracker_state *t,
			       const struct inval_ctx *inv, uint64_t start,
			       uint64_t end)
{
	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	/* MUTATION: reset on in_progress == 1, not on range_start == INVALID. */
	tracker_range_set_or_union(t, t->in_progress == 1, start, end);
}

PARENT_DESCRIBE(union)

const struct tracker_ops mutant_union_override_ops = {
	.name = "union_override",
	.description = "mutant of union: range_add overrides while in_progress == 1 (the v12 bug)",
	.begin = parent_begin,
	.range_add = override_range_add,
	.end = parent_end,
	.retry = parent_retry,
	.describe = parent_describe,
	.retry_unsafe = parent_retry_unsafe,
};
