/* Ground truth, independent of every tracker (SPEC section 3).
 *
 * The oracle knows, for each in-flight invalidation, which SPTE positions
 * (address space, gfn) its walk has reached: every slot whose range it has
 * added, through the real slot mapping, so an aliased gfn is covered once
 * the walk reaches the alias. A position is covered from the range_add of
 * its slot to the end, whatever the invalidation changes: host pages
 * (notifier, guest_memfd) or only how gfns may be mapped (gfn-only zaps,
 * memory-attribute conversions). A fault is truly stale at its check iff an
 * in-flight invalidation covers its position, or the version of what it
 * maps (page generation plus attribute generation, model/vm.h) moved since
 * the fault resolved it.
 *
 * A position of a guest_memfd slot has two copies (model/vm.h). Coverage
 * can name them (ORACLE_SHARED, ORACLE_PRIVATE), but the model covers
 * both for every kind: versions are per SPTE position (model/spte_map.h),
 * so a change of either copy moves the position's version, and coverage
 * must judge the same unit or the end audit would find SPTEs the check
 * called safe. A retry that one copy's invalidation causes on a fault
 * mapping the other therefore counts as a true positive.
 *
 * Why "reached" and not "will be reached": the kernel may drop mmu_lock in
 * the middle of a walk (TDP MMU yields). An SPTE installed on a slot the
 * walk has not reached yet is zapped when the walk gets there, so it is not
 * a miss; one installed behind the walk survives into phase 2.
 *
 * The set only changes under mmu_lock held for write, so a check under the
 * read lock sees it exactly.
 */
#ifndef MODEL_ORACLE_H
#define MODEL_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/tracker.h"

#define ORACLE_MAX_INFLIGHT 8 /* concurrent invalidations the engines allow */
#define ORACLE_MAX_RANGES 8   /* ranges per invalidation */
#define ORACLE_ALL_AS UINT32_MAX /* a range in every address space */
#define ORACLE_SHARED 1u  /* copies a range covers: the hva-backed one */
#define ORACLE_PRIVATE 2u /* the guest_memfd one */
#define ORACLE_BOTH (ORACLE_SHARED | ORACLE_PRIVATE)

struct host_range {
	uint64_t start, end; /* host pages, [start, end) */
};

struct oracle_range {
	uint32_t as_id; /* or ORACLE_ALL_AS */
	uint32_t copies; /* ORACLE_SHARED and/or ORACLE_PRIVATE */
	uint64_t start, end; /* gfns, [start, end) */
};

struct oracle_inval {
	uint32_t handle; /* 0: free */
	uint32_t n_ranges;
	struct oracle_range ranges[ORACLE_MAX_RANGES];
};

struct oracle_state {
	uint32_t n_inflight; /* lets the common case (nothing) skip the scan */
	struct oracle_inval inflight[ORACLE_MAX_INFLIGHT];
};

/* Counters every engine reports (SPEC section 5). */
struct actor_stats {
	uint64_t steps;
	uint64_t attempts;      /* fault attempts, retries included */
	uint64_t faults;        /* completed: SPTE installed */
	uint64_t retries;       /* all retries, early ones included */
	uint64_t retries_range;
	uint64_t retries_seq;
	uint64_t retries_early; /* from the lock-free pre-checks */
	uint64_t tp;            /* retry and truly stale */
	uint64_t fp_range;      /* retry, not stale, range condition fired */
	uint64_t fp_seq;        /* retry, not stale, sequence fired */
	uint64_t fn;            /* locked check said go, truly stale */
	/* Of tp/fp_range/fp_seq, those classified at a lock-free pre-check.
	 * With real threads that classification is approximate (tracker and
	 * oracle are read at different instants, without mmu_lock); the
	 * locked ones (total minus these) are exact. */
	uint64_t tp_early;
	uint64_t fp_range_early;
	uint64_t fp_seq_early;
	uint64_t fn_stale_page; /* of which the installed page was already old */
	uint64_t stale_replaced; /* stale SPTEs found when zapped or overwritten */
	uint64_t invalidations; /* completed (end called) */
	uint64_t invalidations_untracked; /* no slot overlapped: no begin */
};

/* Registers an invalidation, covering nothing yet. Write lock held.
 * Returns -1 when more than ORACLE_MAX_INFLIGHT are in flight (an engine
 * bug: the engines cap invalidators). */
int oracle_begin(struct oracle_state *o, uint32_t handle);
/* The walk of `handle` reached gfns [start, end) of address space as_id,
 * for the copies named. Touching ranges merge (their copies too); past
 * ORACLE_MAX_RANGES the last one widens to every address space, which
 * over-approximates: it can make a safe tracker look unsafe, never hide a
 * miss. Write lock held. */
void oracle_cover(struct oracle_state *o, uint32_t handle, uint32_t as_id,
		  uint32_t copies, uint64_t start, uint64_t end);
void oracle_end(struct oracle_state *o, uint32_t handle);
bool oracle_covered_scan_(const struct oracle_state *o, uint32_t as_id,
			  uint64_t gfn, uint32_t copy);
/* Is copy (ORACLE_SHARED or ORACLE_PRIVATE) of (as_id, gfn) covered by an
 * in-flight invalidation? Inline for the common case, nothing in flight:
 * every check of every fault asks. */
static inline bool oracle_covered(const struct oracle_state *o, uint32_t as_id,
				  uint64_t gfn, uint32_t copy)
{
	return __atomic_load_n(&o->n_inflight, __ATOMIC_RELAXED) &&
	       oracle_covered_scan_(o, as_id, gfn, copy);
}

void oracle_classify_retry_(struct actor_stats *s, enum retry_verdict verdict,
			    bool stale, bool locked);
/* Classifies one check. `verdict` is the tracker's, `stale` the oracle's.
 * `locked`: the check under mmu_lock (a "go" there installs the SPTE).
 * A go, the common case, is inline. */
static inline void oracle_classify(struct actor_stats *s,
				   enum retry_verdict verdict, bool stale,
				   bool locked)
{
	if (verdict != RETRY_NONE)
		oracle_classify_retry_(s, verdict, stale, locked);
	/* Only the locked check commits to installing the SPTE; a pre-check
	 * that says "go" decides nothing yet. */
	else if (locked && stale)
		s->fn++;
}

void actor_stats_add(struct actor_stats *into, const struct actor_stats *from);

#endif
