/* Mutant of hva: the outermost `begin` unions with the previous round's hva
 * range instead of starting afresh. Safe (a superset), wasteful: caught only
 * by the exact counters against hva. */
#include "tests/mutants/parent.h"

PARENT_RANGE_ADD(hva)
PARENT_END(hva)
PARENT_RETRY(hva)

static void keeping_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	uint64_t start = inv->has_hva ? inv->hva_start : WHOLE_SPACE_START;
	uint64_t end = inv->has_hva ? inv->hva_end : WHOLE_SPACE_END;

	WRITE_ONCE(t->in_progress, t->in_progress + 1);
	/* MUTATION: reset only the very first time (range still INVALID),
	 * not whenever in_progress becomes 1. */
	tracker_range_set_or_union(t, t->range_start == INVALID_KEY, start, end);
}

PARENT_DESCRIBE(hva)

const struct tracker_ops mutant_hva_begin_keeps_stale_range_ops = {
	.name = "hva_begin_keeps_stale_range",
	.description = "mutant of hva: begin unions with the previous round's range (safe, wasteful)",
	.begin = keeping_begin,
	.range_add = parent_range_add,
	.end = parent_end,
	.retry = parent_retry,
	.describe = parent_describe,
};
