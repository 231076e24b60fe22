/* `bench explore`: the exhaustive explorer (explore/) on its scenarios, for
 * every tracker; a thin command over the library: options in, table or JSON
 * out. Everything is explored before anything is printed, so a failure
 * leaves no partial output. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/commands.h"
#include "explore/explore.h"
#include "explore/report.h"
#include "model/registry.h"
#include "spin/spin_check.h"
#include "util/json_writer.h"
#include "util/opts.h"

#define MAX_CHOICES 32

enum early_mode { EARLY_BOTH, EARLY_ON, EARLY_OFF };
static const char *const early_names[] = { "both", "on", "off", NULL };

static void usage(const struct opt_spec *specs)
{
	const char *const *names = scenario_names();
	char err[512];

	printf("usage: bench explore [--scenario=NAME|all | --scenario-file=F] "
	       "[--tracker=NAME|all]\n       [--early-check=both|on|off] "
	       "[--reduce=off|symmetry|por|on] [--max-states=N]\n       "
	       "[--max-memory=MIB] [--atomic-walks] [--json]\n"
	       "Enumerates every interleaving of a small scenario's actor steps "
	       "(breadth-first, visited\nstates hashed) for each tracker, and "
	       "reports states, transitions, the transitions that\ninstall a "
	       "stale SPTE (violations) and the shortest violating schedule.\n\n"
	       "Scenarios are files (format: scenarios/README.md); the built-in "
	       "ones, in %s:\n", scenario_dir());
	for (size_t i = 0; names[i]; i++) {
		struct scenario *sc = malloc(sizeof(*sc));

		if (sc && scenario_find(names[i], sc, err, sizeof(err)) == 0)
			printf("  %-10s %s\n  %-10s expected: %s\n", sc->name,
			       sc->description, "", sc->shows[0] ? sc->shows : "-");
		else
			printf("  %-10s (cannot load: %s)\n", names[i], err);
		free(sc);
	}
	printf("\nOptions:\n");
	opts_usage(specs, stdout);
	printf("\n--early-check=both explores with the Linux 6.8+ lock-free "
	       "pre-checks on and off\n(one table row each); the JSON totals "
	       "add both runs up and give the shortest\ncounterexample of the "
	       "two (counterexample_early_check says which).\n"
	       "--reduce: symmetry merges worlds that differ only by swapping "
	       "actors with the same\nscript; por expands, where it can, only a "
	       "persistent set of independent actor steps;\non does both. "
	       "Verdicts are the same; states and transitions count the "
	       "reduced graph,\nand with por the shortest schedule comes from a "
	       "second search without it.\n"
	       "JSON: one object {\"scenario\", \"trackers\": {NAME: {\"states\", "
	       "\"transitions\", \"violations\",\n\"counterexample\": [steps], "
	       "\"runs\": [...], \"timing\"}}}; with --scenario=all, an array "
	       "of\nthose objects, one per scenario. Only \"timing\" objects vary "
	       "between runs.\n"
	       "--spurious-trace: after the table, each run's shortest schedule "
	       "that ends in a check\nretrying on the range with nothing "
	       "stale, with the tracker's whole state per\nstep (JSON: "
	       "\"spurious_example\" in each run).\n"
	       "Long searches print progress to stderr every %.0f s.\n"
	       "--vs-spin runs spin on the same scenarios and prints both "
	       "checkers' verdicts side by\nside (see bench explore --vs-spin "
	       "--help); it exits 1 when they disagree.\n"
	       "Exit status: 0 done (violations are findings, not failures); 1 "
	       "a search hit --max-states\nor --max-memory, found the oracle and "
	       "the end audit disagreeing, or a scenario's\n'expect' line did not "
	       "hold; 2 bad input (a scenario file's error names FILE:LINE).\n",
	       EXPLORE_PROGRESS_SECONDS);
}

struct plan {
	struct scenario *sc[MAX_CHOICES];
	int n_sc;
	const struct tracker_ops *tr[MAX_CHOICES];
	int n_tr;
	bool modes[2]; /* [0]: pre-checks on, [1]: off */
	int n_modes;
	struct explore_options opt;
};

/* All results of one scenario: runs[tracker][mode]. */
struct scenario_results {
	struct scenario_world w;
	struct explore_result runs[MAX_CHOICES][2];
};

