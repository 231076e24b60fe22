#include "model/oracle.h"

#include <string.h>

#include "model/types.h"

int oracle_begin(struct oracle_state *o, uint32_t handle,
		 const struct host_range *ranges, uint32_t n)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		struct oracle_inval *e = &o->inflight[i];

		if (e->handle)
			continue;
		if (n > ORACLE_MAX_RANGES)
			return -1;
		for (uint32_t r = 0; r < n; r++) {
			WRITE_ONCE(e->ranges[r].start, ranges[r].start);
			WRITE_ONCE(e->ranges[r].end, ranges[r].end);
		}
		WRITE_ONCE(e->n_ranges, n);
		WRITE_ONCE(e->handle, handle);
		WRITE_ONCE(o->n_inflight, o->n_inflight + 1);
		return 0;
	}
	return -1;
}

void oracle_end(struct oracle_state *o, uint32_t handle)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		struct oracle_inval *e = &o->inflight[i];

		if (e->handle == handle) {
			WRITE_ONCE(o->n_inflight, o->n_inflight - 1);
			WRITE_ONCE(e->handle, 0);
			/* Cleared so that equal histories give equal states
			 * (the explorer compares states bytewise). */
			WRITE_ONCE(e->n_ranges, 0);
			for (int r = 0; r < ORACLE_MAX_RANGES; r++) {
				WRITE_ONCE(e->ranges[r].start, 0);
				WRITE_ONCE(e->ranges[r].end, 0);
			}
		}
	}
}

bool oracle_covered_scan_(const struct oracle_state *o, uint64_t page)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		const struct oracle_inval *e = &o->inflight[i];

		if (!READ_ONCE(e->handle))
			continue;
		uint32_t n = READ_ONCE(e->n_ranges);

		for (uint32_t r = 0; r < n && r < ORACLE_MAX_RANGES; r++)
			if (page >= READ_ONCE(e->ranges[r].start) &&
			    page < READ_ONCE(e->ranges[r].end))
				return true;
	}
	return false;
}

void oracle_classify(struct actor_stats *s, enum retry_verdict verdict,
		     bool stale, bool locked)
{
	if (verdict == RETRY_NONE) {
		/* Only the locked check commits to installing the SPTE; a
		 * pre-check that says "go" decides nothing yet. */
		if (locked && stale)
			s->fn++;
		return;
	}
	s->retries++;
	if (!locked)
		s->retries_early++;
	if (verdict == RETRY_RANGE)
		s->retries_range++;
	else
		s->retries_seq++;
	if (stale) {
		s->tp++;
		s->tp_early += !locked;
	} else if (verdict == RETRY_RANGE) {
		s->fp_range++;
		s->fp_range_early += !locked;
	} else {
		s->fp_seq++;
		s->fp_seq_early += !locked;
	}
}

void actor_stats_add(struct actor_stats *into, const struct actor_stats *from)
{
	into->steps += from->steps;
	into->attempts += from->attempts;
	into->faults += from->faults;
	into->retries += from->retries;
	into->retries_range += from->retries_range;
	into->retries_seq += from->retries_seq;
	into->retries_early += from->retries_early;
	into->tp += from->tp;
	into->fp_range += from->fp_range;
	into->fp_seq += from->fp_seq;
	into->fn += from->fn;
	into->tp_early += from->tp_early;
	into->fp_range_early += from->fp_range_early;
	into->fp_seq_early += from->fp_seq_early;
	into->fn_stale_page += from->fn_stale_page;
	into->stale_replaced += from->stale_replaced;
	into->invalidations += from->invalidations;
	into->invalidations_untracked += from->invalidations_untracked;
}
