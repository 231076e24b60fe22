#include "model/tracker.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

_Static_assert(TRACKER_KERNEL_PRIV_WORDS <= TRACKER_PRIV_WORDS,
	       "the kernel-faithful share must fit in the block");

void tracker_state_init(struct tracker_state *t)
{
	memset(t, 0, sizeof(*t));
	t->range_start = INVALID_KEY;
	t->range_end = INVALID_KEY;
}

int tracker_priv_undeclared(const struct tracker_ops *ops,
			    const struct tracker_state *t)
{
	for (uint32_t i = ops->priv_words; i < TRACKER_PRIV_WORDS; i++)
		if (t->priv[i])
			return (int)i;
	return -1;
}

size_t tracker_describe_range(uint64_t start, uint64_t end, const char *key,
			      char *buf, size_t len)
{
	int n;

	if (start == INVALID_KEY || end == INVALID_KEY)
		n = snprintf(buf, len, "INVALID");
	else if (start == WHOLE_SPACE_START && end == WHOLE_SPACE_END)
		n = snprintf(buf, len, "%s [0,max)", key);
	else
		n = snprintf(buf, len, "%s [%" PRIu64 ",%" PRIu64 ")", key,
			     start, end);
	return n < 0 ? 0 : (size_t)n < len ? (size_t)n : len ? len - 1 : 0;
}

void tracker_warn(struct tracker_state *t, enum tracker_warning w)
{
	__atomic_fetch_add(&t->warnings[w], 1, __ATOMIC_RELAXED);
}

void tracker_end_common(struct tracker_state *t)
{
	/* The sequence bump must be visible before in_progress drops, or a
	 * lock-free check could see neither (KVM: smp_wmb here, paired with
	 * the smp_rmb after the fault reads mmu_invalidate_seq). */
	WRITE_ONCE(t->seq, t->seq + 1);
	smp_store_release(t->in_progress, t->in_progress - 1);
}

enum retry_verdict tracker_check_seq(struct tracker_state *t,
				     uint64_t seq_snapshot)
{
	return READ_ONCE(t->seq) != seq_snapshot ? RETRY_SEQUENCE : RETRY_NONE;
}

void tracker_range_set_or_union(struct tracker_state *t, bool reset,
				uint64_t start, uint64_t end)
{
	if (reset) {
		WRITE_ONCE(t->range_start, start);
		WRITE_ONCE(t->range_end, end);
		return;
	}
	if (start < t->range_start)
		WRITE_ONCE(t->range_start, start);
	if (end > t->range_end)
		WRITE_ONCE(t->range_end, end);
}

bool tracker_key_in_range(struct tracker_state *t, uint64_t key)
{
	return READ_ONCE(t->in_progress) && key >= READ_ONCE(t->range_start) &&
	       key < READ_ONCE(t->range_end);
}

/* The gfn-keyed trackers (the v12 patch and its fix) share begin, end and
 * the check; they differ only in range_add. */

void gfn_keyed_begin(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	WRITE_ONCE(t->in_progress, t->in_progress + 1);
	if (t->in_progress == 1)
		WRITE_ONCE(t->range_start, INVALID_KEY);
}

void gfn_keyed_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	tracker_end_common(t);
	if (t->in_progress && t->range_start == INVALID_KEY)
		tracker_warn(t, WARN_NO_RANGE_BEFORE_END);
}

enum retry_verdict gfn_keyed_retry(struct tracker_state *t,
				   const struct fault_key *key,
				   uint64_t seq_snapshot)
{
	if (READ_ONCE(t->in_progress)) {
		/* A KVM bug (lock dropped between begin and range_add): retry. */
		if (READ_ONCE(t->range_start) == INVALID_KEY ||
		    READ_ONCE(t->range_end) == INVALID_KEY) {
			tracker_warn(t, WARN_RANGE_INVALID_IN_PROGRESS);
			return RETRY_RANGE;
		}
		if (tracker_key_in_range(t, key->gfn))
			return RETRY_RANGE;
	}
	return tracker_check_seq(t, seq_snapshot);
}

enum retry_verdict gfn_keyed_retry_unsafe(struct tracker_state *t,
					  const struct fault_key *key,
					  uint64_t seq_snapshot)
{
	/* Between begin and the first range_add the range is INVALID (all
	 * ones): no gfn is inside it, so only the sequence can say retry. */
	if (tracker_key_in_range(t, key->gfn))
		return RETRY_RANGE;
	return tracker_check_seq(t, seq_snapshot);
}

void gfn_keyed_describe(const struct tracker_state *t, char *buf, size_t len)
{
	tracker_describe_range(t->range_start, t->range_end, "gfn", buf, len);
}