static int run_all(const struct plan *p, struct scenario_results *res)
{
	char err[512];

	for (int s = 0; s < p->n_sc; s++) {
		if (scenario_build(p->sc[s], &res[s].w, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench explore: %s\n", err);
			return -1;
		}
		for (int t = 0; t < p->n_tr; t++)
			for (int m = 0; m < p->n_modes; m++) {
				struct explore_options o = p->opt;

				o.early_check = p->modes[m];
				if (explore_run(&res[s].w, p->tr[t], &o,
						&res[s].runs[t][m], err,
						sizeof(err)) < 0) {
					fprintf(stderr, "bench explore: %s\n",
						err);
					return -1;
				}
			}
	}
	return 0;
}

static void print_text(const struct plan *p, struct scenario_results *res)
{
	for (int s = 0; s < p->n_sc; s++) {
		if (s)
			printf("\n");
		report_scenario_header(stdout, p->sc[s]);
		report_table_header(stdout);
		for (int t = 0; t < p->n_tr; t++)
			for (int m = 0; m < p->n_modes; m++)
				report_table_row(stdout, &res[s].runs[t][m]);
		for (int t = 0; t < p->n_tr; t++) {
			const struct explore_result *best =
				report_shortest(res[s].runs[t], p->n_modes);

			if (best)
				report_trace(stdout, &res[s].w, best);
			for (int m = 0; p->opt.spurious_trace && m < p->n_modes; m++)
				report_spurious_trace(stdout, &res[s].runs[t][m]);
		}
	}
}

static void print_json(const struct plan *p, struct scenario_results *res,
		       bool array)
{
	struct json_writer j;

	json_init(&j, stdout, true);
	if (array)
		json_begin_array(&j, NULL);
	for (int s = 0; s < p->n_sc; s++) {
		json_begin_object(&j, NULL);
		json_string(&j, "scenario", p->sc[s]->name);
		json_string(&j, "description", p->sc[s]->description);
		json_string(&j, "early_check",
			    p->n_modes == 2 ? "both" : p->modes[0] ? "on" : "off");
		json_begin_object(&j, "trackers");
		for (int t = 0; t < p->n_tr; t++)
			report_json_tracker(&j, res[s].runs[t], p->n_modes);
		json_end_object(&j);
		json_end_object(&j);
	}
	if (array)
		json_end_array(&j);
	json_finish(&j);
}

static void print_stops(const struct plan *p, struct scenario_results *res)
{
	for (int s = 0; s < p->n_sc; s++)
		for (int t = 0; t < p->n_tr; t++)
			for (int m = 0; m < p->n_modes; m++) {
				const struct explore_result *r = &res[s].runs[t][m];

				if (r->stopped == STOP_STATES)
					fprintf(stderr, "bench explore: %s/%s: stopped at "
						"--max-states=%u (%" PRIu64 " states); the "
						"result is partial\n", p->sc[s]->name,
						r->tracker->name, p->opt.max_states, r->states);
				else if (r->stopped == STOP_MEMORY)
					fprintf(stderr, "bench explore: %s/%s: stopped at "
						"--max-memory=%" PRIu64 " MiB (%" PRIu64
						" states); the result is partial\n",
						p->sc[s]->name, r->tracker->name,
						p->opt.max_memory >> 20, r->states);
			}
}

/* The scenario file's `expect` lines against what was explored. Returns the
 * number that did not hold (each reported on stderr as FILE:LINE). */
static int check_expectations(const struct plan *p, struct scenario_results *res)
{
	int bad = 0;

	for (int s = 0; s < p->n_sc; s++) {
		const struct scenario *sc = p->sc[s];

		for (uint32_t e = 0; e < sc->n_expect; e++) {
			const struct scenario_expect *x = &sc->expect[e];

			for (int t = 0; t < p->n_tr; t++)
				for (int m = 0; m < p->n_modes; m++) {
					const struct explore_result *r = &res[s].runs[t][m];
					bool found = r->violations || r->stale_terminal_states;

					if (strcmp(x->tracker, p->tr[t]->name) != 0 ||
					    (x->early >= 0 && x->early != (int)p->modes[m]) ||
					    (!r->complete && !found) || found == x->violation)
						continue;
					fprintf(stderr, "%s:%u: expected %s %s (pre-checks %s); "
						"the explorer found %s\n", sc->path, x->line,
						x->tracker, x->violation ? "violation" : "safe",
						p->modes[m] ? "on" : "off",
						found ? "a violation" : "it safe");
					bad++;
				}
		}
	}
	return bad;
}

/* 1 when a search did not finish, the model contradicted itself, or an
 * expectation failed. */
static int findings_status(const struct plan *p, struct scenario_results *res)
{
	int rc = 0;

	for (int s = 0; s < p->n_sc; s++)
		for (int t = 0; t < p->n_tr; t++)
			for (int m = 0; m < p->n_modes; m++) {
				const struct explore_result *r =
					&res[s].runs[t][m];

				if (!r->complete || r->inconsistencies)
					rc = 1;
			}
	print_stops(p, res);
	if (check_expectations(p, res))
		rc = 1;
	return rc;
}

static bool is_vs_spin(const char *arg)
{
	return strcmp(arg, "--vs-spin") == 0 || strncmp(arg, "--vs-spin=", 10) == 0;
}

/* 1 or 0 per the last --vs-spin[=V]; -1 (message printed) on a bad V. */
static int vs_spin_requested(int argc, char **argv)
{
	int on = 0;

	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		const char *v;

		if (!is_vs_spin(argv[i]))
			continue;
		v = argv[i][9] == '=' ? argv[i] + 10 : "1";
		if (!strcmp(v, "1") || !strcmp(v, "true")) {
			on = 1;
		} else if (!strcmp(v, "0") || !strcmp(v, "false")) {
			on = 0;
		} else {
			fprintf(stderr, "bench explore: --vs-spin: unknown value '%s'; "
				"accepted: 0, 1, true, false (or no value)\n", v);
			return -1;
		}
	}
	return on;
}

