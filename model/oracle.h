/* Ground truth, independent of every tracker (SPEC section 3).
 *
 * The oracle knows which host pages each in-flight invalidation covers
 * (through the real slot mapping, so an aliased gfn is covered too) and each
 * page's generation. A fault is truly stale at its check iff an in-flight
 * invalidation covers its page, or the page's generation moved since the
 * fault resolved it. The set of in-flight invalidations only changes under
 * mmu_lock held for write, so a check under the read lock sees it exactly.
 */
#ifndef MODEL_ORACLE_H
#define MODEL_ORACLE_H

#include <stdbool.h>
#include <stdint.h>

#include "model/tracker.h"

#define ORACLE_MAX_INFLIGHT 8 /* concurrent invalidations the engines allow */
#define ORACLE_MAX_RANGES 8   /* host ranges per invalidation */

struct host_range {
	uint64_t start, end; /* host pages, [start, end) */
};

struct oracle_inval {
	uint32_t handle; /* 0: free */
	uint32_t n_ranges;
	struct host_range ranges[ORACLE_MAX_RANGES];
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

/* Registers an invalidation and the host pages it covers. Write lock held.
 * Returns -1 when more than ORACLE_MAX_INFLIGHT are in flight (an engine
 * bug: the engines cap invalidators). */
int oracle_begin(struct oracle_state *o, uint32_t handle,
		 const struct host_range *ranges, uint32_t n);
void oracle_end(struct oracle_state *o, uint32_t handle);
bool oracle_covered_scan_(const struct oracle_state *o, uint64_t page);
/* Is host page p covered by an in-flight invalidation? Inline for the
 * common case, nothing in flight: every check of every fault asks. */
static inline bool oracle_covered(const struct oracle_state *o, uint64_t page)
{
	return __atomic_load_n(&o->n_inflight, __ATOMIC_RELAXED) &&
	       oracle_covered_scan_(o, page);
}

/* Classifies one check. `verdict` is the tracker's, `stale` the oracle's.
 * `locked`: the check under mmu_lock (a "go" there installs the SPTE). */
void oracle_classify(struct actor_stats *s, enum retry_verdict verdict,
		     bool stale, bool locked);

void actor_stats_add(struct actor_stats *into, const struct actor_stats *from);

#endif
