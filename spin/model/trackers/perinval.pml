/* impl_perinval/tracker_perinval.c: three places, each one invalidation's
 * range (handle: invalidator id + 1), dropped at its end; what finds no
 * place spills into the overflow, union's range (rstart/rend) plus the
 * spilling notifiers' hva range, dropped when no invalidation in flight
 * can have spilled. */

#define PL 3
byte ph[PL]; /* handle, 0: free */
byte ps[PL];
byte pe[PL];
bool pf[PL]; /* this invalidation also spilled */
byte ohs;    /* the overflow's hva range; ohe == 0: none */
byte ohe;
/* scratch, zeroed after use */
byte pi, pj, pfree, pdist;
bool pspill, pdone;

inline tr_begin(kind, lo, hi)
{
	inprog++
}

inline spill_hva(lo, hi)
{
	if
	:: ohe == 0 || lo < ohs -> ohs = lo
	:: else -> skip
	fi;
	if
	:: hi > ohe -> ohe = hi
	:: else -> skip
	fi
}

inline tr_range_add(kind, lo, hi, a, b)
{
	pspill = (rstart != INVALID);
	pfree = PL;
	pdone = false;
	pi = 0;
	do
	:: pi < PL && !pdone ->
		if
		:: ph[pi] == 0 && pfree == PL -> pfree = pi
		:: ph[pi] == id + 1 ->
			pspill = pf[pi];
			if
			:: a <= pe[pi] && b >= ps[pi] ->
				ps[pi] = (a < ps[pi] -> a : ps[pi]);
				pe[pi] = (b > pe[pi] -> b : pe[pi]);
				pdone = true
			:: else -> skip
			fi
		:: else -> skip
		fi;
		pi++
	:: else -> break
	od;
	if
	:: pdone -> skip
	:: !pdone && pfree != PL ->
		ph[pfree] = id + 1; ps[pfree] = a; pe[pfree] = b; pf[pfree] = pspill
	:: else ->
		/* spill: union's range, the notifier's hva range, mark mine */
		set_or_union(rstart == INVALID, a, b);
		if
		:: kind == NOTIFIER -> spill_hva(lo, hi)
		:: else -> spill_hva(0, WHOLE_END)
		fi;
		pi = 0;
		do
		:: pi < PL ->
			if
			:: ph[pi] == id + 1 -> pf[pi] = true
			:: else -> skip
			fi;
			pi++
		:: else -> break
		od
	fi;
	pi = 0; pfree = 0; pspill = false; pdone = false
}

#define TR_OWN_END
/* Replaces the shared tr_end: drop my places, seq++, in_progress--, and
 * the overflow when every invalidation in flight has a place and none
 * spilled. */
inline tr_end()
{
	pi = 0;
	do
	:: pi < PL ->
		if
		:: ph[pi] == id + 1 -> ph[pi] = 0; ps[pi] = 0; pe[pi] = 0; pf[pi] = false
		:: else -> skip
		fi;
		pi++
	:: else -> break
	od;
	seq++;
	inprog--;
	pdist = 0;
	pspill = false;
	pi = 0;
	do
	:: pi < PL ->
		if
		:: ph[pi] != 0 ->
			pspill = pspill || pf[pi];
			pdone = true;
			pj = 0;
			do
			:: pj < pi ->
				pdone = pdone && ph[pj] != ph[pi];
				pj++
			:: else -> break
			od;
			pdist = pdist + (pdone -> 1 : 0)
		:: else -> skip
		fi;
		pi++
	:: else -> break
	od;
	if
	:: !pspill && inprog <= pdist && rstart != INVALID ->
		rstart = INVALID; rend = INVALID; ohs = 0; ohe = 0
	:: else -> skip
	fi;
	pi = 0; pj = 0; pdist = 0; pspill = false; pdone = false
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	r = NONE;
	if
	:: inprog != 0 ->
		if
		:: rstart != INVALID && gfn >= rstart && gfn < rend &&
		   (is_private || (hva >= ohs && hva < ohe)) -> r = RANGE
		:: else -> skip
		fi;
		pi = 0;
		do
		:: pi < PL ->
			if
			:: ph[pi] != 0 && gfn >= ps[pi] && gfn < pe[pi] -> r = RANGE
			:: else -> skip
			fi;
			pi++
		:: else -> break
		od;
		/* nothing recorded while in progress: a KVM bug, retry */
		if
		:: ph[0] == 0 && ph[1] == 0 && ph[2] == 0 && rstart == INVALID -> r = RANGE
		:: else -> skip
		fi;
		pi = 0
	:: else -> skip
	fi;
	if
	:: r == NONE -> r = (seq != snap -> SEQUENCE : NONE)
	:: else -> skip
	fi
}
