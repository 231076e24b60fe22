/* Candidate (docs/design-space.md): each in-flight invalidation's ranges
 * kept apart in a few fixed places and dropped when that invalidation ends;
 * what does not fit goes to the overflow: union's shared gfn range plus the
 * spilling notifiers' hva range (a fault must match both, so aliasing gaps
 * stay out), dropped when the last invalidation that spilled into it ends.
 *
 * It keys on the invalidation handle: KVM could have one, because every
 * begin/end pair runs in one frame (the notifier's range_start/range_end
 * receive the same struct mmu_notifier_range pointer, kvm_zap_gfn_range and
 * the guest_memfd invalidation bracket their work in one function), so a
 * cookie could be passed to kvm_mmu_invalidate_begin/range_add/end.
 *
 * Kernel: 8 words in struct kvm (PLACES pairs of cookie and packed range,
 * the overflow's hva range) next to mmu_invalidate_range_start/end (the
 * overflow's gfn range); the check walks PLACES packed ranges and the
 * overflow.
 *
 * Private words, per place i: priv[2i] the handle (0 = free), priv[2i+1] the
 * range packed as start (bits 0-39) | length (bits 40-62) | spilled (bit
 * 63: this invalidation also has ranges in the overflow); priv[6], priv[7]
 * the overflow's hva range (end 0: none). A range that does not pack
 * (gfn >= 2^40, 2^23 pages or more) goes to the overflow. */
#include <inttypes.h>
#include <stdio.h>

#include "impl_perinval/perinval.h"

static bool packable(uint64_t s, uint64_t e)
{
	return e <= (1ULL << START_BITS) && e - s < (1ULL << LEN_BITS);
}

static uint64_t pack(uint64_t s, uint64_t e, uint64_t spilled)
{
	return s | (e - s) << START_BITS | spilled;
}

static void perinval_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
}

/* The overflow: union's gfn range grows by [s, e) (or starts afresh), and
 * its hva range by the notifier's (everything for work without an hva). */
static void spill(struct tracker_state *t, const struct inval_ctx *inv,
		  uint64_t s, uint64_t e)
{
	uint64_t hs = inv->has_hva ? inv->hva_start : WHOLE_SPACE_START;
	uint64_t he = inv->has_hva ? inv->hva_end : WHOLE_SPACE_END;

	tracker_range_set_or_union(t, t->range_start == INVALID_KEY, s, e);
	if (!OVF_HVA_END(t) || hs < OVF_HVA_START(t))
		WRITE_ONCE(OVF_HVA_START(t), hs);
	if (he > OVF_HVA_END(t))
		WRITE_ONCE(OVF_HVA_END(t), he);
	for (int i = 0; i < PLACES; i++)
		if (HANDLE(t, i) == inv->handle)
			WRITE_ONCE(PACKED(t, i), PACKED(t, i) | SPILLED);
}

static void perinval_range_add(struct tracker_state *t,
			       const struct inval_ctx *inv, uint64_t s,
			       uint64_t e)
{
	/* An invalidation with no place yet may have spilled already: when
	 * the overflow is in use, its first place says so, conservatively. */
	uint64_t spilled = t->range_start != INVALID_KEY ? SPILLED : 0;
	int free_place = -1;

	if (!t->in_progress)
		tracker_warn(t, WARN_ADD_OUTSIDE_BEGIN_END);
	for (int i = 0; i < PLACES; i++) {
		uint64_t w = PACKED(t, i), ns, ne;

		if (!HANDLE(t, i)) {
			if (free_place < 0)
				free_place = i;
			continue;
		}
		if (HANDLE(t, i) != inv->handle)
			continue;
		spilled = w & SPILLED; /* its own places agree on this */
		/* Touching or overlapping one of its own: grow that one. */
		ns = s < p_start(w) ? s : p_start(w);
		ne = e > p_end(w) ? e : p_end(w);
		if (s <= p_end(w) && e >= p_start(w) && packable(ns, ne)) {
			WRITE_ONCE(PACKED(t, i), pack(ns, ne, spilled));
			return;
		}
	}
	if (free_place < 0 || !packable(s, e)) {
		spill(t, inv, s, e);
		return;
	}
	/* The range before the handle: a lock-free reader never sees the
	 * handle with a stale range. */
	WRITE_ONCE(PACKED(t, free_place), pack(s, e, spilled));
	WRITE_ONCE(HANDLE(t, free_place), inv->handle);
}

