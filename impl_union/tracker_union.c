/* The reviewer's fix (Xu Yilun), upstream since Linux 6.8: range_add grows
 * the range as a min/max union, starting afresh only when it is INVALID.
 * Safe; the price is the gap between far-apart slots (aliasing), which the
 * union covers although nothing there is being invalidated. */
#include "model/tracker.h"

static void union_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			    uint64_t start, uint64_t end)
{
	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	tracker_range_set_or_union(t, t->range_start == INVALID_KEY, start, end);
}

const struct tracker_ops union_tracker_ops = {
	.name = "union",
	.description = "reviewer's fix (upstream 6.8+): gfn range, min/max union of every slot's range",
	.begin = gfn_keyed_begin,
	.range_add = union_range_add,
	.end = gfn_keyed_end,
	.retry = gfn_keyed_retry,
	.retry_unsafe = gfn_keyed_retry_unsafe,
	.describe = gfn_keyed_describe,
};
