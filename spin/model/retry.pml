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
 *   EARLY_CHECK   the Linux 6.8+ lock-free pre-checks (on by default);
 *                 spin_check.c defines it only for trackers of that era
 *                 (those with a lock-free check: not hva, <= 6.7)
 *   AUDIT_ONLY    drop the check-time assertion, keep the end audit: shows
 *                 that the two safety properties agree in kind
 *   the world: NSLOTS, NHOST, NSPTE, NVCPU, NINVAL; per slot (in the walk
 *   order: address space 0's slots, then 1's) SLOT_AS, SLOT_GFN, SLOT_HOST,
 *   SLOT_NPAGES, SLOT_SPTE, SLOT_PRIVATE (the earlier shape: private pages
 *   only, no hva), SLOT_GMEM (the kernel's guest_memfd slot: an hva and a
 *   binding at the same gfns), SLOT_PHOST (first page of the private copy),
 *   SLOT_INITPRIV (its gfns start private); per vCPU v its script NFAULTS(v),
 *   FAULT_SLOT(v, k), FAULT_GFN(v, k); per invalidator i NINVS(i),
 *   INV_KIND(i, k), INV_AS(i, k), INV_LO(i, k), INV_HI(i, k),
 *   INV_YIELD(i, k) (0: one lock hold; N: mmu_lock may drop after N present
 *   SPTEs), INV_TO(i, k) (a conversion's attribute, 1: private); the walk
 *   orders WALK_NOTIFIER(j) and WALK_GFN(j); and
 *   start_actors(), which runs every actor.
 *
 * Steps (each one atomic transition, as in model/actor.h):
 *   invalidator: phase 1 (write lock: begin, range_add + zap per slot
 *                reached, one step per lock hold when the walk yields),
 *                phase 2 (host bumps page generations, or a conversion the
 *                attribute generations), phase 3 (write lock: end = seq++
 *                then in_progress--); a gfn zap is its lock holds, the
 *                last one ending it (attributes change, end)
 *   vCPU:        access (no fault if the SPTE is present); read seq;
 *                [pre-check]; resolve (snapshot version); [pre-check];
 *                locked check (retry, or install the SPTE)
 *
 * Every step prints one "@@" line. Verification ignores printf; the trail
 * replay (spin -t) prints them, and spin_check.c turns them into the
 * counterexample's step list.
 */

#define NONE 0
#define RANGE 1
#define SEQUENCE 2

#define NOTIFIER 0 /* mmu-notifier: hva range, slots with an hva */
#define GMEM 1     /* guest_memfd hole punch: gfn range, slots with a
		    * private copy */
#define GFNZAP 2   /* kvm_zap_gfn_range: gfn range, every slot of every
		    * address space; begin..end under the lock (which the zap
		    * may drop) */
#define ATTR 3     /* kvm_vm_set_mem_attributes: gfn range, every slot of
		    * every address space, three phases; phase 2 changes
		    * attributes, not pages */

#include "trackers.pml"

/* mmu_invalidate_seq, mmu_invalidate_in_progress, the tracked range. */
byte seq;
byte inprog;
byte rstart = INVALID;
byte rend = INVALID;

/* Host pages: generation, bumped in phase 2. SPTE positions: attribute
 * generation, bumped when a gfn-only change (gfn zap, attribute
 * conversion) alters how the gfn may be mapped. An SPTE holds the version
 * it was installed from (page generation + attribute generation), plus one
 * (0: not present). */
byte gen[NHOST];
byte attr[NSPTE];
byte spte[NSPTE];
/* The private attribute of each SPTE position (kvm_mem_is_private): which
 * copy a fault maps. Set in init from the slots, changed by conversions on
 * guest_memfd slots. */
bool priv[NSPTE];

/* Oracle (model/oracle.h): the SPTE positions (bit mask, NSPTE <= 31) each
 * invalidator's walk has reached, set at each slot's range_add (for a gfn
 * zap, its whole range in every address space at begin), cleared at end. A
 * position the walk has not reached is not covered: the walk zaps it
 * later. Kept per copy (cover: shared, pcover: private) but judged per
 * position, as versions are: a change of either copy of a guest_memfd
 * slot moves the position's version, so coverage counts for both. */
int cover[NINVAL];
int pcover[NINVAL];

#define COVERED(x, i, p) (((cover[i] | pcover[i]) >> (x)) & 1)

/* Host page (the hva for a shared slot) / private copy's page / SPTE of
 * gfn g in slot s (constants from the scenario). */
#define HOST_OF(s, g) (SLOT_HOST(s) + (g) - SLOT_GFN(s))
#define PHOST_OF(s, g) (SLOT_PHOST(s) + (g) - SLOT_GFN(s))
#define SPTE_OF(s, g) (SLOT_SPTE(s) + (g) - SLOT_GFN(s))
#define ISPRIV(s, g) priv[SPTE_OF(s, g)]
#define PAGE_OF(s, g) (ISPRIV(s, g) -> PHOST_OF(s, g) : HOST_OF(s, g))
/* What an SPTE maps, per position (model/spte_map.h): the generations of
 * the pages behind it (both copies of a guest_memfd slot: a change of
 * either moves it) plus the attribute generation. */
#define VERSION(s, g) (gen[HOST_OF(s, g)] + \
		       (SLOT_GMEM(s) -> gen[PHOST_OF(s, g)] : 0) + attr[SPTE_OF(s, g)])

