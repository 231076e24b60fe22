/* Controls: "mutants" with no mutation, every hook delegated to the parent.
 * The test requires them NOT to be caught, which shows that a kill comes
 * from the mutation and not from the checks themselves (a flagging rule
 * that fires on every tracker, or counters that differ between two runs
 * of one seed would kill everything and prove nothing). */
#include "tests/mutants/mutants.h"
#include "tests/mutants/parent.h"
#include "impl_perinval/perinval.h"

#define CONTROL_HOOKS(parent)                                               \
	static void parent##_begin(struct tracker_state *t,                 \
				   const struct inval_ctx *inv)             \
	{                                                                   \
		parent##_tracker_ops.begin(t, inv);                         \
	}                                                                   \
	static void parent##_range_add(struct tracker_state *t,             \
				       const struct inval_ctx *inv,         \
				       uint64_t start, uint64_t end)        \
	{                                                                   \
		parent##_tracker_ops.range_add(t, inv, start, end);         \
	}                                                                   \
	static void parent##_end(struct tracker_state *t,                   \
				 const struct inval_ctx *inv)               \
	{                                                                   \
		parent##_tracker_ops.end(t, inv);                           \
	}                                                                   \
	static enum retry_verdict parent##_retry(struct tracker_state *t,   \
						 const struct fault_key *k, \
						 uint64_t seq)              \
	{                                                                   \
		return parent##_tracker_ops.retry(t, k, seq);               \
	}                                                                   \
	static void parent##_describe(const struct tracker_state *t,        \
				      char *buf, size_t len)                \
	{                                                                   \
		parent##_tracker_ops.describe(t, buf, len);                 \
	}

/* The lock-free check only where the parent has one: the engines run
 * pre-checks only for such trackers (the kernel era's rule). */
#define CONTROL_UNSAFE(parent)                                              \
	static enum retry_verdict parent##_retry_unsafe(                    \
		struct tracker_state *t, const struct fault_key *k,         \
		uint64_t seq)                                               \
	{                                                                   \
		return parent##_tracker_ops.retry_unsafe(t, k, seq);        \
	}

/* words: the parent's private words (test_mutants checks they match). */
#define CONTROL_OPS(parent, unsafe, words)                                  \
	static const struct tracker_ops control_##parent##_ops = {          \
		.name = "control_" #parent,                                 \
		.description = "control: " #parent " with every hook delegated", \
		.priv_words = (words),                                      \
		.begin = parent##_begin,                                    \
		.range_add = parent##_range_add,                            \
		.end = parent##_end,                                        \
		.retry = parent##_retry,                                    \
		.retry_unsafe = unsafe,                                     \
		.describe = parent##_describe,                              \
	};

CONTROL_HOOKS(hva)
CONTROL_OPS(hva, NULL, 0)
CONTROL_HOOKS(union)
CONTROL_UNSAFE(union)
CONTROL_OPS(union, union_retry_unsafe, 0)
CONTROL_HOOKS(perinval)
CONTROL_UNSAFE(perinval)
CONTROL_OPS(perinval, perinval_retry_unsafe, PERINVAL_WORDS)

/* WASTEFUL: the strictest check, any counter difference would flag them. */
const struct mutant controls[] = {
	{ &control_hva_ops, "hva", WASTEFUL },
	{ &control_union_ops, "union", WASTEFUL },
	{ &control_perinval_ops, "perinval", WASTEFUL },
};

const unsigned n_controls = sizeof(controls) / sizeof(controls[0]);
