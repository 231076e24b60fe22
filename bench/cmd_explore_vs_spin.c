/* `bench explore --vs-spin`: the explorer (explore/) and spin (spin/) on the
 * same scenarios and trackers, one table: each checker's verdict, states and
 * time, whether the two counterexamples are the same schedule, and whether
 * the checkers agree. Two independent checkers agreeing is the evidence;
 * a disagreement is a bug in one of them, hence exit status 1.
 *
 * Like `bench explore`, everything runs before anything is printed. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "model/registry.h"
#include "spin/spin_check.h"
#include "util/json_writer.h"
#include "util/opts.h"

#define MAX_NAMES (TRACKER_MAX + 1) /* choices plus "all" */

static const char *const early_names[] = { "both", "on", "off", NULL };
enum { EARLY_BOTH, EARLY_ON, EARLY_OFF };

struct row {
	const char *scenario, *tracker;
	bool early;
	struct explore_result ex;
	struct spin_verdict sp;
	bool ex_violation;
	bool no_model;     /* no spin/model/trackers/NAME.pml: explorer only */
	bool agree;
	const char *trail; /* "same", "same length", "differs", "-" */
};

/* The common vocabulary of the two traces: actor name plus step kind. */
static const char *const step_kinds[] = { "read seq", "pre-check 1", "resolve",
					  "pre-check 2", "locked check",
					  "phase 1", "phase 2", "phase 3", NULL };

/* The explorer says what a step did (step_info.what); "plan invalidation",
 * "resolving", "idle" and "host busy" are steps spin's model has no
 * counterpart for (one-step resolve and phase 2 in these scenarios). */
static const char *explore_kind(const struct explore_step *s)
{
	static const struct { const char *prefix, *kind; } map[] = {
		{ "read seq", "read seq" },
		{ "pre-check before", "pre-check 1" },
		{ "resolve page", "resolve" },
		{ "pre-check after", "pre-check 2" },
		{ "locked check", "locked check" },
		{ "phase 1", "phase 1" },
		{ "phase 2: host changes", "phase 2" },
		{ "phase 3", "phase 3" },
	};
	const char *what = s->what[0] ? s->what : s->step;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strncmp(what, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].kind;
	return NULL;
}

/* spin's top-level trail lines read "ACTOR KIND...": sub-lines are indented,
 * and the audit line names no actor step. */
static const char *spin_kind(const char *line, char *actor, size_t len)
{
	size_t n = strcspn(line, " ");

	if (line[0] == ' ' || n >= len)
		return NULL;
	memcpy(actor, line, n);
	actor[n] = '\0';
	for (const char *const *k = step_kinds; *k; k++)
		if (strncmp(line + n + 1, *k, strlen(*k)) == 0)
			return *k;
	return NULL;
}

/* Compares the two counterexamples as sequences of (actor, step kind). */
static const char *compare_trails(const struct explore_result *ex,
				  const struct spin_verdict *sp)
{
	uint32_t i = 0, j = 0, ne = 0, ns = 0;
	bool same = true;
	char actor[16];

	for (;;) {
		const char *ke = NULL, *ks = NULL;

		while (i < ex->cex_len && !(ke = explore_kind(&ex->cex[i])))
			i++;
		while (j < sp->n_steps && !(ks = spin_kind(sp->steps[j], actor, sizeof(actor))))
			j++;
		if (!ke && !ks)
			break;
		ne += ke != NULL;
		ns += ks != NULL;
		if (!ke || !ks || strcmp(ke, ks) != 0 ||
		    strcmp(ex->cex[i].actor_name, actor) != 0)
			same = false;
		i += ke != NULL;
		j += ks != NULL;
	}
	if (sp->steps_truncated)
		return "differs";
	return same ? "same" : ne == ns ? "same length" : "differs";
}

