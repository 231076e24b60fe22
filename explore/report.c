#include "explore/report.h"

#include <inttypes.h>
#include <string.h>

#include "model/registry.h"

static const char *reduce_name(unsigned reduce)
{
	switch (reduce) {
	case REDUCE_SYMMETRY:
		return "symmetry";
	case REDUCE_POR:
		return "por";
	default:
		return "on";
	}
}

void report_scenario_header(FILE *out, const struct scenario *sc)
{
	fprintf(out, "scenario %s: %s\n  expected: %s\n\n", sc->name,
		sc->description, sc->shows);
}

void report_table_header(FILE *out)
{
	fprintf(out, "  %-*s %-5s %9s %11s %8s %10s %10s %9s %9s %8s %11s\n",
		tracker_name_width("tracker"), "tracker", "early", "states", "transitions", "terminal",
		"violations", "stale.ends", "spur.rng", "spur.seq", "shortest",
		"states/s");
}

void report_table_row(FILE *out, const struct explore_result *r)
{
	char shortest[16];

	if (r->cex_len)
		snprintf(shortest, sizeof(shortest), "%u", r->cex_len);
	else
		snprintf(shortest, sizeof(shortest), "-");
	fprintf(out, "  %-*s %-5s %9" PRIu64 " %11" PRIu64 " %8" PRIu64
		" %10" PRIu64 " %10" PRIu64 " %9" PRIu64 " %9" PRIu64
		" %8s %11.0f%s\n",
		tracker_name_width("tracker"), r->tracker->name,
		r->early_check ? "on" : "off", r->states,
		r->transitions, r->terminal_states, r->violations,
		r->stale_terminal_states, r->spurious_range_transitions, r->spurious_seq_transitions,
		shortest, r->seconds > 0 ? (double)r->states / r->seconds : 0.0,
		r->complete ? "" : r->stopped == STOP_MEMORY
				   ? "  INCOMPLETE (memory limit)"
				   : "  INCOMPLETE (state limit)");
	if (r->reduce)
		fprintf(out, "  %-7s %-5s reduce=%s: %" PRIu64 " of %" PRIu64
			" states expanded fully%s\n", "", "",
			reduce_name(r->reduce), r->full_expansions, r->states,
			r->shortest_search_states ? "; shortest schedule from a "
			"search without por" : "");
	if (r->inconsistencies)
		fprintf(out, "  !! %" PRIu64 " terminal states where the end audit "
			"finds a stale SPTE but no check installed one: the "
			"oracle and the audit disagree (model bug)\n",
			r->inconsistencies);
}

const struct explore_result *report_shortest(const struct explore_result *runs,
					     int n_runs)
{
	const struct explore_result *best = NULL;

	for (int i = 0; i < n_runs; i++)
		if (runs[i].cex_len &&
		    (!best || runs[i].cex_len < best->cex_len))
			best = &runs[i];
	return best;
}

/* One schedule as a table: step, actor, what it did, the tracker's whole
 * state after it (describe()), the oracle's word. */
static void print_steps(FILE *out, const struct explore_step *steps,
			uint32_t n)
{
	int width = (int)strlen("tracker state");

	for (uint32_t k = 0; k < n; k++)
		if ((int)strlen(steps[k].state) > width)
			width = (int)strlen(steps[k].state);
	fprintf(out, "  %3s  %-7s %-34s %4s %4s  %-*s %s\n", "#", "actor",
		"step", "inpr", "seq", width, "tracker state", "oracle");
	for (uint32_t k = 0; k < n; k++) {
		const struct explore_step *s = &steps[k];

		fprintf(out, "  %3u  %-7s %-34s %4" PRId64 " %4" PRIu64
			"  %-*s %s\n", k + 1, s->actor_name,
			s->what[0] ? s->what : s->step, s->in_progress, s->seq,
			width, s->state, s->oracle);
	}
}

void report_trace(FILE *out, const struct scenario_world *w,
		  const struct explore_result *r)
{
	fprintf(out, "\n  %s (pre-checks %s): shortest violating schedule, %u "
		"steps\n", r->tracker->name, r->early_check ? "on" : "off",
		r->cex_len);
	print_steps(out, r->cex, r->cex_len);
	if (r->cex_audit_stale)
		fprintf(out, "  end: every actor finished; the end audit finds %"
			PRIu64 " stale SPTE(s)\n", r->cex_audit_stale);
	(void)w;
}

void report_spurious_trace(FILE *out, const struct explore_result *r)
{
	if (!r->spur_len) {
		fprintf(out, "\n  %s (pre-checks %s): no spurious range retry "
			"anywhere\n", r->tracker->name,
			r->early_check ? "on" : "off");
		return;
	}
	fprintf(out, "\n  %s (pre-checks %s): shortest schedule to a spurious "
		"range retry, %u steps\n", r->tracker->name,
		r->early_check ? "on" : "off", r->spur_len);
	print_steps(out, r->spur, r->spur_len);
}

