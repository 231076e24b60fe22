/* An instrument, not a kernel proposal: records every in-flight gfn range
 * exactly (per invalidation handle and address space) so that its
 * range-caused retries are the floor any tracker could reach. It uses the
 * invalidation handle, which KVM does not have.
 *
 * Storage is a fixed array in tracker_state (no pointers, so the lock-free
 * pre-check stays memory-safe on torn reads). Each invalidation keeps at most
 * EXACT_PER_HANDLE entries; beyond that its ranges are merged min/max, which
 * stays safe and is counted in exact_overflows. The engines cap concurrent
 * invalidations at EXACT_MAX_RANGES / EXACT_PER_HANDLE, so the array never
 * runs out. */
#include "model/tracker.h"

#define EXACT_PER_HANDLE 4

static void exact_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
}

static void exact_range_add(struct tracker_state *t, const struct inval_ctx *inv,
			    uint64_t start, uint64_t end)
{
	struct exact_range *mine = NULL, *free_slot = NULL;
	int owned = 0;

	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	for (int i = 0; i < EXACT_MAX_RANGES; i++) {
		struct exact_range *r = &t->exact[i];

		if (r->handle == inv->handle && r->as_id == inv->as_id) {
			owned++;
			mine = r;
		} else if (!r->handle && !free_slot) {
			free_slot = r;
		}
	}
	if (free_slot && owned < EXACT_PER_HANDLE) {
		/* Publish the bounds before the handle makes the entry live. */
		WRITE_ONCE(free_slot->as_id, inv->as_id);
		WRITE_ONCE(free_slot->start, start);
		WRITE_ONCE(free_slot->end, end);
		WRITE_ONCE(free_slot->handle, inv->handle);
		return;
	}
	if (!mine) {
		/* Cannot happen within the engines' cap. Should it, the range
		 * is lost, so every check retries until nothing is in flight:
		 * wasteful, never unsafe. */
		WRITE_ONCE(t->exact_unrecorded, t->exact_unrecorded + 1);
		return;
	}
	t->exact_overflows++;
	if (start < mine->start)
		WRITE_ONCE(mine->start, start);
	if (end > mine->end)
		WRITE_ONCE(mine->end, end);
}

static void exact_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	for (int i = 0; i < EXACT_MAX_RANGES; i++)
		if (t->exact[i].handle == inv->handle)
			WRITE_ONCE(t->exact[i].handle, 0);
	tracker_end_common(t);
	if (!t->in_progress)
		WRITE_ONCE(t->exact_unrecorded, 0);
}

static enum retry_verdict exact_retry(struct tracker_state *t,
				      const struct fault_key *key,
				      uint64_t seq_snapshot)
{
	if (READ_ONCE(t->exact_unrecorded) && READ_ONCE(t->in_progress))
		return RETRY_RANGE;
	for (int i = 0; i < EXACT_MAX_RANGES; i++) {
		struct exact_range *r = &t->exact[i];

		if (READ_ONCE(r->handle) && (READ_ONCE(r->as_id) == key->as_id ||
		     READ_ONCE(r->as_id) == INVAL_ALL_AS) &&
		    key->gfn >= READ_ONCE(r->start) && key->gfn < READ_ONCE(r->end))
			return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

const struct tracker_ops exact_tracker_ops = {
	.name = "exact",
	.description = "instrument: every in-flight gfn range kept separately; the floor for range-caused retries",
	.begin = exact_begin,
	.range_add = exact_range_add,
	.end = exact_end,
	.retry = exact_retry,
	/* Measured against the gfn-keyed era (6.8+), which has the lock-free
	 * pre-check: the same test, safe on torn reads (no pointers). */
	.retry_unsafe = exact_retry,
};
