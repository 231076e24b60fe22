/* `bench stress`: the threaded stress benchmarks under Google Benchmark.
 *
 * Our own options are parsed with the shared option table; every
 * --benchmark_* flag (and --v) goes to Google Benchmark untouched, so its
 * filters, repetitions, --benchmark_out/--benchmark_out_format and its
 * comparison tools work as documented. Bad input of ours exits 2 before any
 * output; a filter that selects nothing exits 2 without touching the
 * --benchmark_out file.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "bench/commands.h"
#include "stress/gbench_shim.h"
#include "stress/placement.h"
#include "stress/suite.h"
#include "util/opts.h"

/* Default --benchmark_min_time: 69 benchmarks (on 2 CPUs) in about a
 * minute; --quick cuts it for CI. Given first, so a user's
 * --benchmark_min_time wins. */
#define MIN_TIME_FULL "--benchmark_min_time=0.15"
#define MIN_TIME_QUICK "--benchmark_min_time=0.02"
#define MIN_TIME_FLAG "--benchmark_min_time="
#define REPS_FLAG "--benchmark_repetitions="
#define INTERLEAVE_FLAG "--benchmark_enable_random_interleaving"

struct stress_cli {
	int placement;
	bool quick;
	bool preempt;
	bool all_candidates;
	const char *threads;
	uint64_t seed;
	struct stress_config cfg;
};

static bool is_gbench_flag(const char *a)
{
	return strncmp(a, "--benchmark_", 12) == 0 || strncmp(a, "--v=", 4) == 0;
}

/* Google Benchmark 1.7.1 reports a malformed number on a line of its own
 * and then again as an unrecognized flag; checking the numeric flags first
 * keeps bad input to one message that names the value. */
static int check_gbench_numbers(int argc, char **argv, char *err, size_t len)
{
	static const struct { const char *flag; double max; } nums[] = {
		{ "--benchmark_min_time=", 1e6 },
		{ "--benchmark_min_warmup_time=", 1e6 },
		{ "--benchmark_repetitions=", 1e6 },
	};
	char what[64];
	double v;

	for (int i = 1; i < argc; i++)
		for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
			size_t n = strlen(nums[k].flag);

			if (strncmp(argv[i], nums[k].flag, n) != 0)
				continue;
			snprintf(what, sizeof(what), "%.*s", (int)n - 1, argv[i]);
			if (opts_parse_double(what, argv[i] + n, 0, nums[k].max,
					      &v, err, len) < 0)
				return -1;
		}
	return 0;
}

static int parse_threads(const char *s, struct suite_opts *o, char *err,
			 size_t len)
{
	char buf[256], *save = NULL, *tok;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, len, "--threads: list too long; expected at most %d "
			 "counts like 1,2,4", SUITE_MAX_THREAD_COUNTS);
		return -1;
	}
	strcpy(buf, s);
	/* strtok_r would skip an empty element silently. */
	if (buf[0] == ',' || (buf[0] && buf[strlen(buf) - 1] == ',') ||
	    strstr(buf, ",,")) {
		snprintf(err, len, "--threads: empty element in '%s'; expected a "
			 "list like 1,2,4 of integers >= 1", s);
		return -1;
	}
	o->n_thread_counts = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t v;

		if (o->n_thread_counts == SUITE_MAX_THREAD_COUNTS) {
			snprintf(err, len, "--threads: more than %d counts in '%s'",
				 SUITE_MAX_THREAD_COUNTS, s);
			return -1;
		}
		if (opts_parse_u64("--threads", tok, 1, STRESS_MAX_THREADS - ORACLE_MAX_INFLIGHT,
				   &v, err, len) < 0)
			return -1;
		o->thread_counts[o->n_thread_counts++] = (uint32_t)v;
	}
	if (!o->n_thread_counts) {
		snprintf(err, len, "--threads: '%s' has no count; expected a list "
			 "like 1,2,4 of integers >= 1", s);
		return -1;
	}
	return 0;
}

/* The value of the last occurrence of flag (NAME=), or NULL. */
static const char *last_value(int argc, char **argv, const char *flag)
{
	const char *v = NULL;

	for (int i = 1; i < argc; i++)
		if (strncmp(argv[i], flag, strlen(flag)) == 0)
			v = argv[i] + strlen(flag);
	return v;
}

/* The min time Google Benchmark will use: the last --benchmark_min_time
 * (ours is first). Its own parser has accepted the value by now. */
static double effective_min_time(int argc, char **argv)
{
	const char *v = last_value(argc, argv, MIN_TIME_FLAG);

	return v ? atof(v) : 0.15;
}

