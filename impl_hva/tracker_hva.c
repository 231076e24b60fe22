/* The original tracker (Linux up to 6.7): the notifier's hva range.
 * Exact under gfn aliasing (both gfns share the hva), but private memory and
 * gfn-only zaps have no hva, so they fall back to the whole space, as the
 * original code did with kvm_mmu_invalidate_begin(kvm, 0, -1ul). */
#include "model/tracker.h"

static void hva_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	uint64_t start = inv->has_hva ? inv->hva_start : WHOLE_SPACE_START;
	uint64_t end = inv->has_hva ? inv->hva_end : WHOLE_SPACE_END;

	WRITE_ONCE(t->in_progress, t->in_progress + 1);
	tracker_range_set_or_union(t, t->in_progress == 1, start, end);
}

static void hva_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			  uint64_t start, uint64_t end)
{
	(void)inv, (void)start, (void)end;
	/* The hva tracker recorded everything in begin. */
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
}

static void hva_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	tracker_end_common(t);
}

static enum retry_verdict hva_retry(struct tracker_state *t,
				    const struct fault_key *key,
				    uint64_t seq_snapshot)
{
	/* No hva (private memory): all that can be known is "something is in
	 * flight", i.e. the whole space. in_progress first: nothing in
	 * flight is the common case and costs one load. */
	if (READ_ONCE(t->in_progress) &&
	    (!key->has_hva || (key->hva >= READ_ONCE(t->range_start) &&
			       key->hva < READ_ONCE(t->range_end))))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

static void hva_describe(const struct tracker_state *t, char *buf, size_t len)
{
	tracker_describe_range(t->range_start, t->range_end, "hva", buf, len);
}

const struct tracker_ops hva_tracker_ops = {
	.name = "hva",
	.description = "original: notifier hva range, min/max union when nested; no-hva work covers everything",
	.begin = hva_begin,
	.range_add = hva_range_add,
	.end = hva_end,
	.retry = hva_retry,
	.describe = hva_describe,
};