/* Removes --vs-spin=0 style arguments so plain explore never sees them. */
static int drop_vs_spin(int argc, char **argv)
{
	int out = 1;

	for (int i = 1; i < argc; i++)
		if (!is_vs_spin(argv[i]))
			argv[out++] = argv[i];
	argv[out] = NULL;
	return out;
}

static const char *const reduce_names[] = { "off", "symmetry", "por", "on", NULL };
static const unsigned reduce_bits[] = { 0, REDUCE_SYMMETRY, REDUCE_POR,
					REDUCE_SYMMETRY | REDUCE_POR };

/* The scenarios to explore: one file, one built-in, or every built-in.
 * Returns 0, or -1 with the message printed (exit 2: bad input). */
static int load_scenarios(struct plan *p, const char *file, int sc_idx,
			  const char *const *sc_choices, int n_sc)
{
	char err[1024];

	for (int i = 0; i < n_sc; i++) {
		struct scenario *sc;
		int rc;

		if (file ? i > 0 : (sc_idx != n_sc && i != sc_idx))
			continue;
		sc = malloc(sizeof(*sc));
		if (!sc) {
			fprintf(stderr, "bench explore: out of memory\n");
			return -1;
		}
		p->sc[p->n_sc++] = sc;
		rc = file ? scenario_load(file, sc, err, sizeof(err))
			  : scenario_find(sc_choices[i], sc, err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "bench explore: %s%s\n",
				file ? "--scenario-file: " : "", err);
			return -1;
		}
	}
	return 0;
}

