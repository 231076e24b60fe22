#include "engine/sim_report.h"

#include <inttypes.h>

#include "model/registry.h"
#include "util/json_writer.h"

static void add_to_hist(void *ctx, uint64_t key, uint32_t v)
{
	uint64_t *hist = ctx;
	int b = v ? 64 - __builtin_clzll(v) : 0;

	(void)key;
	hist[b < SIM_HIST_BUCKETS ? b : SIM_HIST_BUCKETS - 1]++;
}

void sim_retry_histogram(const struct sim_result *r,
			 uint64_t hist[SIM_HIST_BUCKETS])
{
	for (int b = 0; b < SIM_HIST_BUCKETS; b++)
		hist[b] = 0;
	if (!r->retries_per_spte)
		return;
	sparse_map_walk(r->retries_per_spte, 0, r->n_sptes, false, add_to_hist,
			hist);
	/* Bucket 0: every SPTE not counted above (most are absent). */
	hist[0] = r->n_sptes;
	for (int b = 1; b < SIM_HIST_BUCKETS; b++)
		hist[0] -= hist[b];
}

static const char *const warning_names[WARN_COUNT] = {
	[WARN_RANGE_INVALID_IN_PROGRESS] = "range_invalid_in_progress",
	[WARN_ADD_OUTSIDE_BEGIN_END] = "add_outside_begin_end",
	[WARN_NO_RANGE_BEFORE_END] = "no_range_before_end",
};

void sim_print_table(FILE *out, const struct pattern_world *w,
		     const struct sim_result *r, size_t n, uint64_t steps)
{
	fprintf(out, "pattern %s, seed %" PRIu64 ", %" PRIu64 " steps per tracker, "
		"%u vCPUs, %u invalidators, %u slots\n",
		pattern_names[w->params.pattern], w->params.seed, steps,
		w->n_vcpus, w->n_invalidators, w->layout.n_slots);
	int tw = tracker_name_width("tracker");

	fprintf(out, "%-*s %10s %10s %9s %9s %9s %9s %9s %9s %9s %6s %6s %5s %8s\n",
		tw, "tracker", "attempts", "faults", "retries", "r_range", "r_seq",
		"r_early", "tp", "fp_range", "fp_seq", "fn", "stale", "warn",
		"invals");
	for (size_t i = 0; i < n; i++) {
		const struct actor_stats *s = &r[i].stats;

		fprintf(out, "%-*s %10" PRIu64 " %10" PRIu64 " %9" PRIu64 " %9" PRIu64
			" %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
			" %6" PRIu64 " %6" PRIu64 " %5" PRIu64 " %8" PRIu64 "\n",
			tw, r[i].tracker->name, s->attempts, s->faults, s->retries,
			s->retries_range, s->retries_seq, s->retries_early, s->tp,
			s->fp_range, s->fp_seq, s->fn, r[i].stale_sptes,
			r[i].warnings_total, s->invalidations);
	}
	for (size_t i = 0; i < n; i++) {
		if (r[i].stats.fn || r[i].stale_sptes)
			fprintf(out, "UNSAFE: %s missed %" PRIu64 " invalidations "
				"(installed an SPTE while its page was being "
				"invalidated); the audit found %" PRIu64 " SPTEs on "
				"changed pages (%" PRIu64 " still mapped at the end)\n",
				r[i].tracker->name, r[i].stats.fn, r[i].stale_sptes,
				r[i].stale_sptes_at_end);
		if (r[i].retries_per_spte)
			fprintf(out, "%s: most retries on one gfn: %" PRIu64 "\n",
				r[i].tracker->name, r[i].max_retries_one_gfn);
	}
}

