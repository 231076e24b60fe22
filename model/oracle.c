#include "model/oracle.h"

#include <string.h>

#include "model/types.h"

int oracle_begin(struct oracle_state *o, uint32_t handle)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		struct oracle_inval *e = &o->inflight[i];

		if (e->handle)
			continue;
		WRITE_ONCE(e->n_ranges, 0);
		WRITE_ONCE(e->handle, handle);
		WRITE_ONCE(o->n_inflight, o->n_inflight + 1);
		return 0;
	}
	return -1;
}

static struct oracle_inval *find(struct oracle_state *o, uint32_t handle)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++)
		if (o->inflight[i].handle == handle)
			return &o->inflight[i];
	return NULL;
}

static void widen(struct oracle_range *r, uint32_t as_id, uint32_t copies,
		  uint64_t start, uint64_t end)
{
	if ((r->copies | copies) != r->copies)
		WRITE_ONCE(r->copies, r->copies | copies);
	if (r->as_id != as_id)
		WRITE_ONCE(r->as_id, ORACLE_ALL_AS);
	if (start < r->start)
		WRITE_ONCE(r->start, start);
	if (end > r->end)
		WRITE_ONCE(r->end, end);
}

void oracle_cover(struct oracle_state *o, uint32_t handle, uint32_t as_id,
		  uint32_t copies, uint64_t start, uint64_t end)
{
	struct oracle_inval *e = find(o, handle);
	uint32_t n;

	if (!e || start >= end)
		return;
	n = e->n_ranges;
	for (uint32_t r = 0; r < n; r++) {
		struct oracle_range *x = &e->ranges[r];

		if (x->as_id == as_id && x->copies == copies &&
		    start <= x->end && x->start <= end) {
			widen(x, as_id, copies, start, end);
			return;
		}
	}
	if (n == ORACLE_MAX_RANGES) {
		widen(&e->ranges[n - 1], as_id, copies, start, end);
		return;
	}
	WRITE_ONCE(e->ranges[n].as_id, as_id);
	WRITE_ONCE(e->ranges[n].copies, copies);
	WRITE_ONCE(e->ranges[n].start, start);
	WRITE_ONCE(e->ranges[n].end, end);
	WRITE_ONCE(e->n_ranges, n + 1);
}

void oracle_end(struct oracle_state *o, uint32_t handle)
{
	struct oracle_inval *e = find(o, handle);

	if (!e)
		return;
	WRITE_ONCE(o->n_inflight, o->n_inflight - 1);
	WRITE_ONCE(e->handle, 0);
	/* Cleared so that equal histories give equal states (the explorer
	 * compares states bytewise). */
	WRITE_ONCE(e->n_ranges, 0);
	for (int r = 0; r < ORACLE_MAX_RANGES; r++) {
		WRITE_ONCE(e->ranges[r].as_id, 0);
		WRITE_ONCE(e->ranges[r].copies, 0);
		WRITE_ONCE(e->ranges[r].start, 0);
		WRITE_ONCE(e->ranges[r].end, 0);
	}
}

bool oracle_covered_scan_(const struct oracle_state *o, uint32_t as_id,
			  uint64_t gfn, uint32_t copy)
{
	for (int i = 0; i < ORACLE_MAX_INFLIGHT; i++) {
		const struct oracle_inval *e = &o->inflight[i];

		if (!READ_ONCE(e->handle))
			continue;
		uint32_t n = READ_ONCE(e->n_ranges);

		for (uint32_t r = 0; r < n && r < ORACLE_MAX_RANGES; r++) {
			uint32_t as = READ_ONCE(e->ranges[r].as_id);

			if ((as == as_id || as == ORACLE_ALL_AS) &&
			    (READ_ONCE(e->ranges[r].copies) & copy) &&
			    gfn >= READ_ONCE(e->ranges[r].start) &&
			    gfn < READ_ONCE(e->ranges[r].end))
				return true;
		}
	}
	return false;
}

void oracle_classify_retry_(struct actor_stats *s, enum retry_verdict verdict,
			    bool stale, bool locked)
{
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