static int run_row(struct row *r, const struct scenario *sc,
		   uint32_t max_states, unsigned reduce, bool keep_dir,
		   char *err, size_t errlen)
{
	struct explore_options eo = { .early_check = r->early,
				      .max_states = max_states,
				      .reduce = reduce, .progress = true };
	struct spin_opts so;
	struct scenario_world w;

	if (scenario_build(sc, &w, err, errlen) < 0 ||
	    explore_run(&w, tracker_find(r->tracker), &eo, &r->ex, err, errlen) < 0)
		return -1;
	r->ex_violation = r->ex.violations > 0 || r->ex.stale_terminal_states > 0;
	r->no_model = !spin_tracker_has_model(r->tracker);
	if (r->no_model) {
		/* Not a disagreement: nothing to compare with. */
		r->agree = r->ex.complete;
		r->trail = "-";
		return 0;
	}
	spin_opts_default(&so);
	so.early_check = r->early;
	so.keep_dir = keep_dir;
	if (spin_check_world(sc, r->tracker, &so, &r->sp, err, errlen) < 0)
		return -1;
	/* On stderr, so the table and the JSON stay what they are. */
	if (keep_dir)
		fprintf(stderr, "bench explore --vs-spin: %s %s pre-checks %s: "
			"spin's work directory kept: %s\n", r->scenario,
			r->tracker, r->early ? "on" : "off", r->sp.dir);
	r->agree = r->ex.complete && r->ex_violation == r->sp.violation;
	r->trail = r->ex_violation && r->sp.violation ?
		   compare_trails(&r->ex, &r->sp) : "-";
	return 0;
}

static const char *verdict(bool violation, bool complete)
{
	return !complete ? "INCOMPLETE" : violation ? "VIOLATION" : "safe";
}

static void print_table(const struct row *rows, int n)
{
	double ex_s = 0, sp_s = 0, sp_b = 0;
	int disagree = 0, w = tracker_name_width("tracker"), missing = 0;
	char file[128];

	printf("%-10s %-*s %-5s | %-10s %8s %9s | %-10s %8s %9s %9s | %-11s %s\n",
	       "scenario", w, "tracker", "early", "explore", "states", "seconds",
	       "spin", "states", "verify s", "build s", "trail", "agree");
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		if (r->no_model) {
			printf("%-10s %-*s %-5s | %-10s %8" PRIu64 " %9.6f | %-41s | %-11s %s\n",
			       r->scenario, w, r->tracker, r->early ? "on" : "off",
			       verdict(r->ex_violation, r->ex.complete),
			       r->ex.states, r->ex.seconds, "no spin model", "-", "-");
			missing++;
			ex_s += r->ex.seconds;
			disagree += !r->agree;
			continue;
		}
		printf("%-10s %-*s %-5s | %-10s %8" PRIu64 " %9.6f | %-10s %8" PRIu64
		       " %9.6f %9.3f | %-11s %s\n",
		       r->scenario, w, r->tracker, r->early ? "on" : "off",
		       verdict(r->ex_violation, r->ex.complete), r->ex.states,
		       r->ex.seconds, verdict(r->sp.violation, true),
		       r->sp.states_stored, r->sp.verify_seconds,
		       r->sp.build_seconds, r->trail, r->agree ? "yes" : "NO");
		ex_s += r->ex.seconds;
		sp_s += r->sp.verify_seconds;
		sp_b += r->sp.build_seconds;
		disagree += !r->agree;
	}
	/* pan's time is a whole process (hash table, startup) against an
	 * in-process search: that is the cost a user pays for each. */
	printf("\ntime: explorer %.6f s in all; spin %.6f s verifying (./pan) + %.3f s "
	       "building (spin -a, gcc)\nspin-verify / explorer = %.1f "
	       "(above 1: the explorer is faster)\n",
	       ex_s, sp_s, sp_b, ex_s > 0 ? sp_s / ex_s : 0.0);
	printf("%s\n", disagree ? "the checkers DISAGREE (see rows marked NO)"
				: missing ? "the checkers agree on every row spin models"
					  : "the checkers agree on every row");
	for (int i = 0; i < n; i++) {
		bool first = true;

		if (!rows[i].no_model)
			continue;
		for (int k = 0; k < i; k++)
			first = first && strcmp(rows[k].tracker, rows[i].tracker) != 0;
		if (!first || !rows[i].no_model)
			continue;
		spin_tracker_model_file(rows[i].tracker, file, sizeof(file));
		printf("no spin model: %s (to compare it, add %s; see spin/README.md)\n",
		       rows[i].tracker, file);
	}
	for (int i = 0; i < n; i++) {
		if (rows[i].no_model || !rows[i].sp.violation)
			continue;
		printf("\nspin counterexample, %s / %s (pre-checks %s): %s\n",
		       rows[i].scenario, rows[i].tracker,
		       rows[i].early ? "on" : "off", rows[i].sp.property);
		spin_verdict_print_steps(stdout, &rows[i].sp);
	}
}

