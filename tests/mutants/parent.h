/* A mutant changes one hook of its parent and delegates the others to the
 * parent's registered ops, so it differs from the real tracker by exactly
 * the mutation and cannot drift from it when the parent changes. */
#ifndef TESTS_MUTANTS_PARENT_H
#define TESTS_MUTANTS_PARENT_H

#include "model/tracker.h"

extern const struct tracker_ops hva_tracker_ops;
extern const struct tracker_ops union_tracker_ops;
extern const struct tracker_ops perinval_tracker_ops;

#define PARENT_BEGIN(parent)                                                \
	static void parent_begin(struct tracker_state *t,                   \
				 const struct inval_ctx *inv)               \
	{                                                                   \
		parent##_tracker_ops.begin(t, inv);                         \
	}
#define PARENT_RANGE_ADD(parent)                                            \
	static void parent_range_add(struct tracker_state *t,               \
				     const struct inval_ctx *inv,           \
				     uint64_t start, uint64_t end)          \
	{                                                                   \
		parent##_tracker_ops.range_add(t, inv, start, end);         \
	}
#define PARENT_END(parent)                                                  \
	static void parent_end(struct tracker_state *t,                     \
			       const struct inval_ctx *inv)                 \
	{                                                                   \
		parent##_tracker_ops.end(t, inv);                           \
	}
#define PARENT_RETRY(parent)                                                \
	static enum retry_verdict parent_retry(struct tracker_state *t,     \
					       const struct fault_key *key, \
					       uint64_t seq_snapshot)       \
	{                                                                   \
		return parent##_tracker_ops.retry(t, key, seq_snapshot);    \
	}

#define PARENT_DESCRIBE(parent)                                             \
	static void parent_describe(const struct tracker_state *t, char *buf, \
				    size_t len)                             \
	{                                                                   \
		parent##_tracker_ops.describe(t, buf, len);                 \
	}

/* The optional lock-free pre-check: the parent's own when it has one, else
 * its locked check. A mutant that changes `retry` leaves retry_unsafe unset
 * instead, so its mutated check runs in both places. Only for parents that
 * have one (union): the engines run pre-checks only for trackers with a
 * lock-free check, so giving an hva mutant one would change its counters
 * for a reason other than its mutation. */
#define PARENT_RETRY_UNSAFE(parent)                                         \
	static enum retry_verdict parent_retry_unsafe(                      \
		struct tracker_state *t, const struct fault_key *key,       \
		uint64_t seq_snapshot)                                      \
	{                                                                   \
		if (parent##_tracker_ops.retry_unsafe)                      \
			return parent##_tracker_ops.retry_unsafe(t, key,    \
								 seq_snapshot); \
		return parent##_tracker_ops.retry(t, key, seq_snapshot);    \
	}

#endif