/* Whether repetitions run interleaved: as the user's last
 * --benchmark_enable_random_interleaving says (a bare flag is true, as in
 * Google Benchmark), else whenever --benchmark_repetitions asks for more
 * than one. Interleaved, the repetitions of every selected benchmark run
 * in a random order, so a same-run ratio (path/nop over path/rwlock) sees
 * the host's noise on both sides rather than on whichever ran in a busy
 * second. It shares the noise out, it does not remove it: the issue's
 * 3-repetition command gave path/nop / path/rwlock 2.42-3.56 in turn and
 * 2.52-2.76 interleaved over eight runs each in one calm minute, 2.27-4.67
 * and 2.48-3.34 over ten each in a busier one. One repetition keeps the
 * registration order (the default suite's progress reads in it).
 * *explicit: the user chose. */
static bool interleaved(int argc, char **argv, bool *explicit)
{
	static const char *const no[] = { "false", "no", "off" };
	const char *reps = last_value(argc, argv, REPS_FLAG);
	const char *v = NULL;

	*explicit = false;
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], INTERLEAVE_FLAG) == 0) {
			*explicit = true;
			v = NULL; /* the bare flag; a later NAME= still wins */
		} else if (strncmp(argv[i], INTERLEAVE_FLAG "=",
				   strlen(INTERLEAVE_FLAG "=")) == 0) {
			*explicit = true;
			v = argv[i] + strlen(INTERLEAVE_FLAG "=");
		}
	if (*explicit) {
		if (!v || !*v)
			return true;
		if (!v[1]) /* one character: as Google Benchmark reads it */
			return isalnum((unsigned char)v[0]) && !strchr("0fFnN", v[0]);
		for (size_t k = 0; k < sizeof(no) / sizeof(no[0]); k++)
			if (strcasecmp(v, no[k]) == 0)
				return false;
		return true;
	}
	return reps && atof(reps) > 1;
}

static void usage(const struct opt_spec *specs)
{
	printf("usage: bench stress [OPTIONS] [--benchmark_*=...]\n"
	       "Threaded stress benchmarks (Google Benchmark): every pattern x tracker\n"
	       "at 1 vCPU thread and at every allowed CPU (stress/<pattern>/<tracker>/\n"
	       "threads:<n>), the retry check (check/), one fault attempt (path/).\n\n"
	       "options:\n");
	opts_usage(specs, stdout);
	printf("\nEvery --benchmark_* flag of Google Benchmark is passed through, e.g.\n"
	       "  --benchmark_filter=REGEX  --benchmark_list_tests  --benchmark_min_time=S\n"
	       "  --benchmark_repetitions=N --benchmark_out=FILE --benchmark_out_format=json\n"
	       "With --benchmark_repetitions=N > 1 the repetitions run interleaved in a\n"
	       "random order (--benchmark_enable_random_interleaving=false: in turn).\n"
	       "Exit: 0 ok, 1 a tracker not marked expected_unsafe missed an invalidation, 2 bad input.\n");
}

