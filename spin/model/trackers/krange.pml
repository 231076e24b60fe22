/* impl_krange/tracker_krange.c: K = 3 disjoint gfn ranges; a range that
 * finds no place is merged where it widens the set least (into the nearest
 * range, or the two nearest are merged and it takes the freed place). All
 * dropped at the next outermost begin, as union. */

#define KR 3
byte ks[KR]; /* ke[i] == 0: a free place */
byte ke[KR];
/* scratch of range_add, zeroed after use so that it is not state */
byte kg, kbest, kbi, kbj, ki, kj;

/* kg <- the gfns between [a0,b0) and [a1,b1) (0 when they touch) */
inline kgap(a0, b0, a1, b1)
{
	kg = ((a0 > a1 -> a0 : a1) > (b0 < b1 -> b0 : b1) ->
	      (a0 > a1 -> a0 : a1) - (b0 < b1 -> b0 : b1) : 0)
}

inline kmerge(i, a, b)
{
	if
	:: a < ks[i] -> ks[i] = a
	:: else -> skip
	fi;
	if
	:: b > ke[i] -> ke[i] = b
	:: else -> skip
	fi
}

inline tr_begin(kind, lo, hi)
{
	inprog++;
	if
	:: inprog == 1 ->
		ki = 0;
		do
		:: ki < KR -> ks[ki] = 0; ke[ki] = 0; ki++
		:: else -> break
		od;
		ki = 0
	:: else -> skip
	fi
}

inline tr_range_add(kind, lo, hi, a, b)
{
	kbi = KR;
	/* touching or overlapping a range: grow it */
	ki = 0;
	do
	:: ki < KR && kbi == KR ->
		if
		:: ke[ki] != 0 ->
			kgap(ks[ki], ke[ki], a, b);
			if
			:: kg == 0 -> kmerge(ki, a, b); kbi = ki
			:: else -> skip
			fi
		:: else -> skip
		fi;
		ki++
	:: else -> break
	od;
	/* else a free place */
	ki = 0;
	do
	:: ki < KR && kbi == KR ->
		if
		:: ke[ki] == 0 -> ks[ki] = a; ke[ki] = b; kbi = ki
		:: else -> skip
		fi;
		ki++
	:: else -> break
	od;
	/* else the cheapest merge */
	if
	:: kbi == KR ->
		kbest = 255;
		ki = 0;
		do
		:: ki < KR ->
			kgap(ks[ki], ke[ki], a, b);
			if
			:: kg < kbest -> kbest = kg; kbi = ki; kbj = KR
			:: else -> skip
			fi;
			kj = ki + 1;
			do
			:: kj < KR ->
				kgap(ks[ki], ke[ki], ks[kj], ke[kj]);
				if
				:: kg < kbest -> kbest = kg; kbi = ki; kbj = kj
				:: else -> skip
				fi;
				kj++
			:: else -> break
			od;
			ki++
		:: else -> break
		od;
		if
		:: kbj == KR -> kmerge(kbi, a, b)
		:: else -> kmerge(kbi, ks[kbj], ke[kbj]); ks[kbj] = a; ke[kbj] = b
		fi
	:: else -> skip
	fi;
	kg = 0; kbest = 0; kbi = 0; kbj = 0; ki = 0; kj = 0
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	r = NONE;
	if
	:: inprog != 0 ->
		ki = 0;
		do
		:: ki < KR ->
			if
			:: ke[ki] != 0 && gfn >= ks[ki] && gfn < ke[ki] -> r = RANGE
			:: else -> skip
			fi;
			ki++
		:: else -> break
		od;
		/* no range while in progress: a KVM bug, retry */
		if
		:: ke[0] == 0 && ke[1] == 0 && ke[2] == 0 -> r = RANGE
		:: else -> skip
		fi;
		ki = 0
	:: else -> skip
	fi;
	if
	:: r == NONE -> r = (seq != snap -> SEQUENCE : NONE)
	:: else -> skip
	fi
}
