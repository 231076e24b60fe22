/* What the trackers share; each tracker is trackers/NAME.pml, a
 * transcription of impl_NAME/ (and model/tracker_common.c) that a reviewer
 * can put side by side with the C: it defines tr_begin(kind, lo, hi),
 * tr_range_add(kind, lo, hi, a, b) (the invalidation, as C's range_add gets
 * its inval_ctx, and the slot's gfns [a, b)) and
 * tr_retry(is_private, gfn, hva, snap, r), run inside
 * an invalidator's write-locked step and a vCPU step. spin_check.c selects
 * one by defining TRACKER_PML as its path; that file existing is all it
 * takes to register a tracker with spin (spin/README.md). seqonly.pml is
 * not a tracker but a mutant that tests the model itself.
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


/* The gfn-keyed trackers (gfn, union) share begin and the check. */

/* gfn_keyed_begin(): the outermost invalidation starts with no range. */
inline gfn_keyed_begin(kind, lo, hi)
{
	inprog++;
	if
	:: inprog == 1 -> rstart = INVALID
	:: else -> skip
	fi
}

/* gfn_keyed_retry(): an INVALID range while in progress is a KVM bug and
 * retries; else the gfn against the range, then the sequence number. */
inline gfn_keyed_retry(is_private, gfn, hva, snap, r)
{
	if
	:: inprog != 0 && (rstart == INVALID || rend == INVALID) -> r = RANGE
	:: inprog != 0 && rstart != INVALID && rend != INVALID &&
	   gfn >= rstart && gfn < rend -> r = RANGE
	:: else -> r = (seq != snap -> SEQUENCE : NONE)
	fi
}

#ifndef TRACKER_PML
#error "define TRACKER_PML, the path of trackers/NAME.pml (spin_check.c does)"
#endif
#include TRACKER_PML

/* tracker_end_common(): seq first, then in_progress (the write barrier is
 * implicit: the whole step is atomic). A tracker whose end does more
 * defines its own tr_end() and TR_OWN_END. */
#ifndef TR_OWN_END
inline tr_end()
{
	seq++;
	inprog--
}
#endif
