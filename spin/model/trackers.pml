/* The three kernel trackers (SPEC section 2), one selected with
 * -DTRACKER_HVA, -DTRACKER_GFN or -DTRACKER_UNION (or the test mutant
 * TRACKER_SEQONLY at the end). Each is a transcription of
 * its C file (impl_hva/, impl_gfn/, impl_union/, model/tracker_common.c) so
 * that a reviewer can put the two side by side: begin, range_add, end run
 * inside an invalidator's write-locked step, retry inside a vCPU step.
 *
 * Keys are bytes. INVALID (KVM's INVALID_GPA) is 255 for the gfn trackers;
 * the hva tracker's "whole space" is [0, 255), which covers every key the
 * scenarios use. */

#define INVALID 255
#define WHOLE_END 255

/* tracker_range_set_or_union(): [a, b) when reset, else the min/max union. */
inline set_or_union(reset, a, b)
{
	if
	:: reset -> rstart = a; rend = b
	:: else ->
		if
		:: a < rstart -> rstart = a
		:: else -> skip
		fi;
		if
		:: b > rend -> rend = b
		:: else -> skip
		fi
	fi
}

/* tracker_end_common(): seq first, then in_progress (the write barrier is
 * implicit: the whole step is atomic). Same for every tracker. */
inline tr_end()
{
	seq++;
	inprog--
}

#if defined(TRACKER_HVA)

/* The notifier's hva range, recorded in begin; no-hva work covers it all. */
inline tr_begin(kind, lo, hi)
{
	inprog++;
	if
	:: kind == NOTIFIER -> set_or_union(inprog == 1, lo, hi)
	:: else -> set_or_union(inprog == 1, 0, WHOLE_END)
	fi
}

inline tr_range_add(a, b)
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

#elif defined(TRACKER_GFN) || defined(TRACKER_UNION)

/* gfn_keyed_begin(): the outermost invalidation starts with no range. */
inline tr_begin(kind, lo, hi)
{
	inprog++;
	if
	:: inprog == 1 -> rstart = INVALID
	:: else -> skip
	fi
}

#if defined(TRACKER_GFN)
/* The v12 patch as posted: while in_progress == 1 every range_add
 * OVERWRITES the range, so only the last overlapping slot survives. */
inline tr_range_add(a, b)
{
	set_or_union(inprog == 1, a, b)
}
#else
/* The reviewer's fix: start afresh only when INVALID, else grow. */
inline tr_range_add(a, b)
{
	set_or_union(rstart == INVALID, a, b)
}
#endif

/* gfn_keyed_retry(): an INVALID range while in progress is a KVM bug and
 * retries; else the gfn against the range, then the sequence number. */
inline tr_retry(is_private, gfn, hva, snap, r)
{
	if
	:: inprog != 0 && (rstart == INVALID || rend == INVALID) -> r = RANGE
	:: inprog != 0 && rstart != INVALID && rend != INVALID &&
	   gfn >= rstart && gfn < rend -> r = RANGE
	:: else -> r = (seq != snap -> SEQUENCE : NONE)
	fi
}

#elif defined(TRACKER_SEQONLY)

/* Not a KVM tracker: a mutant that ignores in_progress and the range, so
 * every scenario must report a violation. It keeps the model honest: an
 * assertion that cannot fire proves nothing. */
inline tr_begin(kind, lo, hi)
{
	inprog++
}

inline tr_range_add(a, b)
{
	skip
}

inline tr_retry(is_private, gfn, hva, snap, r)
{
	r = (seq != snap -> SEQUENCE : NONE)
}

#else
#error "define one of TRACKER_HVA, TRACKER_GFN, TRACKER_UNION, TRACKER_SEQONLY"
#endif
