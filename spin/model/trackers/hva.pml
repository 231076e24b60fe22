/* impl_hva/tracker_hva.c: the notifier's hva range, recorded in begin. */

/* The notifier's hva range, recorded in begin; no-hva work covers it all. */
inline tr_begin(kind, lo, hi)
{
	inprog++;
	if
	:: kind == NOTIFIER -> set_or_union(inprog == 1, lo, hi)
	:: else -> set_or_union(inprog == 1, 0, WHOLE_END)
	fi
}

inline tr_range_add(kind, lo, hi, a, b)
{
	skip /* everything was recorded in begin */
}

/* Private memory has no hva: only "something is in progress" is known. */
inline tr_retry(is_private, gfn, hva, snap, r)
{
	if
	:: is_private && inprog != 0 -> r = RANGE
	:: !is_private && inprog != 0 && hva >= rstart && hva < rend -> r = RANGE
	:: else -> r = (seq != snap -> SEQUENCE : NONE)
	fi
}
