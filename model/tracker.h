/* The contract between the protocol model and a retry tracker.
 *
 * A tracker is the policy KVM uses to decide whether a page fault raced with
 * an mmu-notifier (or gfn-only, or guest_memfd) invalidation: what it records
 * in begin/range_add/end, and what a fault checks. Everything else (memslot
 * walk, zapping, the page changes, the oracle) is the model's and identical
 * for every tracker, so two trackers differ only in the four hooks below.
 *
 * Locking, as in KVM:
 *   begin, range_add, end    mmu_lock held for WRITE. May assume no check runs.
 *   retry (locked check)     mmu_lock held for READ: concurrent with other
 *                            checks, never with begin/range_add/end.
 *   retry (unsafe pre-check) NO lock (Linux 6.8+ mmu_invalidate_retry_gfn_unsafe):
 *                            may race with the writers. So every field of
 *                            struct tracker_state is read with READ_ONCE and
 *                            written with WRITE_ONCE, and retry() must stay
 *                            memory-safe on torn combinations (no pointers).
 *
 * Call order for one invalidation: begin once (when the first overlapping
 * memslot is found; never when none overlaps), range_add once per overlapping
 * slot (per address space), end once. Invalidations may nest (in_progress > 1).
 *
 * State. struct tracker_state holds what every KVM variant has (seq,
 * in_progress, one range) and a private block, priv[], that belongs to the
 * tracker alone: a tracker with state of its own keeps it there and nowhere
 * else. The block
 *   - starts zeroed (vm_init, tracker_state_init): choose an encoding in which
 *     all zeros means "nothing recorded";
 *   - is declared: ops->priv_words says how many leading words the tracker
 *     uses; the explorer refuses a tracker that writes beyond them;
 *   - is state, in full: the explorer hashes and compares every declared
 *     word, so two worlds that differ only there are two states. Canonical
 *     form is the tracker's job: clear what you free (a dead entry with
 *     leftover bounds splits equal worlds and only costs search time);
 *   - holds words, not pointers, read with READ_ONCE (the pre-check is
 *     lock-free), and no counters of history (a count that only grows makes
 *     every world new).
 *
 * Kernel-faithful trackers (everything but instruments) may use only what
 * KVM has or could have at the same call sites:
 *   - at most TRACKER_KERNEL_PRIV_WORDS private words: 64 bytes, one cache
 *     line next to mmu_invalidate_seq/in_progress/range in struct kvm;
 *   - bounded state: a fixed number of ranges, never one per invalidation
 *     without a cap and a safe fallback when it is reached;
 *   - the inval_ctx fields: the notifier's hva range, the slot's gfn range
 *     and as_id, and the handle. KVM's hooks do not pass a handle today, but
 *     they could: every begin/end pair is called from one frame
 *     (mmu_notifier range_start/range_end receive the same
 *     struct mmu_notifier_range pointer; kvm_zap_gfn_range and the
 *     guest_memfd invalidation bracket their work in one function), so a
 *     cookie could be passed to kvm_mmu_invalidate_begin/range_add/end. A
 *     tracker that keys on it must say so in its header comment.
 * Instruments (ops->instrument, e.g. impl_exact) are measuring devices, not
 * proposals: they may use the whole block and unbounded-looking policies.
 *
 * All hooks are mandatory (retry_unsafe excepted). To add a tracker: a
 * folder impl_NAME/ with one .c file defining
 * `const struct tracker_ops NAME_tracker_ops`, and one line TRACKER(NAME) in
 * model/trackers.def.
 */
#ifndef MODEL_TRACKER_H
#define MODEL_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/types.h"

/* Why a fault was told to retry. Range is tested before sequence, as in KVM. */
enum retry_verdict {
	RETRY_NONE = 0,
	RETRY_RANGE,    /* in_progress and the key is inside the tracked range */
	RETRY_SEQUENCE, /* mmu_invalidate_seq moved since the fault's snapshot */
};

