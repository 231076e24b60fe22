/* Candidate (docs/design-space.md): union's gfn range AND the notifier's hva
 * range, the 6.8+ tracker and the one it replaced kept together. A fault
 * retries on the range only when its gfn is in the gfn range and, for
 * memory with an hva, its hva is in the hva range. Work without an hva
 * (gfn-only zaps, guest_memfd) widens the hva range to everything, so the
 * test falls back to union's; private faults have no hva and test the gfn
 * alone.
 *
 * Safe: a page being invalidated has its gfn in the gfn range (range_add
 * of every overlapping slot) and, when the invalidation came from a
 * notifier, its hva in the hva range; both ranges only grow until the
 * outermost invalidation ends. Aliasing costs nothing: the gfns between two
 * aliased slots are in the gfn range but their hvas are not.
 *
 * Kernel: two more words in struct kvm next to mmu_invalidate_range_start/
 * end, set from the notifier's range in kvm_mmu_notifier_invalidate_range_
 * start (as before 6.8) and from (0, ~0) in kvm_mmu_invalidate_begin's
 * other callers. Private words: hva start, hva end (0 = none: a recorded
 * range is never empty).
 */
#include <inttypes.h>
#include <stdio.h>

#include "model/tracker.h"

#define HVA_START(t) ((t)->priv[0])
#define HVA_END(t) ((t)->priv[1])

static void gfnhva_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	uint64_t s = inv->has_hva ? inv->hva_start : WHOLE_SPACE_START;
	uint64_t e = inv->has_hva ? inv->hva_end : WHOLE_SPACE_END;

	gfn_keyed_begin(t, inv);
	if (t->in_progress == 1 || !HVA_END(t)) {
		WRITE_ONCE(HVA_START(t), s);
		WRITE_ONCE(HVA_END(t), e);
		return;
	}
	if (s < HVA_START(t))
		WRITE_ONCE(HVA_START(t), s);
	if (e > HVA_END(t))
		WRITE_ONCE(HVA_END(t), e);
}

static void gfnhva_range_add(struct tracker_state *t,
			     const struct inval_ctx *inv, uint64_t start,
			     uint64_t end)
{
	(void)inv;
	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	tracker_range_set_or_union(t, t->range_start == INVALID_KEY, start, end);
}

static void gfnhva_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	gfn_keyed_end(t, inv);
}

/* The hva half: true when the key cannot be excluded by its hva. */
static bool hva_may_match(struct tracker_state *t, const struct fault_key *key)
{
	return !key->has_hva || (key->hva >= READ_ONCE(HVA_START(t)) &&
				 key->hva < READ_ONCE(HVA_END(t)));
}

/* The check with invalidations in flight. Out of line, so that the common
 * case (nothing in flight) is union's: one load, one test and the sequence
 * test, with no stack frame (in the kernel: unlikely()). */
static __attribute__((noinline)) enum retry_verdict
gfnhva_retry_inflight(struct tracker_state *t, const struct fault_key *key,
		      uint64_t seq_snapshot)
{
	if (READ_ONCE(t->range_start) == INVALID_KEY ||
	    READ_ONCE(t->range_end) == INVALID_KEY) {
		tracker_warn(t, WARN_RANGE_INVALID_IN_PROGRESS);
		return RETRY_RANGE;
	}
	if (tracker_key_in_range(t, key->gfn) && hva_may_match(t, key))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict gfnhva_retry(struct tracker_state *t,
				       const struct fault_key *key,
				       uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress))
		return gfnhva_retry_inflight(t, key, seq_snapshot);
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict gfnhva_retry_unsafe(struct tracker_state *t,
					      const struct fault_key *key,
					      uint64_t seq_snapshot)
{
	if (tracker_key_in_range(t, key->gfn) && hva_may_match(t, key))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

static void gfnhva_describe(const struct tracker_state *t, char *buf,
			    size_t len)
{
	size_t n = tracker_describe_range(t->range_start, t->range_end, "gfn",
					  buf, len);

	if (!t->priv[1] || n + 1 >= len)
		return;
	buf[n] = ' ';
	tracker_describe_range(t->priv[0], t->priv[1], "hva", buf + n + 1,
			       len - n - 1);
}

const struct tracker_ops gfnhva_tracker_ops = {
	.name = "gfnhva",
	.description = "candidate: union's gfn range and the notifier's hva range, both must match",
	.priv_words = 2,
	.candidate = true,
	.begin = gfnhva_begin,
	.range_add = gfnhva_range_add,
	.end = gfnhva_end,
	.retry = gfnhva_retry,
	.retry_unsafe = gfnhva_retry_unsafe,
	.describe = gfnhva_describe,
};