inline print_tracker()
{
	printf("@@   tracker: seq=%d in_progress=%d range=[%d,%d)\n",
	       seq, inprog, rstart, rend)
}

/* The overlap [oa, ob) of invalidation (kind, as, lo, hi) with slot s, as
 * page offsets into the slot (oa == ob: none): a notifier reaches slots
 * with an hva (guest_memfd slots too) through host pages (== hva), a
 * guest_memfd punch the slots with a private copy in its address space
 * through gfns, a gfn zap or an attribute
 * conversion every slot of every address space through gfns. */
inline reach(kind, as, lo, hi)
{
	oa = 0;
	ob = 0;
	if
	:: kind == NOTIFIER && !SLOT_PRIVATE(s) &&
	   lo < SLOT_HOST(s) + SLOT_NPAGES(s) && hi > SLOT_HOST(s) ->
		oa = (lo > SLOT_HOST(s) -> lo - SLOT_HOST(s) : 0);
		ob = (hi < SLOT_HOST(s) + SLOT_NPAGES(s) ->
		      hi - SLOT_HOST(s) : SLOT_NPAGES(s))
	:: kind != NOTIFIER &&
	   (kind != GMEM || ((SLOT_PRIVATE(s) || SLOT_GMEM(s)) && SLOT_AS(s) == as)) &&
	   lo < SLOT_GFN(s) + SLOT_NPAGES(s) && hi > SLOT_GFN(s) ->
		oa = (lo > SLOT_GFN(s) -> lo - SLOT_GFN(s) : 0);
		ob = (hi < SLOT_GFN(s) + SLOT_NPAGES(s) ->
		      hi - SLOT_GFN(s) : SLOT_NPAGES(s))
	:: else -> skip
	fi
}

/* One lock hold of a walk (model/actor.c: walk_hold), from walk position j
 * (the kernel's slot order: WALK_NOTIFIER(j) for notifiers, ascending hva
 * per address space; WALK_GFN(j) for gfn-keyed walks). The first hold of a
 * gfn zap begins and adds the whole range, covered in every address space;
 * other walks begin at the first slot reached, then range_add per slot.
 * Every walk zaps the SPTEs it reaches, counting present ones only (the
 * TDP iterator skips absent page tables). With y > 0 the hold ends before
 * a present SPTE of the current slot once it zapped y SPTEs, at least one
 * of them in this slot (tdp_mmu_iter_cond_resched: only after forward
 * progress), never while only absent ones are left; the next hold goes on
 * from that SPTE. */
