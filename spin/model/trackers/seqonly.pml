/* Not a KVM tracker: a mutant that ignores in_progress and the range, so
 * every scenario must report a violation. It keeps the model honest: an
 * assertion that cannot fire proves nothing. */
inline tr_begin(kind, lo, hi)
{
	inprog++
}

inline tr_range_add(kind, lo, hi, a, b)
{
	skip
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	r = (seq != snap -> SEQUENCE : NONE)
}