/* KVM's WARN_ON_ONCE conditions of the v12 patch, counted instead of warned. */
enum tracker_warning {
	WARN_RANGE_INVALID_IN_PROGRESS, /* check saw in_progress with range INVALID */
	WARN_ADD_OUTSIDE_BEGIN_END,     /* range_add with in_progress == 0 */
	WARN_NO_RANGE_BEFORE_END,       /* end left in_progress with range INVALID */
	WARN_COUNT
};

/* The private block (see top): its size, and what a kernel-faithful
 * tracker may use of it. */
#define TRACKER_PRIV_WORDS 128
#define TRACKER_KERNEL_PRIV_WORDS 8

/* The fields of struct kvm that belong to invalidation tracking. */
struct tracker_state {
	uint64_t seq;         /* mmu_invalidate_seq */
	int64_t in_progress;  /* mmu_invalidate_in_progress */
	uint64_t range_start; /* hva or gfn, per tracker; INVALID_KEY = none */
	uint64_t range_end;
	/* The tracker's own words; ops->priv_words of them are used. */
	uint64_t priv[TRACKER_PRIV_WORDS];
	/* Warn-once hits. Written from the read-locked check too, hence atomic
	 * increments (tracker_warn()). Observations, not state: the explorer
	 * clears them. */
	uint64_t warnings[WARN_COUNT];
};

/* What an invalidation tells the tracker. */
struct inval_ctx {
	uint32_t handle;          /* unique among in-flight invalidations, > 0 */
	bool has_hva;             /* notifier; false for gfn-only and guest_memfd */
	uint64_t hva_start;       /* notifier's hva range, in pages */
	uint64_t hva_end;
	uint32_t as_id;           /* address space of the current range_add,
				   * or INVAL_ALL_AS (kvm_zap_gfn_range) */
};

#define INVAL_ALL_AS UINT32_MAX

/* What a faulting vCPU checks. */
struct fault_key {
	uint64_t gfn;
	uint32_t as_id;
	bool has_hva; /* false for private (guest_memfd) memory */
	uint64_t hva; /* in pages */
};

struct tracker_ops {
	const char *name;
	const char *description; /* one line */
	/* Leading words of tracker_state.priv this tracker uses (0..
	 * TRACKER_PRIV_WORDS; at most TRACKER_KERNEL_PRIV_WORDS unless an
	 * instrument). */
	uint32_t priv_words;
	/* A measuring device, not a kernel proposal (see top). */
	bool instrument;
	/* Kept to show a known bug (the v12 patch): its misses are the
	 * expected finding, not a failure of the run. */
	bool expected_unsafe;
	/* A proposal under evaluation (docs/design-space.md), not one of the
	 * reference trackers: everything measures it, but the default threaded
	 * stress suite runs it only where it can differ from union (see
	 * stress/suite.c), so each candidate adds a few benchmarks to the
	 * default run rather than a whole sweep. */
	bool candidate;
	/* mmu_lock held for write. First call of an invalidation. */
	void (*begin)(struct tracker_state *t, const struct inval_ctx *inv);
	/* mmu_lock held for write. Called once per overlapping slot: [start,end)
	 * is that slot's gfn sub-range of the invalidation. */
	void (*range_add)(struct tracker_state *t, const struct inval_ctx *inv,
			  uint64_t start, uint64_t end);
	/* mmu_lock held for write. Must bump seq before dropping in_progress. */
	void (*end)(struct tracker_state *t, const struct inval_ctx *inv);
	/* mmu_lock held for read, or no lock at all (see top). Pure: no writes
	 * except warning counters. */
	enum retry_verdict (*retry)(struct tracker_state *t,
				    const struct fault_key *key,
				    uint64_t seq_snapshot);
	/* OPTIONAL. No lock: the lock-free pre-check. Absent: retry is used.
	 * KVM's mmu_invalidate_retry_gfn_unsafe() is the locked check minus
	 * its WARN (an INVALID range there is a legal race, not a bug). */
	enum retry_verdict (*retry_unsafe)(struct tracker_state *t,
					   const struct fault_key *key,
					   uint64_t seq_snapshot);
	/* No lock needed (called between steps, for traces and JSON). The
	 * tracked state in words, whole: e.g. "gfn [2,3)", "gfn [0,2) [16,18)",
	 * "INVALID", "none". seq and in_progress are shown apart; do not
	 * repeat them. Always NUL-terminates buf. */
	void (*describe)(const struct tracker_state *t, char *buf, size_t len);
};

