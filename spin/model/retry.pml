/* The mmu-invalidation retry protocol of SPEC section 1, for spin.
 *
 * An independent witness for the C explorer (explore/): same actors, same
 * step granularity, same oracle, written from the spec rather than from the
 * C code, so that a bug in one checker shows up as a disagreement.
 *
 * Selected at preprocessing time by the file that includes this one (see
 * spin/spin_check.c, which generates it):
 *   TRACKER_HVA | TRACKER_GFN | TRACKER_UNION   the tracker (trackers.pml);
 *   TRACKER_SEQONLY, a deliberately broken one, tests the model itself
 *   SCEN_MULTISLOT | SCEN_ALIAS | SCEN_CONCURRENT | SCEN_PRIVATE
 *   EARLY_CHECK   the Linux 6.8+ lock-free pre-checks (on by default), for
 *                 the trackers of that era (not hva, which is <= 6.7)
 *   YIELD         mmu_lock dropped inside a slot's zap, after every SPTE
 *                 once the walk made progress in that slot (the TDP MMU's
 *                 tdp_mmu_iter_cond_resched); each lock hold is one step
 *   AUDIT_ONLY    drop the check-time assertion, keep the end audit: shows
 *                 that the two safety properties agree in kind
 *
 * Steps (each one atomic transition, as in model/actor.h):
 *   invalidator: phase 1 (write lock: begin, range_add + zap per overlapping
 *                slot; with YIELD one step per lock hold), phase 2 (host
 *                bumps page generations), phase 3
 *                (write lock: end = seq++ then in_progress--)
 *   vCPU:        read seq; [pre-check]; resolve (snapshot generation);
 *                [pre-check]; locked check (retry, or install the SPTE)
 *
 * Every step prints one "@@" line. Verification ignores printf; the trail
 * replay (spin -t) prints them, and spin_check.c turns them into the
 * counterexample's step list.
 */

#define NONE 0
#define RANGE 1
#define SEQUENCE 2

#define NOTIFIER 0 /* mmu-notifier: hva range, slots with an hva */
#define GMEM 1     /* guest_memfd hole punch: gfn range, private slots */

#include "trackers.pml"

#if defined(SCEN_MULTISLOT)
#include "scenarios/multislot.pml"
#elif defined(SCEN_ALIAS)
#include "scenarios/alias.pml"
#elif defined(SCEN_CONCURRENT)
#include "scenarios/concurrent.pml"
#elif defined(SCEN_PRIVATE)
#include "scenarios/private.pml"
#elif defined(SCEN_YIELD)
#include "scenarios/yield.pml"
#else
#error "define one of SCEN_MULTISLOT, SCEN_ALIAS, SCEN_CONCURRENT, SCEN_PRIVATE, SCEN_YIELD"
#endif

/* The lock-free pre-checks came with the gfn-keyed tracking (6.8). */
#if defined(EARLY_CHECK) && !defined(TRACKER_HVA)
#define PRECHECK
#endif

/* mmu_invalidate_seq, mmu_invalidate_in_progress, the tracked range. */
byte seq;
byte inprog;
byte rstart = INVALID;
byte rend = INVALID;

/* Host pages: generation, bumped in phase 2. An SPTE holds the generation
 * it was installed from, plus one (0: not present). */
byte gen[NHOST];
byte spte[NSPTE];

/* Oracle: the SPTE positions (bit mask) each in-flight invalidation's walk
 * has reached, set at each slot's range_add, cleared in phase 3. A position
 * the walk has not reached is not covered: the walk zaps it later. */
byte cover[NINVAL];

#define COVERED(x, i) ((cover[i] >> (x)) & 1)

/* Host page / SPTE of gfn g in slot s (constants from the scenario). */
#define HOST_OF(s, g) (SLOT_HOST(s) + (g) - SLOT_GFN(s))
#define SPTE_OF(s, g) (SLOT_SPTE(s) + (g) - SLOT_GFN(s))

inline print_tracker()
{
	printf("@@   tracker: seq=%d in_progress=%d range=[%d,%d)\n",
	       seq, inprog, rstart, rend)
}

/* One lock hold of phase 1 from slot s, offset o: the overlap [oa, ob) of
 * the invalidation with slot s, as page offsets into the slot (a notifier
 * reaches slots with an hva through host pages == hva, a guest_memfd punch
 * reaches private slots through gfns); begin at the first, then range_add
 * and zap per slot. With YIELD the hold ends after one SPTE when the slot
 * has more and the walk made progress in it. */