inline walk_hold(id, kind, as, lo, hi, y)
{
	zapped = 0;
	moved = false;
	if
	:: kind == GFNZAP && !began ->
		tr_begin(GFNZAP, lo, hi);
		tr_range_add(GFNZAP, lo, hi, lo, hi);
		began = true;
		s = 0;
		do
		:: s < NSLOTS ->
			o = 0;
			do
			:: o < SLOT_NPAGES(s) ->
				if
				:: SLOT_GFN(s) + o >= lo && SLOT_GFN(s) + o < hi ->
					cover[id] = cover[id] | (1 << (SLOT_SPTE(s) + o));
					pcover[id] = pcover[id] | (1 << (SLOT_SPTE(s) + o))
				:: else -> skip
				fi;
				o++
			:: else -> break
			od;
			s++
		:: else -> break
		od;
		printf("@@   begin, range_add gfn [%d,%d) in every address space\n", lo, hi)
	:: else -> skip
	fi;
	do
	:: j >= NSLOTS -> break
	:: j < NSLOTS && !entered ->
		s = (kind == NOTIFIER -> WALK_NOTIFIER(j) : WALK_GFN(j));
		reach(kind, as, lo, hi);
		if
		:: oa < ob ->
			if
			:: kind != GFNZAP ->
				/* begin once, at the first slot reached */
				if
				:: !began ->
					tr_begin(kind, lo, hi);
					began = true;
					printf("@@   begin\n")
				:: else -> skip
				fi;
				tr_range_add(kind, lo, hi, SLOT_GFN(s) + oa, SLOT_GFN(s) + ob);
				printf("@@   range_add slot%d gfn [%d,%d), zap\n", s,
				       SLOT_GFN(s) + oa, SLOT_GFN(s) + ob);
				o = oa;
				do
				:: o < ob ->
					if
					:: kind != GMEM ->
						cover[id] = cover[id] | (1 << (SLOT_SPTE(s) + o))
					:: else -> skip
					fi;
					if
					:: kind != NOTIFIER ->
						pcover[id] = pcover[id] | (1 << (SLOT_SPTE(s) + o))
					:: else -> skip
					fi;
					o++
				:: else -> break
				od
			:: else -> skip
			fi;
			/* Only notifiers and hole punches change pages: a
			 * notifier the shared copy, a punch the private one. */
			if
			:: kind == NOTIFIER || kind == GMEM ->
				o = oa;
				do
				:: o < ob ->
					mask = mask | (1 << ((kind == GMEM -> SLOT_PHOST(s)
									    : SLOT_HOST(s)) + o));
					o++
				:: else -> break
				od
			:: else -> skip
			fi;
			o = oa;
			moved = false;
			entered = true
		:: else -> j++
		fi
	:: j < NSLOTS && entered && o < ob && spte[SLOT_SPTE(s) + o] == 0 ->
		o++ /* absent: skipped, costs no budget */
	:: j < NSLOTS && entered && o < ob && spte[SLOT_SPTE(s) + o] != 0 ->
		if
		:: y > 0 && zapped >= y && moved -> break
		:: else -> skip
		fi;
		spte[SLOT_SPTE(s) + o] = 0;
		o++;
		zapped++;
		moved = true
	:: j < NSLOTS && entered && o >= ob ->
		entered = false;
		j++
	od
}

/* The attribute generation of every SPTE position the walk covered moves
 * (a gfn zap's end, an attribute conversion's phase 2); a conversion also
 * sets the private attribute of the guest_memfd slots' positions (the
 * xarray store). A gfn zap or a conversion covers both copies. */
inline change_attributes(id, kind, to)
{
	s = 0;
	do
	:: s < NSLOTS ->
		o = 0;
		do
		:: o < SLOT_NPAGES(s) ->
			if
			:: (cover[id] >> (SLOT_SPTE(s) + o)) & 1 ->
				attr[SLOT_SPTE(s) + o]++;
				if
				:: kind == ATTR && SLOT_GMEM(s) ->
					priv[SLOT_SPTE(s) + o] = to
				:: else -> skip
				fi
			:: else -> skip
			fi;
			o++
		:: else -> break
		od;
		s++
	:: else -> break
	od
}

/* One invalidation: phase 1 as one step per lock hold, then for a gfn zap
 * end in the last hold; else phase 2 (no lock: the host changes the pages,
 * or the gfns' attributes change) and phase 3 (write lock: end). */
inline invalidate(id, kind, as, lo, hi, y, to)
{
	d_step {
		j = 0;
		if
		:: kind == NOTIFIER ->
			printf("@@ inval%d phase 1: notifier hva [%d,%d)\n", id, lo, hi)
		:: kind == GMEM ->
			printf("@@ inval%d phase 1: guest_memfd gfn [%d,%d)\n", id, lo, hi)
		:: kind == GFNZAP ->
			printf("@@ inval%d gfn zap: gfn [%d,%d)\n", id, lo, hi)
		:: else ->
			printf("@@ inval%d phase 1: attribute conversion gfn [%d,%d)\n", id, lo, hi)
		fi;
		walk_hold(id, kind, as, lo, hi, y);
		print_tracker()
	};
	/* Further lock holds after yields. */
	do
	:: j < NSLOTS ->
		d_step {
			printf("@@ inval%d phase 1: zap after yield\n", id);
			walk_hold(id, kind, as, lo, hi, y);
			print_tracker()
		}
	:: else -> break
	od;

	if
	:: kind == GFNZAP ->
		/* The last hold ends it: attributes change, end. */
		d_step {
			change_attributes(id, kind, to);
			tr_end();
			cover[id] = 0;
			pcover[id] = 0;
			began = false;
			printf("@@ inval%d gfn zap: end\n", id);
			print_tracker()
		}
	:: else ->
		/* Phase 2, no lock. */
		d_step {
			if
			:: kind == ATTR && began -> change_attributes(id, kind, to)
			:: else -> skip
			fi;
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
			pcover[id] = 0;
			began = false;
			mask = 0;
			printf("@@ inval%d phase 3: end\n", id);
			print_tracker()
		}
	fi
}