/* Shared building blocks: the parts the kernel-faithful trackers have in
 * common, so that each tracker file shows only its own policy. */

/* The state of a new VM: zeroed, range INVALID. */
void tracker_state_init(struct tracker_state *t);
/* Index of the first non-zero private word at or beyond ops->priv_words,
 * or -1: a tracker writing state it did not declare. */
int tracker_priv_undeclared(const struct tracker_ops *ops,
			    const struct tracker_state *t);
/* "KEY [start,end)", "KEY [0,max)", "INVALID" for the shared range
 * (key: "gfn" or "hva"). Returns the length written. */
size_t tracker_describe_range(uint64_t start, uint64_t end, const char *key,
			      char *buf, size_t len);

/* KVM's kvm_mmu_invalidate_end(): seq++, write barrier, in_progress--. */
void tracker_end_common(struct tracker_state *t);
/* The final sequence-number test every KVM variant ends with. */
enum retry_verdict tracker_check_seq(struct tracker_state *t,
				     uint64_t seq_snapshot);
/* range = [start, end) when `reset`, else the min/max union with it. */
void tracker_range_set_or_union(struct tracker_state *t, bool reset,
				uint64_t start, uint64_t end);
/* in_progress && start <= key < end, read racily-safely. */
bool tracker_key_in_range(struct tracker_state *t, uint64_t key);
void tracker_warn(struct tracker_state *t, enum tracker_warning w);

/* begin/end/retry of the gfn-keyed trackers (KVM 6.8+ shape): begin resets the
 * range to INVALID when it is the outermost invalidation; the check warns
 * and retries on an INVALID range while in progress. */
void gfn_keyed_begin(struct tracker_state *t, const struct inval_ctx *inv);
void gfn_keyed_end(struct tracker_state *t, const struct inval_ctx *inv);
enum retry_verdict gfn_keyed_retry(struct tracker_state *t,
				   const struct fault_key *key,
				   uint64_t seq_snapshot);
enum retry_verdict gfn_keyed_retry_unsafe(struct tracker_state *t,
					  const struct fault_key *key,
					  uint64_t seq_snapshot);
/* "gfn [a,b)" or "INVALID": the shared range of a gfn-keyed tracker. */
void gfn_keyed_describe(const struct tracker_state *t, char *buf, size_t len);

/* Several ranges in the private words (krange; the test-only tworange):
 * range i is priv[2i] (start) and priv[2i + 1] (end), end == 0 a free
 * place, since a recorded range is never empty and the block starts
 * zeroed. Written with WRITE_ONCE: the lock-free pre-check reads them. */
#define PRIV_START(t, i) ((t)->priv[2 * (i)])
#define PRIV_END(t, i) ((t)->priv[2 * (i) + 1])

static inline void priv_range_set(struct tracker_state *t, int i, uint64_t s,
				  uint64_t e)
{
	WRITE_ONCE(PRIV_START(t, i), s);
	WRITE_ONCE(PRIV_END(t, i), e);
}

/* What merging [s0,e0) and [s1,e1) adds: the gfns between them. */
static inline uint64_t range_gap(uint64_t s0, uint64_t e0, uint64_t s1,
				 uint64_t e1)
{
	uint64_t lo = e0 < e1 ? e0 : e1, hi = s0 > s1 ? s0 : s1;

	return hi > lo ? hi - lo : 0;
}

/* What growing range i to take in [s,e) adds. */
static inline uint64_t priv_range_gap(const struct tracker_state *t, int i,
				      uint64_t s, uint64_t e)
{
	return range_gap(PRIV_START(t, i), PRIV_END(t, i), s, e);
}

/* Range i grown to cover [s,e) as well. */
static inline void priv_range_merge(struct tracker_state *t, int i,
				    uint64_t s, uint64_t e)
{
	priv_range_set(t, i, s < PRIV_START(t, i) ? s : PRIV_START(t, i),
		       e > PRIV_END(t, i) ? e : PRIV_END(t, i));
}

#endif