static void write_params(struct json_writer *j, const struct pattern_params *p)
{
	json_begin_object(j, "params");
	json_u64(j, "vcpus", p->vcpus);
	json_u64(j, "invalidators", p->invalidators);
	json_u64(j, "slots", p->slots);
	json_u64(j, "slot_pages", p->slot_pages);
	json_u64(j, "alias_distance", p->alias_distance);
	json_bool(j, "alias_control", p->alias_control);
	json_bool(j, "alias_middle_only", p->alias_middle_only);
	json_u64(j, "inval_pages", p->inval_pages);
	json_u64(j, "resolve_steps", p->resolve_steps);
	json_u64(j, "phase2_steps", p->phase2_steps);
	json_u64(j, "gap_steps", p->gap_steps);
	json_string(j, "fault_dist", fault_dist_names[p->fault_dist]);
	json_double(j, "hot_fraction", p->hot_fraction);
	json_bool(j, "early_check", p->early_check);
	json_u64(j, "yield_pages", p->yield_pages);
	json_string(j, "slot_order", slot_order_names[p->slot_order]);
	json_bool(j, "precheck_any_tracker", p->precheck_any_tracker);
	json_bool(j, "skip_present", p->skip_present);
	json_u64(j, "address_spaces", p->address_spaces);
	json_u64(j, "w_notifier", p->w_notifier);
	json_u64(j, "w_gfn_zap", p->w_gfn_zap);
	json_u64(j, "w_gmem", p->w_gmem);
	json_u64(j, "w_attr", p->w_attr);
	json_end_object(j);
}

static void write_tracker(struct json_writer *j, const struct sim_result *r)
{
	const struct actor_stats *s = &r->stats;

	json_begin_object(j, r->tracker->name);
	json_u64(j, "attempts", s->attempts);
	json_u64(j, "faults", s->faults);
	json_u64(j, "retries", s->retries);
	json_u64(j, "retries_range", s->retries_range);
	json_u64(j, "retries_seq", s->retries_seq);
	json_u64(j, "retries_early", s->retries_early);
	json_u64(j, "tp", s->tp);
	json_u64(j, "fp_range", s->fp_range);
	json_u64(j, "fp_seq", s->fp_seq);
	json_u64(j, "fn", s->fn);
	json_u64(j, "fn_stale_page", s->fn_stale_page);
	json_u64(j, "stale_sptes", r->stale_sptes);
	json_u64(j, "stale_sptes_at_end", r->stale_sptes_at_end);
	json_u64(j, "warnings", r->warnings_total);
	json_begin_object(j, "warnings_by_kind");
	for (int k = 0; k < WARN_COUNT; k++)
		json_u64(j, warning_names[k], r->warnings[k]);
	json_end_object(j);
	json_u64(j, "invalidations", s->invalidations);
	json_u64(j, "invalidations_untracked", s->invalidations_untracked);
	json_u64(j, "steps", s->steps);
	if (r->retries_per_spte) {
		uint64_t hist[SIM_HIST_BUCKETS];
		int last = 0;

		json_u64(j, "max_retries_one_gfn", r->max_retries_one_gfn);
		sim_retry_histogram(r, hist);
		for (int b = 0; b < SIM_HIST_BUCKETS; b++)
			if (hist[b])
				last = b;
		json_begin_array(j, "retries_per_gfn_log2_hist");
		for (int b = 0; b <= last; b++)
			json_u64(j, NULL, hist[b]);
		json_end_array(j);
	}
	json_end_object(j);
}

void sim_print_json(FILE *out, const struct pattern_world *w,
		    const struct sim_result *r, size_t n, uint64_t steps)
{
	struct json_writer j;
	double secs = 0;
	uint64_t all_steps = 0;

	json_init(&j, out, true);
	json_begin_object(&j, NULL);
	json_string(&j, "pattern", pattern_names[w->params.pattern]);
	json_u64(&j, "seed", w->params.seed);
	json_u64(&j, "steps", steps);
	write_params(&j, &w->params);
	json_begin_object(&j, "trackers");
	for (size_t i = 0; i < n; i++)
		write_tracker(&j, &r[i]);
	json_end_object(&j);
	/* The only part that differs between two runs of one seed. */
	json_begin_object(&j, "timing");
	for (size_t i = 0; i < n; i++) {
		secs += r[i].seconds;
		all_steps += r[i].stats.steps;
	}
	json_double(&j, "seconds", secs);
	json_double(&j, "steps_per_second", secs > 0 ? (double)all_steps / secs : 0);
	json_begin_object(&j, "steps_per_second_by_tracker");
	for (size_t i = 0; i < n; i++)
		json_double(&j, r[i].tracker->name, r[i].seconds > 0
			    ? (double)r[i].stats.steps / r[i].seconds : 0);
	json_end_object(&j);
	json_end_object(&j);
	json_end_object(&j);
	json_finish(&j);
}
