/* Mutant of hva: `end` clears the recorded range even when other
 * invalidations are still in progress (in_progress stays > 0), as if the
 * range belonged to the invalidation that ends. The ones still running lose
 * their protection: a fault in their range sees an empty range and, having
 * snapshotted seq after the first end, an unchanged sequence number. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(hva)
PARENT_RANGE_ADD(hva)
PARENT_RETRY(hva)

static void clearing_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	hva_tracker_ops.end(t, inv);
	/* MUTATION: an empty range, whatever in_progress says. (hva's begin
	 * unions min/max when nested, so the next nested begin rebuilds
	 * [its start, INVALID_KEY), which still misses the others.) */
	WRITE_ONCE(t->range_start, INVALID_KEY);
	WRITE_ONCE(t->range_end, INVALID_KEY);
}

PARENT_DESCRIBE(hva)

const struct tracker_ops mutant_end_clears_range_ops = {
	.name = "end_clears_range",
	.description = "mutant of hva: end empties the range while others are in progress",
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = clearing_end,
	.retry = parent_retry,
	.describe = parent_describe,
};