static void print_json(const struct row *rows, int n)
{
	struct json_writer j;
	bool all = true;

	json_init(&j, stdout, true);
	json_begin_object(&j, NULL);
	json_begin_array(&j, "rows");
	for (int i = 0; i < n; i++) {
		const struct row *r = &rows[i];

		json_begin_object(&j, NULL);
		json_string(&j, "scenario", r->scenario);
		json_string(&j, "tracker", r->tracker);
		json_bool(&j, "early_check", r->early);
		json_begin_object(&j, "explore");
		json_bool(&j, "violation", r->ex_violation);
		json_bool(&j, "complete", r->ex.complete);
		json_u64(&j, "states", r->ex.states);
		json_u64(&j, "transitions", r->ex.transitions);
		json_u64(&j, "counterexample_steps", r->ex.cex_len);
		json_double(&j, "seconds", r->ex.seconds);
		json_end_object(&j);
		if (r->no_model) {
			char file[128];

			spin_tracker_model_file(r->tracker, file, sizeof(file));
			json_write_null(&j, "spin");
			json_string(&j, "spin_model_missing", file);
		} else {
			spin_verdict_write_json(&j, "spin", &r->sp);
		}
		json_string(&j, "trail", r->trail);
		json_bool(&j, "agree", r->agree);
		json_end_object(&j);
		all = all && r->agree;
	}
	json_end_array(&j);
	json_bool(&j, "agree", all);
	json_end_object(&j);
	json_finish(&j);
}

static const char *const reduce_names[] = { "off", "symmetry", "por", "on", NULL };
static const unsigned reduce_bits[] = { 0, REDUCE_SYMMETRY, REDUCE_POR,
					REDUCE_SYMMETRY | REDUCE_POR };

