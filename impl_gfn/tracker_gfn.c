/* The v12 patch as posted ("KVM: Use gfn instead of hva for
 * mmu_notifier_retry"): gfn range, but range_add OVERWRITES the range while
 * in_progress == 1, so an invalidation spanning several memslots keeps only
 * the last slot's range. This is the bug the review found; keep it. */
#include "model/tracker.h"

static void gfn_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			  uint64_t start, uint64_t end)
{
	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	tracker_range_set_or_union(t, t->in_progress == 1, start, end);
}

const struct tracker_ops gfn_tracker_ops = {
	.name = "gfn",
	.description = "v12 patch as posted: gfn range, range_add overrides while in_progress == 1 (last slot wins)",
	.begin = gfn_keyed_begin,
	.range_add = gfn_range_add,
	.end = gfn_keyed_end,
	.retry = gfn_keyed_retry,
	.retry_unsafe = gfn_keyed_retry_unsafe,
	.describe = gfn_keyed_describe,
	.expected_unsafe = true,
};
