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
 * Kernel-faithful trackers (hva, gfn, union) may use only what KVM had:
 * struct tracker_state's seq/in_progress/range and the hva range of the
 * notifier. A tracker that needs more (impl_exact) uses the invalidation
 * handle and its private area; it is a measuring instrument, not a proposal.
 *
 * All hooks are mandatory. To add a tracker: a folder impl_NAME/ with one .c
 * file defining `const struct tracker_ops NAME_tracker_ops`, and one line
 * TRACKER(NAME) in model/trackers.def.
 */
#ifndef MODEL_TRACKER_H
#define MODEL_TRACKER_H

#include <stdbool.h>
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

#define EXACT_MAX_RANGES 32 /* private area of impl_exact, see there */

struct exact_range {
	uint32_t handle; /* 0: free entry */
	uint32_t as_id;
	uint64_t start, end;
};

/* The fields of struct kvm that belong to invalidation tracking. */
struct tracker_state {
	uint64_t seq;         /* mmu_invalidate_seq */
	int64_t in_progress;  /* mmu_invalidate_in_progress */
	uint64_t range_start; /* hva or gfn, per tracker; INVALID_KEY = none */
	uint64_t range_end;
	/* Warn-once hits. Written from the read-locked check too, hence atomic
	 * increments (tracker_warn()). */
	uint64_t warnings[WARN_COUNT];
	/* Only for trackers that are instruments, not KVM policy. */
	struct exact_range exact[EXACT_MAX_RANGES];
	uint64_t exact_overflows; /* ranges merged because the area was full */
	uint64_t exact_unrecorded; /* ranges that found no entry at all */
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
};

/* Shared building blocks: the parts the kernel-faithful trackers have in
 * common, so that each tracker file shows only its own policy. */

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

#endif