int cmd_explore(int argc, char **argv)
{
	const char *sc_choices[MAX_CHOICES], *tr_choices[MAX_CHOICES];
	int n_sc, n_tr, sc_idx, tr_idx, early = EARLY_BOTH, reduce = 0;
	uint64_t max_states = EXPLORE_DEFAULT_MAX_STATES;
	uint64_t max_mib = EXPLORE_DEFAULT_MAX_MEMORY_MIB;
	const char *file = NULL;
	bool json = false, spurious = false, atomic_walks = false;
	struct opts_result o;
	struct plan p;
	struct scenario_results *res = NULL;
	int rc;

	/* --vs-spin[=0|1]: the comparison with spin, which has its own
	 * options; the last occurrence decides, like any flag. */
	int vs_spin = vs_spin_requested(argc, argv);

	if (vs_spin < 0)
		return 2;
	if (vs_spin)
		return cmd_explore_vs_spin(argc, argv);
	argc = drop_vs_spin(argc, argv);

	/* Index n of each choice list is "all", the default. */
	n_sc = opts_choices_with_all(scenario_names(), sc_choices, MAX_CHOICES);
	n_tr = opts_choices_with_all(tracker_names(), tr_choices, MAX_CHOICES);
	sc_idx = n_sc;
	tr_idx = n_tr;
	const struct opt_spec specs[] = {
		{ .name = "scenario", .type = OPT_CHOICE, .dest = &sc_idx,
		  .choices = sc_choices,
		  .help = "built-in scenario (scenarios/NAME.scn; default all)" },
		{ .name = "scenario-file", .type = OPT_STRING, .dest = &file,
		  .help = "explore this scenario file instead (scenarios/README.md)" },
		{ .name = "tracker", .type = OPT_CHOICE, .dest = &tr_idx,
		  .choices = tr_choices, .help = "tracker to explore (default all)" },
		{ .name = "early-check", .type = OPT_CHOICE, .dest = &early,
		  .choices = early_names,
		  .help = "lock-free pre-checks: both (default), on, off" },
		{ .name = "reduce", .type = OPT_CHOICE, .dest = &reduce,
		  .choices = reduce_names,
		  .help = "state-space reduction: off (default), symmetry, por, on (both)" },
		{ .name = "max-states", .type = OPT_U64, .dest = &max_states,
		  .min = 1, .max = UINT32_MAX - 1,
		  .help = "stop a search after this many states (exit 1)" },
		{ .name = "max-memory", .type = OPT_U64, .dest = &max_mib,
		  .min = 1, .max = 1u << 20,
		  .help = "MiB the visited set may hold; a search stops there (exit 1)" },
		{ .name = "atomic-walks", .type = OPT_FLAG, .dest = &atomic_walks,
		  .help = "no mmu_lock yield inside a walk (the model before the fidelity pass)" },
		{ .name = "json", .type = OPT_FLAG, .dest = &json,
		  .help = "JSON instead of the table (format: see above)" },
		{ .name = "spurious-trace", .type = OPT_FLAG, .dest = &spurious,
		  .help = "also show each run's shortest schedule to a spurious range retry" },
		OPT_END
	};

	if (opts_parse(specs, argc, argv, 1, 0, &o) < 0) {
		fprintf(stderr, "bench explore: %s\n", o.err);
		return 2;
	}
	if (o.help) {
		usage(specs);
		return 0;
	}
	if (file && sc_idx != n_sc) {
		fprintf(stderr, "bench explore: --scenario and --scenario-file: "
			"give one or the other\n");
		return 2;
	}
	memset(&p, 0, sizeof(p));
	rc = load_scenarios(&p, file, sc_idx, sc_choices, n_sc) < 0 ? 2 : 0;
	for (int i = 0; i < n_tr; i++)
		if (tr_idx == n_tr || i == tr_idx)
			p.tr[p.n_tr++] = tracker_find(tr_choices[i]);
	if (early != EARLY_OFF)
		p.modes[p.n_modes++] = true;
	if (early != EARLY_ON)
		p.modes[p.n_modes++] = false;
	p.opt.max_states = (uint32_t)max_states;
	p.opt.spurious_trace = spurious;
	p.opt.max_memory = max_mib << 20;
	p.opt.reduce = reduce_bits[reduce];
	p.opt.progress = true;
	p.opt.atomic_walks = atomic_walks;

	if (rc == 0) {
		res = calloc((size_t)p.n_sc, sizeof(*res));
		if (!res) {
			fprintf(stderr, "bench explore: out of memory\n");
			rc = 1;
		}
	}
	if (rc == 0) {
		rc = run_all(&p, res);
		if (rc == 0) {
			if (json)
				print_json(&p, res, !file && sc_idx == n_sc);
			else
				print_text(&p, res);
			rc = findings_status(&p, res);
		} else {
			rc = 1;
		}
		for (int s = 0; s < p.n_sc; s++)
			for (int t = 0; t < p.n_tr; t++)
				for (int m = 0; m < p.n_modes; m++)
					explore_result_free(&res[s].runs[t][m]);
	}
	for (int s = 0; s < p.n_sc; s++)
		free(p.sc[s]);
	free(res);
	return rc;
}