static const char *verdict_name(enum retry_verdict v)
{
	return v == RETRY_RANGE ? "range" : v == RETRY_SEQUENCE ? "sequence"
								: "none";
}

static void json_step(struct json_writer *j, const struct explore_step *s,
		      uint32_t k)
{
	json_begin_object(j, NULL);
	json_u64(j, "step", k + 1);
	json_string(j, "actor", s->actor_name);
	json_string(j, "pc", s->step); /* the step the actor was at */
	json_string(j, "what", s->what);
	json_i64(j, "in_progress", s->in_progress);
	json_u64(j, "seq", s->seq);
	if (s->range_start == INVALID_KEY)
		json_write_null(j, "range_start");
	else
		json_u64(j, "range_start", s->range_start);
	if (s->range_end == INVALID_KEY)
		json_write_null(j, "range_end");
	else
		json_u64(j, "range_end", s->range_end);
	json_string(j, "tracker_state", s->state);
	if (s->checked) {
		json_begin_object(j, "check");
		json_bool(j, "locked", s->locked_check);
		json_string(j, "verdict", verdict_name(s->verdict));
		json_bool(j, "truly_stale", s->truly_stale);
		json_end_object(j);
	}
	json_bool(j, "violation", s->violation);
	json_string(j, "oracle", s->oracle);
	json_end_object(j);
}

static void json_timing(struct json_writer *j, uint64_t states, double seconds)
{
	json_begin_object(j, "timing");
	json_double(j, "seconds", seconds);
	json_double(j, "states_per_second",
		    seconds > 0 ? (double)states / seconds : 0.0);
	json_end_object(j);
}

static void json_counts(struct json_writer *j, const struct explore_result *r)
{
	json_u64(j, "states", r->states);
	json_u64(j, "transitions", r->transitions);
	json_u64(j, "terminal_states", r->terminal_states);
	json_u64(j, "violations", r->violations);
	json_u64(j, "stale_terminal_states", r->stale_terminal_states);
	json_u64(j, "inconsistencies", r->inconsistencies);
	json_u64(j, "spurious_range_transitions", r->spurious_range_transitions);
	json_u64(j, "spurious_seq_transitions", r->spurious_seq_transitions);
	json_u64(j, "warning_transitions", r->warning_transitions);
	json_bool(j, "complete", r->complete);
}

void report_json_tracker(struct json_writer *j,
			 const struct explore_result *runs, int n_runs)
{
	struct explore_result total;
	const struct explore_result *best = report_shortest(runs, n_runs);

	memset(&total, 0, sizeof(total));
	total.complete = true;
	for (int i = 0; i < n_runs; i++) {
		total.states += runs[i].states;
		total.transitions += runs[i].transitions;
		total.terminal_states += runs[i].terminal_states;
		total.violations += runs[i].violations;
		total.stale_terminal_states += runs[i].stale_terminal_states;
		total.inconsistencies += runs[i].inconsistencies;
		total.spurious_range_transitions +=
			runs[i].spurious_range_transitions;
		total.spurious_seq_transitions += runs[i].spurious_seq_transitions;
		total.warning_transitions += runs[i].warning_transitions;
		total.complete = total.complete && runs[i].complete;
		total.seconds += runs[i].seconds;
	}
	json_begin_object(j, runs[0].tracker->name);
	json_counts(j, &total);
	if (best)
		json_bool(j, "counterexample_early_check", best->early_check);
	else
		json_write_null(j, "counterexample_early_check");
	json_begin_array(j, "counterexample");
	for (uint32_t k = 0; best && k < best->cex_len; k++)
		json_step(j, &best->cex[k], k);
	json_end_array(j);
	json_begin_array(j, "runs");
	for (int i = 0; i < n_runs; i++) {
		json_begin_object(j, NULL);
		json_bool(j, "early_check", runs[i].early_check);
		json_counts(j, &runs[i]);
		json_u64(j, "shortest", runs[i].cex_len);
		if (runs[i].spur) {
			json_begin_array(j, "spurious_example");
			for (uint32_t k = 0; k < runs[i].spur_len; k++)
				json_step(j, &runs[i].spur[k], k);
			json_end_array(j);
		}
		/* Only with --reduce: the default's JSON (and the baseline
		 * compared against it) stays as it was. */
		if (runs[i].reduce) {
			json_string(j, "reduce", reduce_name(runs[i].reduce));
			json_u64(j, "full_expansions", runs[i].full_expansions);
			json_u64(j, "shortest_search_states",
				 runs[i].shortest_search_states);
		}
		json_timing(j, runs[i].states, runs[i].seconds);
		json_end_object(j);
	}
	json_end_array(j);
	json_timing(j, total.states, total.seconds);
	json_end_object(j);
}