int cmd_stress(int argc, char **argv)
{
	struct stress_cli cli = { .placement = PLACEMENT_SCATTER, .seed = 1 };
	struct suite_opts so;
	struct opts_result res;
	struct placement *pl = NULL;
	char **gb_argv = calloc((size_t)argc + 3, sizeof(char *));
	char **my_argv = calloc((size_t)argc + 1, sizeof(char *));
	int gb_argc = 0, my_argc = 0, rc = 2;
	bool interleave, user_chose;
	char err[OPTS_ERR_MAX], msg[512];
	size_t n;

	stress_config_defaults(&cli.cfg);
	const struct opt_spec specs[] = {
		{ .name = "placement", .type = OPT_CHOICE, .dest = &cli.placement,
		  .choices = placement_names,
		  .help = "thread binding over the allowed CPUs" },
		{ .name = "quick", .type = OPT_FLAG, .dest = &cli.quick,
		  .help = "short CI run: 1 vCPU thread, min time 0.02 s" },
		{ .name = "preempt", .type = OPT_FLAG, .dest = &cli.preempt,
		  .help = "fault injection: random sched_yield/short sleeps between steps" },
		{ .name = "all-candidates", .type = OPT_FLAG, .dest = &cli.all_candidates,
		  .help = "candidate trackers on every pattern and thread count (default: alias, concurrent, mixed at the largest count)" },
		{ .name = "threads", .type = OPT_STRING, .dest = &cli.threads,
		  .help = "vCPU thread counts, e.g. 1,2,8 (default: 1 and the allowed CPUs)" },
		{ .name = "seed", .type = OPT_U64, .dest = &cli.seed, .min = 0,
		  .max = UINT64_MAX, .help = "workload seed" },
		{ .name = "resolve-ns", .type = OPT_U64, .dest = &cli.cfg.resolve_ns,
		  .min = 0, .max = 100000000, .help = "busy work of one page lookup, ns" },
		{ .name = "phase2-ns", .type = OPT_U64, .dest = &cli.cfg.phase2_ns,
		  .min = 0, .max = 1000000000, .help = "busy work when phase 2 starts, ns" },
		{ .name = "step-ns", .type = OPT_U64, .dest = &cli.cfg.step_ns,
		  .min = 0, .max = 1000000, .help = "invalidators: one idle/phase-2 step, ns" },
		OPT_END
	};

	if (!gb_argv || !my_argv) {
		fprintf(stderr, "bench stress: out of memory\n");
		goto out;
	}
	/* Split: Google Benchmark's flags for it, the rest for us. */
	gb_argv[gb_argc++] = argv[0];
	gb_argv[gb_argc++] = (char *)MIN_TIME_FULL; /* replaced if --quick */
	my_argv[my_argc++] = argv[0];
	for (int i = 1; i < argc; i++) {
		if (is_gbench_flag(argv[i]))
			gb_argv[gb_argc++] = argv[i];
		else
			my_argv[my_argc++] = argv[i];
	}
	if (opts_parse(specs, my_argc, my_argv, 1, 0, &res) < 0) {
		fprintf(stderr, "bench stress: %s\n", res.err);
		goto out;
	}
	if (res.help) {
		usage(specs);
		rc = 0;
		goto out;
	}
	memset(&so, 0, sizeof(so));
	if (cli.threads && parse_threads(cli.threads, &so, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench stress: %s\n", err);
		goto out;
	}
	if (check_gbench_numbers(gb_argc, gb_argv, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench stress: %s\n", err);
		goto out;
	}
	if (cli.quick)
		gb_argv[1] = (char *)MIN_TIME_QUICK;
	interleave = interleaved(gb_argc, gb_argv, &user_chose);
	if (interleave && !user_chose)
		gb_argv[gb_argc++] = (char *)INTERLEAVE_FLAG "=true";
	so.probe_cap_seconds = 5.2 * effective_min_time(gb_argc, gb_argv);
	gb_initialize(&gb_argc, gb_argv);
	if (gb_report_unrecognized(gb_argc, gb_argv))
		goto out;

	pl = placement_open((enum placement_mode)cli.placement, err, sizeof(err));
	if (!pl) {
		fprintf(stderr, "bench stress: %s\n", err);
		rc = 1;
		goto out;
	}
	if (!cli.threads) {
		if (cli.quick) {
			so.n_thread_counts = 1;
			so.thread_counts[0] = 1;
		} else {
			suite_default_thread_counts(&so, placement_allowed_count(pl));
		}
	}
	so.base = cli.cfg;
	so.base.preempt = cli.preempt;
	so.base.placement = pl;
	so.seed = cli.seed;
	so.all_candidates = cli.all_candidates;
	if (suite_register(&so, err, sizeof(err)) < 0) {
		fprintf(stderr, "bench stress: %s\n", err);
		goto out;
	}
	n = gb_count_matching(msg, sizeof(msg));
	if (n == 0) {
		gb_get_filter(err, sizeof(err));
		fprintf(stderr, "bench stress: --benchmark_filter='%s' selects no "
				"benchmark (%s); see --benchmark_list_tests\n", err, msg);
		goto out;
	}
	suite_add_context(&so);
	gb_add_context("repetitions_order",
		       interleave ? "interleaved at random across benchmarks"
				  : "in turn, benchmark by benchmark");
	for (unsigned k = 0; k < so.n_thread_counts; k++)
		if (so.thread_counts[k] + 1 > placement_allowed_count(pl))
			fprintf(stderr, "stress: note: threads:%u runs %u vCPU threads plus "
					"invalidators on %u allowed CPUs (vCPU overcommit, as on "
					"real hosts)\n", so.thread_counts[k], so.thread_counts[k],
				placement_allowed_count(pl));
	fprintf(stderr, "stress: %zu benchmarks, placement %s over %u allowed CPUs%s\n",
		n, placement_names[cli.placement], placement_allowed_count(pl),
		cli.preempt ? ", fault injection on" : "");
	/* Google Benchmark's console lines are the progress on a terminal;
	 * when stdout is captured, say on stderr how far the run is. */
	gb_run(!isatty(STDOUT_FILENO));
	rc = suite_summary(stderr) ? 1 : 0;
	gb_shutdown();
out:
	suite_free();
	placement_close(pl);
	free(gb_argv);
	free(my_argv);
	return rc;
}