static void perinval_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	int distinct = 0;
	bool spilled = false;

	for (int i = 0; i < PLACES; i++)
		if (HANDLE(t, i) == inv->handle) {
			WRITE_ONCE(HANDLE(t, i), 0);
			WRITE_ONCE(PACKED(t, i), 0);
		}
	tracker_end_common(t);
	/* The overflow stays while an invalidation still in flight may have
	 * ranges there: one that spilled, or one with no place at all. */
	for (int i = 0; i < PLACES; i++) {
		bool first = HANDLE(t, i) != 0;

		if (!HANDLE(t, i))
			continue;
		spilled |= (PACKED(t, i) & SPILLED) != 0;
		for (int j = 0; j < i; j++)
			first = first && HANDLE(t, j) != HANDLE(t, i);
		distinct += first;
	}
	if (!spilled && t->in_progress <= distinct &&
	    t->range_start != INVALID_KEY) {
		WRITE_ONCE(t->range_start, INVALID_KEY);
		WRITE_ONCE(t->range_end, INVALID_KEY);
		WRITE_ONCE(OVF_HVA_START(t), 0);
		WRITE_ONCE(OVF_HVA_END(t), 0);
	}
}

/* In the overflow: the gfn in its gfn range and, for memory with an hva,
 * the hva in its hva range. */
static bool in_overflow(struct tracker_state *t, const struct fault_key *key)
{
	return tracker_key_in_range(t, key->gfn) &&
	       (!key->has_hva || (key->hva >= READ_ONCE(OVF_HVA_START(t)) &&
				  key->hva < READ_ONCE(OVF_HVA_END(t))));
}

static bool in_places(struct tracker_state *t, uint64_t gfn, bool *any)
{
	*any = false;
	for (int i = 0; i < PLACES; i++) {
		uint64_t w;

		if (!READ_ONCE(HANDLE(t, i)))
			continue;
		*any = true;
		w = READ_ONCE(PACKED(t, i));
		if (gfn >= p_start(w) && gfn < p_end(w))
			return true;
	}
	return false;
}

/* The check with invalidations in flight. Out of line, so that the common
 * case (nothing in flight) is union's: one load, one test and the sequence
 * test, with no stack frame (in the kernel: unlikely()). */
static __attribute__((noinline)) enum retry_verdict
perinval_retry_inflight(struct tracker_state *t, const struct fault_key *key,
			uint64_t seq_snapshot)
{
	bool any;

	if (in_overflow(t, key) || in_places(t, key->gfn, &any))
		return RETRY_RANGE;
	/* Nothing recorded while in progress: a KVM bug, retry. */
	if (!any && READ_ONCE(t->range_start) == INVALID_KEY) {
		tracker_warn(t, WARN_RANGE_INVALID_IN_PROGRESS);
		return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict perinval_retry(struct tracker_state *t,
					 const struct fault_key *key,
					 uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress))
		return perinval_retry_inflight(t, key, seq_snapshot);
	return tracker_check_seq(t, seq_snapshot);
}

static enum retry_verdict perinval_retry_unsafe(struct tracker_state *t,
						const struct fault_key *key,
						uint64_t seq_snapshot)
{
	bool any;

	if (READ_ONCE(t->in_progress) &&
	    (in_overflow(t, key) || in_places(t, key->gfn, &any)))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

/* "gfn #1:[1,2) #1:[16,18)* overflow [4,6)": * marks a spilled owner. */
static void perinval_describe(const struct tracker_state *t, char *buf,
			      size_t len)
{
	size_t n = 0;
	int w;

	buf[0] = '\0';
	for (int i = 0; i < PLACES && n < len; i++) {
		uint64_t p = t->priv[2 * i + 1];

		if (!t->priv[2 * i])
			continue;
		w = snprintf(buf + n, len - n, "%s#%" PRIu64 ":[%" PRIu64 ",%"
			     PRIu64 ")%s", n ? " " : "gfn ", t->priv[2 * i],
			     p_start(p), p_end(p), p & SPILLED ? "*" : "");
		n += w > 0 ? (size_t)w : 0;
	}
	if (t->range_start != INVALID_KEY && n < len) {
		w = snprintf(buf + n, len - n, "%soverflow [%" PRIu64 ",%" PRIu64
			     ") ", n ? " " : "gfn ", t->range_start, t->range_end);
		n += w > 0 ? (size_t)w : 0;
		if (n < len)
			n += tracker_describe_range(t->priv[2 * PLACES],
						    t->priv[2 * PLACES + 1], "hva",
						    buf + n, len - n);
	}
	if (!n)
		snprintf(buf, len, "none");
}

const struct tracker_ops perinval_tracker_ops = {
	.name = "perinval",
	.description = "candidate: 3 per-invalidation gfn ranges dropped at end; overflow gfn and hva ranges dropped with their last owner",
	.priv_words = PERINVAL_WORDS,
	.candidate = true,
	.begin = perinval_begin,
	.range_add = perinval_range_add,
	.end = perinval_end,
	.retry = perinval_retry,
	.retry_unsafe = perinval_retry_unsafe,
	.describe = perinval_describe,
};
