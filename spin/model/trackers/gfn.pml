/* impl_gfn/tracker_gfn.c, on the gfn-keyed begin and check of trackers.pml. */

inline tr_begin(kind, lo, hi)
{
	gfn_keyed_begin(kind, lo, hi)
}

/* The v12 patch as posted: while in_progress == 1 every range_add
 * OVERWRITES the range, so only the last overlapping slot survives. */
inline tr_range_add(kind, lo, hi, a, b)
{
	set_or_union(inprog == 1, a, b)
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	gfn_keyed_retry(is_private, gfn, hva, snap, r)
}