proctype invalidator(byte id)
{
	byte s, oa, ob, o, k, j, zapped;
	int mask;
	bool began, entered, moved;

	do
	:: k < NINVS(id) ->
		invalidate(id, INV_KIND(id, k), INV_AS(id, k), INV_LO(id, k),
			   INV_HI(id, k), INV_YIELD(id, k), INV_TO(id, k));
		k++
	:: else -> break
	od
}

/* The pre-check (lock-free, Linux 6.8+) and the locked check ask the same
 * question; in the model both are one atomic step, like every other. A
 * fault on the private copy (p) has no hva. */
#define CHECK(s, g, p, snap, r) \
	tr_retry((p), g, HOST_OF(s, g), snap, r)

inline locked_check(s, g)
{
	/* The locked check (mmu_lock for read): the oracle's verdict is taken
	 * in the same step, so it sees exactly the state the tracker sees. */
	d_step {
		CHECK(s, g, ISPRIV(s, g), snap_seq, r);
		stale = (VERSION(s, g) != snap_gen);
		i = 0;
		do
		:: i < NINVAL ->
			stale = stale || COVERED(SPTE_OF(s, g), i, ISPRIV(s, g));
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
			printf("@@   no retry: INSTALL spte <- version %d\n", snap_gen)
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
		/* The access (first, or again after a retry re-entered the
		 * guest) exits only if the SPTE is not present. */
		present = (spte[SPTE_OF(s, g)] != 0);
		if
		:: present ->
			printf("@@ vcpu%d access gfn %d: SPTE present, no fault\n", id, g)
		:: else ->
			snap_seq = seq;
			r = NONE;
			printf("@@ vcpu%d read seq: snapshot %d (fault gfn %d, slot%d)\n",
			       id, snap_seq, g, s)
		fi
	   };
	   if
	   :: present -> break
	   :: else -> skip
	   fi;
#ifdef EARLY_CHECK
	   d_step {
		/* Before resolving, the copy the attribute says now. */
		CHECK(s, g, ISPRIV(s, g), snap_seq, r);
		if
		:: r == NONE -> printf("@@ vcpu%d pre-check 1: go\n", id)
		:: else -> printf("@@ vcpu%d pre-check 1: early retry\n", id)
		fi
	   };
#endif
	   if
	   :: r == NONE ->
		d_step {
			snap_gen = VERSION(s, g);
			if
			:: ISPRIV(s, g) ->
				printf("@@ vcpu%d resolve: private page %d version %d\n",
				       id, PAGE_OF(s, g), snap_gen)
			:: else ->
				printf("@@ vcpu%d resolve: host page %d version %d\n",
				       id, PAGE_OF(s, g), snap_gen)
			fi
		};
#ifdef EARLY_CHECK
		d_step {
			CHECK(s, g, ISPRIV(s, g), snap_seq, r);
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
	bool stale, present;

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
		s = 0;
		do
		:: s < NSLOTS ->
			o = 0;
			do
			:: o < SLOT_NPAGES(s) ->
				priv[SLOT_SPTE(s) + o] = SLOT_INITPRIV(s);
				o++
			:: else -> break
			od;
			s++
		:: else -> break
		od;
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
				   spte[SLOT_SPTE(s) + o] != VERSION(s, SLOT_GFN(s) + o) + 1 ->
					printf("@@ audit: slot%d gfn %d spte holds version %d, now %d\n",
					       s, SLOT_GFN(s) + o, spte[SLOT_SPTE(s) + o] - 1,
					       VERSION(s, SLOT_GFN(s) + o))
				:: else -> skip
				fi;
				assert(spte[SLOT_SPTE(s) + o] == 0 ||
				       spte[SLOT_SPTE(s) + o] == VERSION(s, SLOT_GFN(s) + o) + 1);
				o++
			:: else -> break
			od;
			s++
		:: else -> break
		od
	}
}
