/* The mmu-invalidation retry protocol of SPEC section 1, for spin.
 *
 * An independent witness for the C explorer (explore/): same actors, same
 * step granularity, same oracle, written from the spec rather than from the
 * C code, so that a bug in one checker shows up as a disagreement.
 *
 * Instantiated by the file that includes this one, which spin_check.c
 * generates from a scenario file (scenarios/README.md; spin/spin_world.c):
 *   TRACKER_PML   the path of the tracker's file, trackers/NAME.pml
 *                 (trackers/seqonly.pml, a broken one, tests the model)
 *   EARLY_CHECK   the Linux 6.8+ lock-free pre-checks (on by default)
 *   AUDIT_ONLY    drop the check-time assertion, keep the end audit: shows
 *                 that the two safety properties agree in kind
 *   the world: NSLOTS, NHOST, NSPTE, NVCPU, NINVAL; per slot (in the walk
 *   order: address space 0's slots, then 1's) SLOT_AS, SLOT_GFN, SLOT_HOST,
 *   SLOT_NPAGES, SLOT_SPTE, SLOT_PRIVATE; per vCPU v its script NFAULTS(v),
 *   FAULT_SLOT(v, k), FAULT_GFN(v, k); per invalidator i NINVS(i),
 *   INV_KIND(i, k), INV_AS(i, k), INV_LO(i, k), INV_HI(i, k); and
 *   start_actors(), which runs every actor.
 *
 * Steps (each one atomic transition, as in model/actor.h):
 *   invalidator: phase 1 (write lock: begin, range_add + zap per overlapping
 *                slot), phase 2 (host bumps page generations), phase 3
 *                (write lock: end = seq++ then in_progress--); a gfn zap is
 *                one step (write lock: begin, range_add, zap, end)
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
#define GFNZAP 2   /* kvm_zap_gfn_range: gfn range, every slot, one step */

#include "trackers.pml"

/* mmu_invalidate_seq, mmu_invalidate_in_progress, the tracked range. */
byte seq;
byte inprog;
byte rstart = INVALID;
byte rend = INVALID;

/* Host pages: generation, bumped in phase 2. An SPTE holds the generation
 * it was installed from, plus one (0: not present). */
byte gen[NHOST];
byte spte[NSPTE];

/* Oracle: host pages (bit mask, NHOST <= 31) of each invalidator's
 * in-flight invalidation, set in phase 1 when begin was called, cleared in
 * phase 3. */
int cover[NINVAL];

#define COVERED(p, i) ((cover[i] >> (p)) & 1)

/* Host page / SPTE of gfn g in slot s (constants from the scenario). */
#define HOST_OF(s, g) (SLOT_HOST(s) + (g) - SLOT_GFN(s))
#define SPTE_OF(s, g) (SLOT_SPTE(s) + (g) - SLOT_GFN(s))

inline print_tracker()
{
	printf("@@   tracker: seq=%d in_progress=%d range=[%d,%d)\n",
	       seq, inprog, rstart, rend)
}

/* A gfn zap (kvm_zap_gfn_range): one write-locked step, no page changes,
 * so the oracle never sees it: begin, one range_add, zap in every address
 * space, end. */
inline gfn_zap(id, lo, hi)
{
	d_step {
		printf("@@ inval%d gfn zap: gfn [%d,%d)\n", id, lo, hi);
		tr_begin(GFNZAP, lo, hi);
		tr_range_add(lo, hi);
		s = 0;
		do
		:: s < NSLOTS ->
			o = 0;
			do
			:: o < SLOT_NPAGES(s) ->
				if
				:: SLOT_GFN(s) + o >= lo && SLOT_GFN(s) + o < hi ->
					spte[SLOT_SPTE(s) + o] = 0
				:: else -> skip
				fi;
				o++
			:: else -> break
			od;
			s++
		:: else -> break
		od;
		tr_end();
		print_tracker()
	}
}

/* One notifier or guest_memfd invalidation, three steps. */
inline invalidate(id, kind, as, lo, hi)
{

	/* Phase 1, mmu_lock held for write. [oa, ob) is the overlap of the
	 * invalidation with slot s, as page offsets into the slot: a notifier
	 * reaches slots with an hva through host pages (== hva), a guest_memfd
	 * punch reaches private slots through gfns. */
	d_step {
		if
		:: kind == NOTIFIER ->
			printf("@@ inval%d phase 1: notifier hva [%d,%d)\n", id, lo, hi)
		:: else ->
			printf("@@ inval%d phase 1: guest_memfd gfn [%d,%d)\n", id, lo, hi)
		fi;
		s = 0;
		do
		:: s < NSLOTS ->
			oa = 0;
			ob = 0;
			if
			:: kind == NOTIFIER && !SLOT_PRIVATE(s) &&
			   lo < SLOT_HOST(s) + SLOT_NPAGES(s) && hi > SLOT_HOST(s) ->
				oa = (lo > SLOT_HOST(s) -> lo - SLOT_HOST(s) : 0);
				ob = (hi < SLOT_HOST(s) + SLOT_NPAGES(s) ->
				      hi - SLOT_HOST(s) : SLOT_NPAGES(s))
			:: kind == GMEM && SLOT_PRIVATE(s) && SLOT_AS(s) == as &&
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
					spte[SLOT_SPTE(s) + o] = 0;
					mask = mask | (1 << (SLOT_HOST(s) + o));
					o++
				:: else -> break
				od
			:: else -> skip
			fi;
			s++
		:: else -> break
		od;
		/* The oracle knows the pages only if KVM took part (begin). */
		cover[id] = (began -> mask : 0);
		print_tracker()
	};

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
		began = false;
		mask = 0;
		printf("@@ inval%d phase 3: end\n", id);
		print_tracker()
	}
}

proctype invalidator(byte id)
{
	byte s, oa, ob, o, k;
	int mask;
	bool began;

	do
	:: k < NINVS(id) ->
		if
		:: INV_KIND(id, k) == GFNZAP -> gfn_zap(id, INV_LO(id, k), INV_HI(id, k))
		:: else -> invalidate(id, INV_KIND(id, k), INV_AS(id, k),
				      INV_LO(id, k), INV_HI(id, k))
		fi;
		k++
	:: else -> break
	od
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
			stale = stale || COVERED(HOST_OF(s, g), i);
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

/* One fault of vCPU id: gfn g in slot s, retried until it installs. */
inline fault(id, s, g)
{
	/* One loop iteration per attempt: r != NONE after any check means a
	 * retry, back to reading the sequence number. */
	do
	:: d_step {
		snap_seq = seq;
		r = NONE;
		printf("@@ vcpu%d read seq: snapshot %d (fault gfn %d, slot%d)\n",
		       id, snap_seq, g, s)
	   };
#ifdef EARLY_CHECK
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
#ifdef EARLY_CHECK
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

proctype vcpu(byte id)
{
	byte snap_seq, snap_gen, r, i, k, s, g;
	bool stale;

	do
	:: k < NFAULTS(id) ->
		s = FAULT_SLOT(id, k);
		g = FAULT_GFN(id, k);
		fault(id, s, g);
		k++
	:: else -> break
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
