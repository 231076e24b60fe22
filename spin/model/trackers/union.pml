/* impl_union/tracker_union.c, on the gfn-keyed begin and check of trackers.pml. */

inline tr_begin(kind, lo, hi)
{
	gfn_keyed_begin(kind, lo, hi)
}

/* The reviewer's fix: start afresh only when INVALID, else grow. */
inline tr_range_add(kind, lo, hi, a, b)
{
	set_or_union(rstart == INVALID, a, b)
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	gfn_keyed_retry(is_private, gfn, hva, snap, r)
}