inline walk_hold()
{
	zapped = 0;
	do
	:: s >= NSLOTS -> break
	:: s < NSLOTS && !entered ->
		oa = 0;
		ob = 0;
		if
		:: kind == NOTIFIER && !SLOT_PRIVATE(s) &&
		   lo < SLOT_HOST(s) + SLOT_NPAGES(s) && hi > SLOT_HOST(s) ->
			oa = (lo > SLOT_HOST(s) -> lo - SLOT_HOST(s) : 0);
			ob = (hi < SLOT_HOST(s) + SLOT_NPAGES(s) ->
			      hi - SLOT_HOST(s) : SLOT_NPAGES(s))
		:: kind == GMEM && SLOT_PRIVATE(s) &&
		   lo < SLOT_GFN(s) + SLOT_NPAGES(s) && hi > SLOT_GFN(s) ->
			oa = (lo > SLOT_GFN(s) -> lo - SLOT_GFN(s) : 0);
			ob = (hi < SLOT_GFN(s) + SLOT_NPAGES(s) ->
			      hi - SLOT_GFN(s) : SLOT_NPAGES(s))
		:: else -> skip
		fi;
		if
		:: oa < ob ->
			/* begin once, at the first overlapping slot */
			if
			:: !began ->
				tr_begin(kind, lo, hi);
				began = true;
				printf("@@   begin\n")
			:: else -> skip
			fi;
			tr_range_add(SLOT_GFN(s) + oa, SLOT_GFN(s) + ob);
			printf("@@   range_add slot%d gfn [%d,%d), zap\n", s,
			       SLOT_GFN(s) + oa, SLOT_GFN(s) + ob);
			o = oa;
			do
			:: o < ob ->
				cover[id] = cover[id] | (1 << (SLOT_SPTE(s) + o));
				mask = mask | (1 << (SLOT_HOST(s) + o));
				o++
			:: else -> break
			od;
			o = oa;
			entered = true
		:: else -> s++
		fi
	:: s < NSLOTS && entered && o < ob ->
#ifdef YIELD
		if
		:: zapped >= 1 && o > oa -> break
		:: else -> skip
		fi;
#endif
		spte[SLOT_SPTE(s) + o] = 0;
		o++;
		zapped++
	:: s < NSLOTS && entered && o >= ob ->
		entered = false;
		s++
	od
}

proctype invalidator(byte id; byte kind; byte lo; byte hi)
{
	byte s, oa, ob, o, mask, zapped;
	bool began, entered;

	/* Phase 1, mmu_lock held for write: the first lock hold. */
	d_step {
		if
		:: kind == NOTIFIER ->
			printf("@@ inval%d phase 1: notifier hva [%d,%d)\n", id, lo, hi)
		:: else ->
			printf("@@ inval%d phase 1: guest_memfd gfn [%d,%d)\n", id, lo, hi)
		fi;
		walk_hold();
		print_tracker()
	};
	/* Further lock holds after yields (only with YIELD). */
	do
	:: s < NSLOTS ->
		d_step {
			printf("@@ inval%d phase 1: zap after yield\n", id);
			walk_hold();
			print_tracker()
		}
	:: else -> break
	od;
	/* A statement outside any d_step for the break to land on: spin
	 * rejects a jump into a d_step sequence. */
	zapped = 0;

	/* Phase 2, no lock: the host changes the pages. */
	d_step {
		o = 0;
		do
		:: o < NHOST ->
			if
			:: (mask >> o) & 1 -> gen[o]++
			:: else -> skip
			fi;
			o++
		:: else -> break
		od;
		printf("@@ inval%d phase 2: host changes pages (mask 0x%x)\n", id, mask)
	};

	/* Phase 3, mmu_lock held for write. No begin, no end. */
	d_step {
		if
		:: began -> tr_end()
		:: else -> skip
		fi;
		cover[id] = 0;
		printf("@@ inval%d phase 3: end\n", id);
		print_tracker()
	}
}

/* The pre-check (lock-free, Linux 6.8+) and the locked check ask the same
 * question; in the model both are one atomic step, like every other. */
