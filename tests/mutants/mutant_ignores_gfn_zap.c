/* Mutant of union: kvm_zap_gfn_range() is not tracked at all. begin,
 * range_add and end do nothing for an invalidation without an hva that
 * spans every address space (the gfn-only zap of MTRR, CR0.CD and APICv
 * changes), as if only page changes needed the retry check. A fault that
 * resolved the old attributes before the zap, or that runs while the zap
 * has dropped mmu_lock, installs an SPTE the change should have blocked.
 * The oracle calls that truly stale since it covers gfn-only work; before,
 * this mutant was judged safe. */
#include "tests/mutants/parent.h"

PARENT_RETRY(union)
PARENT_RETRY_UNSAFE(union)
PARENT_DESCRIBE(union)

/* MUTATION: gfn-only zaps are skipped. */
static bool ignored(const struct inval_ctx *inv)
{
	return !inv->has_hva && inv->as_id == INVAL_ALL_AS;
}

static void ignoring_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	if (!ignored(inv))
		union_tracker_ops.begin(t, inv);
}

static void ignoring_range_add(struct tracker_state *t,
			       const struct inval_ctx *inv, uint64_t start,
			       uint64_t end)
{
	if (!ignored(inv))
		union_tracker_ops.range_add(t, inv, start, end);
}

static void ignoring_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	if (!ignored(inv))
		union_tracker_ops.end(t, inv);
}

const struct tracker_ops mutant_ignores_gfn_zap_ops = {
	.name = "ignores_gfn_zap",
	.description = "mutant of union: gfn-only zaps (kvm_zap_gfn_range) are not tracked",
	.begin = ignoring_begin,
	.range_add = ignoring_range_add,
	.end = ignoring_end,
	.retry = parent_retry,
	.retry_unsafe = parent_retry_unsafe,
	.describe = parent_describe,
};
