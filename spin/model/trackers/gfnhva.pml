/* impl_gfnhva/tracker_gfnhva.c: union's gfn range and the notifiers' hva
 * range (everything for work without an hva); both must match. */

byte hstart; /* the hva range; hend == 0: none */
byte hend;

inline hva_grow(lo, hi)
{
	if
	:: inprog == 1 || hend == 0 -> hstart = lo; hend = hi
	:: else ->
		if
		:: lo < hstart -> hstart = lo
		:: else -> skip
		fi;
		if
		:: hi > hend -> hend = hi
		:: else -> skip
		fi
	fi
}

inline tr_begin(kind, lo, hi)
{
	gfn_keyed_begin(kind, lo, hi);
	if
	:: kind == NOTIFIER -> hva_grow(lo, hi)
	:: else -> hva_grow(0, WHOLE_END)
	fi
}

inline tr_range_add(kind, lo, hi, a, b)
{
	set_or_union(rstart == INVALID, a, b)
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	if
	:: inprog != 0 && (rstart == INVALID || rend == INVALID) -> r = RANGE
	:: inprog != 0 && rstart != INVALID && rend != INVALID &&
	   gfn >= rstart && gfn < rend &&
	   (is_private || (hva >= hstart && hva < hend)) -> r = RANGE
	:: else -> r = (seq != snap -> SEQUENCE : NONE)
	fi
}
