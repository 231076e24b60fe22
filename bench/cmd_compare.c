/* `bench compare BASE NEW`: the regression gate (report/gate/compare.h), and
 * `bench compare --update-baseline [RUN]`, the only way results/baseline/
 * changes. */
#include <stdio.h>

#include "bench/commands.h"
#include "report/common/child.h"
#include "report/gate/ab.h"
#include "report/gate/baseline.h"
#include "report/gate/compare.h"
#include "util/opts.h"

#define DEFAULT_BASELINE BENCH_SOURCE_DIR "/results/baseline"
#define DEFAULT_RUN BENCH_SOURCE_DIR "/results/latest"

static void usage(const struct opt_spec *specs)
{
	printf("usage: bench compare BASE NEW [OPTIONS]\n"
	       "       bench compare --ab=REV [--ab-rounds=N] [OPTIONS]\n"
	       "       bench compare --update-baseline [RUN] [--baseline=DIR]\n"
	       "Compares two results folders (or two JSON files of one kind).\n"
	       "Deterministic counts (bench sim, bench explore) must be equal;\n"
	       "instructions per op (icount.json) must not grow by more than\n"
	       "--icount-threshold; stress benchmarks must keep fn and\n"
	       "stale_sptes at 0 where BASE had 0; same-run time ratios\n"
	       "(check/X / check/nop, check_inflight/X / check_inflight/nop,\n"
	       "path/X / path/nop, path/nop / check/nop, sim/X / sim/nop)\n"
	       "must not get worse by\n"
	       "more than --ratio-threshold. Absolute timings are reported;\n"
	       "with --threshold they are gated too (two-sided Mann-Whitney U\n"
	       "test p < alpha over repetitions, threshold alone when there are\n"
	       "too few repetitions for the test to reach alpha).\n"
	       "Exit status: 0 no regression, 1 regression (each named: file,\n"
	       "benchmark or tracker, counter, old -> new), 2 bad input.\n"
	       "--ab=REV builds git revision REV of %s in a temporary\n"
	       "worktree and runs its check/, path/ and sim/ benchmarks turn\n"
	       "about with this build's (absolute timings gated at 10%% unless\n"
	       "--threshold says otherwise: the runs share the machine's load).\n"
	       "--update-baseline copies RUN (default %s)\n"
	       "into the baseline (default %s).\n\n",
	       BENCH_SOURCE_DIR, DEFAULT_RUN, DEFAULT_BASELINE);
	opts_usage(specs, stdout);
}

int cmd_compare(int argc, char **argv)
{
	struct compare_options co;
	bool update = false;
	const char *baseline = DEFAULT_BASELINE;
	uint64_t max_lines, ab_rounds = AB_DEFAULT_ROUNDS;
	const char *ab = NULL;
	struct opts_result res;
	char err[1024];

	compare_defaults(&co);
	max_lines = (uint64_t)co.max_lines;
	const struct opt_spec specs[] = {
		{ .name = "threshold", .type = OPT_DOUBLE, .dest = &co.threshold_pct,
		  .dmin = 0, .dmax = 100000,
		  .help = "also gate absolute timings: this many percent worse "
			  "regresses (the default -1: reported, not gated)" },
		{ .name = "icount-threshold", .type = OPT_DOUBLE,
		  .dest = &co.icount_pct, .dmin = 0, .dmax = 100000,
		  .help = "instructions per op: this many percent more regresses" },
		{ .name = "ratio-threshold", .type = OPT_DOUBLE,
		  .dest = &co.ratio_pct, .dmin = 0, .dmax = 100000,
		  .help = "same-run time ratios (check/X / check/nop, ...): this "
			  "many percent worse regresses" },
		{ .name = "alpha", .type = OPT_DOUBLE, .dest = &co.alpha,
		  .dmin = 1e-9, .dmax = 1, .help = "significance level of the U test" },
		{ .name = "max-lines", .type = OPT_U64, .dest = &max_lines,
		  .min = 1, .max = 100000, .help = "findings shown per file" },
		{ .name = "update-baseline", .type = OPT_FLAG, .dest = &update,
		  .help = "copy a complete run into the baseline instead" },
		{ .name = "baseline", .type = OPT_STRING, .dest = &baseline,
		  .help = "baseline folder for --update-baseline" },
		{ .name = "ab", .type = OPT_STRING, .dest = &ab,
		  .help = "a git revision: build it in a temporary worktree and "
			  "compare it with this build, runs interleaved" },
		{ .name = "ab-rounds", .type = OPT_U64, .dest = &ab_rounds,
		  .min = 1, .max = 64,
		  .help = "interleaved rounds of --ab (each runs both builds once)" },
		OPT_END
	};

	if (opts_parse(specs, argc, argv, 1, 2, &res) < 0) {
		fprintf(stderr, "bench compare: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		usage(specs);
		return 0;
	}
	co.max_lines = (int)max_lines;
	if (update) {
		const char *run = res.n_positional ? res.positional[0] : DEFAULT_RUN;

		if (res.n_positional > 1) {
			fprintf(stderr, "bench compare: --update-baseline takes one "
				"folder (RUN), got 2 arguments\n");
			return 2;
		}
		if (baseline_update(run, baseline, err, sizeof(err)) < 0) {
			fprintf(stderr, "bench compare: %s\n", err);
			return 2;
		}
		printf("baseline %s updated from %s; review and commit it "
		       "(git add %s)\n", baseline, run, baseline);
		return 0;
	}
	if (ab) {
		if (res.n_positional) {
			fprintf(stderr, "bench compare: --ab=REV takes no BASE NEW "
				"(it builds REV and runs both), got %d arguments\n",
				res.n_positional);
			return 2;
		}
		return compare_ab(BENCH_SOURCE_DIR, child_self_exe(), ab,
				  (int)ab_rounds, &co, stdout, stderr);
	}
	if (res.n_positional != 2) {
		fprintf(stderr, "bench compare: expected two arguments, BASE and "
			"NEW (results folders or JSON files), got %d; see "
			"bench compare --help\n", res.n_positional);
		return 2;
	}
	return compare_run(res.positional[0], res.positional[1], &co, stdout,
			   stderr);
}
