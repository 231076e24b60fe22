/* Mutant of hva: `end` drops in_progress but forgets to bump the sequence
 * number, so a fault that snapshotted seq before the invalidation and is
 * checked after it sees nothing at all. */
#include "tests/mutants/parent.h"

PARENT_BEGIN(hva)
PARENT_RANGE_ADD(hva)
PARENT_RETRY(hva)

static void no_bump_end(struct tracker_state *t, const struct inval_ctx *inv)
{
	(void)inv;
	/* MUTATION: tracker_end_common() without seq++. */
	WRITE_ONCE(t->in_progress, t->in_progress - 1);
}

PARENT_DESCRIBE(hva)

const struct tracker_ops mutant_end_no_seq_bump_ops = {
	.name = "end_no_seq_bump",
	.description = "mutant of hva: end decrements in_progress without bumping seq",
	.begin = parent_begin,
	.range_add = parent_range_add,
	.end = no_bump_end,
	.retry = parent_retry,
	.describe = parent_describe,
};