int cmd_explore_vs_spin(int argc, char **argv)
{
	const char *sc_choices[MAX_NAMES], *tr_choices[MAX_NAMES];
	int n_sc = opts_choices_with_all(scenario_names(), sc_choices, MAX_NAMES);
	int n_tr = opts_choices_with_all(tracker_names(), tr_choices, MAX_NAMES);
	int sc_idx = n_sc, tr_idx = n_tr, early = EARLY_BOTH, reduce = 0, n = 0, rc = 0;
	uint64_t max_states = EXPLORE_DEFAULT_MAX_STATES;
	bool json = false, vs_spin = false, atomic_walks = false, keep_dir = false;
	const char *file = NULL;
	struct scenario *sc = NULL;
	struct opts_result o;
	struct row *rows;
	char err[1024];
	const struct opt_spec specs[] = {
		{ .name = "vs-spin", .type = OPT_FLAG, .dest = &vs_spin,
		  .help = "compare with spin (this command)" },
		{ .name = "scenario", .type = OPT_CHOICE, .dest = &sc_idx,
		  .choices = sc_choices, .help = "built-in scenario (default all)" },
		{ .name = "scenario-file", .type = OPT_STRING, .dest = &file,
		  .help = "this scenario file instead (spin's world is generated from it)" },
		{ .name = "tracker", .type = OPT_CHOICE, .dest = &tr_idx,
		  .choices = tr_choices, .help = "registered trackers (default all); one with no Promela model is explored only" },
		{ .name = "early-check", .type = OPT_CHOICE, .dest = &early,
		  .choices = early_names, .help = "lock-free pre-checks: both (default), on, off" },
		{ .name = "reduce", .type = OPT_CHOICE, .dest = &reduce,
		  .choices = reduce_names, .help = "the explorer's reduction: off (default), symmetry, por, on" },
		{ .name = "max-states", .type = OPT_U64, .dest = &max_states,
		  .min = 1, .max = UINT32_MAX - 1, .help = "explorer state limit" },
		{ .name = "atomic-walks", .type = OPT_FLAG, .dest = &atomic_walks,
		  .help = "no mmu_lock yield inside a walk, in both checkers (the model before the fidelity pass)" },
		{ .name = "keep-dir", .type = OPT_FLAG, .dest = &keep_dir,
		  .help = "keep spin's work directory of each row (model.pml, pan.c, pan.out) and name it on stderr" },
		{ .name = "json", .type = OPT_FLAG, .dest = &json,
		  .help = "JSON instead of the table" },
		OPT_END
	};

	if (opts_parse(specs, argc, argv, 1, 0, &o) < 0) {
		fprintf(stderr, "bench explore --vs-spin: %s\n", o.err);
		return 2;
	}
	if (o.help) {
		printf("usage: bench explore --vs-spin [--scenario=NAME|all | "
		       "--scenario-file=F] [--tracker=NAME|all]\n"
		       "       [--early-check=both|on|off] [--reduce=off|symmetry|por|on] "
		       "[--atomic-walks] [--keep-dir] [--json]\n"
		       "Runs the explorer and spin (spin/model/retry.pml, instantiated "
		       "with the world generated\nfrom the scenario file) on the same "
		       "scenario x tracker and prints both verdicts,\nstates and times; "
		       "exit 1 when they disagree or spin fails. spin's time is ./pan "
		       "alone;\nbuilding it (spin -a, gcc) is reported apart.\n\nOptions:\n");
		opts_usage(specs, stdout);
		return 0;
	}
	if (file && sc_idx != n_sc) {
		fprintf(stderr, "bench explore --vs-spin: --scenario and "
			"--scenario-file: give one or the other\n");
		return 2;
	}
	sc = malloc(sizeof(*sc) * (size_t)(file ? 1 : n_sc));
	if (!sc) {
		fprintf(stderr, "bench explore --vs-spin: out of memory\n");
		return 1;
	}
	for (int s = 0; s < (file ? 1 : n_sc); s++) {
		int lr = file ? scenario_load(file, &sc[s], err, sizeof(err))
			      : scenario_find(sc_choices[s], &sc[s], err, sizeof(err));

		if (lr < 0) {
			fprintf(stderr, "bench explore --vs-spin: %s%s\n",
				file ? "--scenario-file: " : "", err);
			free(sc);
			return 2;
		}
	}
	if (file) {
		n_sc = 1;
		sc_idx = 1;
	}
	/* Both checkers take a walk's yield points from the file, so one
	 * lock hold per walk there is what --atomic-walks means to both
	 * (for the explorer it equals its own --atomic-walks). */
	for (int s = 0; atomic_walks && s < n_sc; s++)
		for (uint32_t i = 0; i < sc[s].n_invals; i++)
			for (uint32_t k = 0; k < sc[s].n_inval_plans[i]; k++)
				sc[s].invals[i][k].yield = YIELD_NEVER;
	if (!spin_available(err, sizeof(err))) {
		fprintf(stderr, "bench explore --vs-spin: %s\n", err);
		free(sc);
		return 1;
	}
	rows = calloc(MAX_NAMES * MAX_NAMES * 2, sizeof(*rows));
	if (!rows) {
		fprintf(stderr, "bench explore --vs-spin: out of memory\n");
		free(sc);
		return 1;
	}
	for (int s = 0; s < n_sc && rc == 0; s++)
		for (int t = 0; t < n_tr && rc == 0; t++)
			for (int m = 0; m < 2 && rc == 0; m++) {
				struct row *r = &rows[n];

				if ((m == 0 && early == EARLY_OFF) ||
				    (m == 1 && early == EARLY_ON) ||
				    (sc_idx != n_sc && s != sc_idx) ||
				    (tr_idx != n_tr && t != tr_idx))
					continue;
				r->scenario = sc[s].name;
				r->tracker = tr_choices[t];
				r->early = m == 0;
				n++;
				if (run_row(r, &sc[s], (uint32_t)max_states,
					    reduce_bits[reduce], keep_dir, err,
					    sizeof(err)) < 0) {
					fprintf(stderr, "bench explore --vs-spin: %s/%s: %s\n",
						r->scenario, r->tracker, err);
					rc = 1;
				}
			}
	if (rc == 0) {
		if (json)
			print_json(rows, n);
		else
			print_table(rows, n);
		for (int i = 0; i < n; i++)
			rc |= !rows[i].agree;
	}
	for (int i = 0; i < n; i++)
		explore_result_free(&rows[i].ex);
	free(rows);
	free(sc);
	return rc;
}
