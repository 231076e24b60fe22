/* Mutant of union: the check forgets the final sequence-number test.
 * A fault that resolved its page before an invalidation began and is checked
 * after it ended sees in_progress == 0 and goes ahead with the old page. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(union)
PARENT_RANGE_ADD(union)
PARENT_END(union)

static enum retry_verdict no_seq_retry(struct tracker_state *t,
				       const struct fault_key *key,
				       uint64_t seq_snapshot)
{
	/* MUTATION: union's check with the sequence number forced equal, so
	 * only the in-progress range test remains. */
	(void)seq_snapshot;
	return union_tracker_ops.retry(t, key, READ_ONCE(t->seq));
}

/* The same mutation in union's lock-free pre-check. */
static enum retry_verdict no_seq_retry_unsafe(struct tracker_state *t,
					      const struct fault_key *key,
					      uint64_t seq_snapshot)
{
	(void)seq_snapshot;
	return union_tracker_ops.retry_unsafe(t, key, READ_ONCE(t->seq));
}

PARENT_DESCRIBE(union)

const struct tracker_ops mutant_no_seq_check_ops = {
	.name = "no_seq_check",
	.description = "mutant of union: the check never compares the sequence number",
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = parent_end,
	.retry = no_seq_retry,
	.describe = parent_describe,
	.retry_unsafe = no_seq_retry_unsafe,
};