#define CHECK(s, g, snap, r) \
	tr_retry(SLOT_PRIVATE(s), g, HOST_OF(s, g), snap, r)

inline locked_check(s, g)
{
	/* The locked check (mmu_lock for read): the oracle's verdict is taken
	 * in the same step, so it sees exactly the state the tracker sees. */
	d_step {
		CHECK(s, g, snap_seq, r);
		stale = (gen[HOST_OF(s, g)] != snap_gen);
		i = 0;
		do
		:: i < NINVAL ->
			stale = stale || COVERED(SPTE_OF(s, g), i);
			i++
		:: else -> break
		od;
		/* One printf per line: spin indents every printf call. */
		if
		:: stale ->
			printf("@@ vcpu%d locked check gfn %d, snapshot seq=%d: tracker seq=%d in_progress=%d range=[%d,%d), truly stale\n",
			       id, g, snap_seq, seq, inprog, rstart, rend)
		:: else ->
			printf("@@ vcpu%d locked check gfn %d, snapshot seq=%d: tracker seq=%d in_progress=%d range=[%d,%d), not stale\n",
			       id, g, snap_seq, seq, inprog, rstart, rend)
		fi;
		if
		:: r == NONE ->
			spte[SPTE_OF(s, g)] = snap_gen + 1;
			printf("@@   no retry: INSTALL spte <- generation %d\n", snap_gen)
		:: r == RANGE -> printf("@@   RETRY (range)\n")
		:: else -> printf("@@   RETRY (sequence)\n")
		fi
	};
#ifndef AUDIT_ONLY
	/* Safety 1: never "no retry" when truly stale. */
	assert(r != NONE || !stale);
#endif
}

proctype vcpu(byte id; byte s; byte g)
{
	byte snap_seq, snap_gen, r, i;
	bool stale;

	/* One loop iteration per attempt: r != NONE after any check means a
	 * retry, back to reading the sequence number. */
	do
	:: d_step {
		snap_seq = seq;
		r = NONE;
		printf("@@ vcpu%d read seq: snapshot %d (fault gfn %d, slot%d)\n",
		       id, snap_seq, g, s)
	   };
#ifdef PRECHECK
	   d_step {
		CHECK(s, g, snap_seq, r);
		if
		:: r == NONE -> printf("@@ vcpu%d pre-check 1: go\n", id)
		:: else -> printf("@@ vcpu%d pre-check 1: early retry\n", id)
		fi
	   };
#endif
	   if
	   :: r == NONE ->
		d_step {
			snap_gen = gen[HOST_OF(s, g)];
			printf("@@ vcpu%d resolve: host page %d generation %d\n",
			       id, HOST_OF(s, g), snap_gen)
		};
#ifdef PRECHECK
		d_step {
			CHECK(s, g, snap_seq, r);
			if
			:: r == NONE -> printf("@@ vcpu%d pre-check 2: go\n", id)
			:: else -> printf("@@ vcpu%d pre-check 2: early retry\n", id)
			fi
		};
#endif
		if
		:: r == NONE -> locked_check(s, g)
		:: else -> skip
		fi
	   :: else -> skip
	   fi;
	   if
	   :: r == NONE -> break
	   :: else -> skip
	   fi
	od
}

init {
	byte s, o;

	atomic {
		start_actors()
	};
	(_nr_pr == 1);
	/* Safety 2, the end audit: no installed SPTE holds a generation that
	 * is no longer its host page's. */
	d_step {
		s = 0;
		do
		:: s < NSLOTS ->
			o = 0;
			do
			:: o < SLOT_NPAGES(s) ->
				if
				:: spte[SLOT_SPTE(s) + o] != 0 &&
				   spte[SLOT_SPTE(s) + o] != gen[SLOT_HOST(s) + o] + 1 ->
					printf("@@ audit: slot%d gfn %d spte holds generation %d, host page %d is at %d\n",
					       s, SLOT_GFN(s) + o, spte[SLOT_SPTE(s) + o] - 1,
					       SLOT_HOST(s) + o, gen[SLOT_HOST(s) + o])
				:: else -> skip
				fi;
				assert(spte[SLOT_SPTE(s) + o] == 0 ||
				       spte[SLOT_SPTE(s) + o] == gen[SLOT_HOST(s) + o] + 1);
				o++
			:: else -> break
			od;
			s++
		:: else -> break
		od
	}
}
