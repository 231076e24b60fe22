/* `bench` (no arguments) and `bench run`: the default suite into a new
 * results folder (report/run/run.h says what happens and in which order). */
#include <stdio.h>
#include <string.h>

#include "bench/commands.h"
#include "engine/pattern.h"
#include "engine/vmfile.h"
#include "report/run/run.h"
#include "report/run/run_plan.h"
#include "util/opts.h"

/* 4 against 4 is the fewest repetitions with which the U test can reach
 * p < 0.05 (at best 2/C(8,4) = 0.029). */
#define QUICK_REPETITIONS 4

static const char *const built_commands[] = {
#define COMMAND(name, fn, summary) #name,
#include "bench/commands.def"
#undef COMMAND
	NULL,
};

/* The suite runs what this binary has: a subcommand not built yet is
 * skipped with a note instead of failing the run. */
static bool available(const char *command)
{
#ifdef BENCH_SANITIZED
	/* valgrind cannot run an ASan or TSan binary. */
	if (strcmp(command, "icount") == 0)
		return false;
#endif
	return opts_choice_index(built_commands, command) >= 0;
}

static void usage(const struct opt_spec *specs)
{
	printf("usage: bench [run] [OPTIONS]\n"
	       "The default suite: sweeps with the deterministic engine (false\n"
	       "positives vs alias distance, false negatives vs slots spanned,\n"
	       "every pattern), the exhaustive explorer, the threaded stress\n"
	       "benchmarks and the live-kernel check, each as a child process of\n"
	       "this binary, into a new folder RESULTS/<UTC time>-<git sha>/;\n"
	       "then CSVs, plots (gnuplot: PNG, SVG, text) and a summary.\n"
	       "RESULTS/latest points at the newest complete run. Ctrl-C stops\n"
	       "at once and marks the folder interrupted.\n"
	       "About 70-80 s on 2 shared cores; --quick (CI) about 15 s.\n\n");
	opts_usage(specs, stdout);
}

int cmd_run(int argc, char **argv)
{
	const char *results = BENCH_SOURCE_DIR "/results";
	bool quick = false, dry_run = false, no_plots = false;
	uint64_t reps = 0; /* 0: 1 for the full suite, QUICK_REPETITIONS quick */
	struct opts_result res;
	struct run_plan plan;
	int rc;
	const struct opt_spec specs[] = {
		{ .name = "quick", .type = OPT_FLAG, .dest = &quick,
		  .help = "short suite for CI (fewer sweep points and steps)" },
		{ .name = "results-dir", .type = OPT_STRING, .dest = &results,
		  .help = "where run folders are created" },
		{ .name = "repetitions", .type = OPT_U64, .dest = &reps,
		  .min = 0, .max = 100,
		  .help = "stress repetitions, 0: 1 (full) or 4 (quick); the "
			  "compare U test needs >= 4" },
		{ .name = "no-plots", .type = OPT_FLAG, .dest = &no_plots,
		  .help = "skip gnuplot (CSVs are still written)" },
		{ .name = "dry-run", .type = OPT_FLAG, .dest = &dry_run,
		  .help = "print the steps and exit" },
		OPT_END
	};

	if (opts_parse(specs, argc, argv, 1, 0, &res) < 0) {
		fprintf(stderr, "bench run: %s\n", res.err);
		return 2;
	}
	if (res.help) {
		usage(specs);
		return 0;
	}
	/* The full suite spends its time on thread counts, the quick one on
	 * repetitions: that is what lets CI's compare run the U test. */
	if (reps == 0)
		reps = quick ? QUICK_REPETITIONS : 1;
	/* The real-VM presets are files: the plan runs what vms/ holds. */
	static char vm_names[32][VMF_NAME];
	static const char *vm_presets[33];
	int n_vm = vm_list_array(BENCH_SOURCE_DIR "/vms", false, vm_names, 32);

	for (int i = 0; i < n_vm; i++)
		vm_presets[i] = vm_names[i];
	vm_presets[n_vm] = NULL;
	struct plan_options po = {
		.quick = quick, .repetitions = reps, .patterns = pattern_names,
		.vm_presets = vm_presets, .available = available,
	};

	if (plan_build(&po, &plan) < 0) {
		fprintf(stderr, "bench run: out of memory\n");
		return 2;
	}
	if (dry_run) {
		plan_print(&plan, stdout);
		plan_free(&plan);
		return 0;
	}
	struct run_options ro = {
		.results_root = results, .source_dir = BENCH_SOURCE_DIR,
		.quick = quick, .plots = !no_plots, .argc = argc, .argv = argv,
	};

	rc = run_suite(&ro, &plan, stderr);
	plan_free(&plan);
	return rc;
}
