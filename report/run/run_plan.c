#define _GNU_SOURCE
#include "report/run/run_plan.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/common/layout.h"

/* Sweep points. Full: enough for a curve; quick (CI): the ends and the
 * knee, so the gate still sees every effect. The alias distance must be
 * larger than the alias pattern's slot (256 pages by default). */
static const uint64_t alias_full[] = { 320, 512, 1024, 2048, 4096, 8192,
				       16384, 32768, 65536, 0 };
static const uint64_t alias_quick[] = { 320, 1024, 4096, 16384, 65536, 0 };
static const uint64_t slots_full[] = { 1, 2, 3, 4, 5, 6, 7, 8, 0 };
static const uint64_t slots_quick[] = { 1, 2, 4, 8, 0 };
/* Size sweep (plot h): steps/s against the guest's size and against the
 * invalidation's, to show a step's cost does not grow with either. The
 * guest is multislot with 4 slots (every invalidation crosses all four,
 * nearly the whole guest) of 2^10 .. 2^30 pages: guests of 2^12 .. 2^32.
 * Invalidations of 1 .. 2^20 pages on single with a 2^24-page slot. Full
 * run only, SIZE_SWEEP_STEPS each: timing, not counts. */
static const uint64_t guest_slot_pages[] = { 1ULL << 10, 1ULL << 14, 1ULL << 18,
					     1ULL << 22, 1ULL << 26, 1ULL << 30, 0 };
static const uint64_t inval_pages[] = { 1, 1ULL << 4, 1ULL << 8, 1ULL << 12,
					1ULL << 16, 1ULL << 20, 0 };
static const char *const guest_extra[] = { "--slots=4", "--steps=100000", NULL };
static const char *const inval_extra[] = { "--slot-pages=16777216",
					   "--steps=100000", NULL };

/* Steps per tracker of each sim run: the full run's default is the sim's
 * own (2,000,000); quick cuts it tenfold. */
#define QUICK_SIM_STEPS "--steps=200000"

#define SIM_TIMEOUT_S 60
#define EXPLORE_TIMEOUT_S 120
#define STRESS_TIMEOUT_S 240
#define LIVE_TIMEOUT_S 60
#define REALVM_TIMEOUT_S 120
/* Invalidations per source in the default run: enough for NUMA
 * balancing's rare split-crossing chunks to show gfn's misses on q35 (100
 * did not), a few seconds of engine time for every preset together
 * (docs/vms.md); `bench sim --vm` alone does 200. */
#define REALVM_INVALS 300
#define ICOUNT_TIMEOUT_S 120

static struct run_step *add(struct run_plan *p, const char *command,
			    enum step_kind kind, double timeout)
{
	struct run_step *s;

	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;
		struct run_step *n = realloc(p->steps, cap * sizeof(*n));

		if (!n)
			return NULL;
		p->steps = n;
		p->cap = cap;
	}
	s = &p->steps[p->n++];
	memset(s, 0, sizeof(*s));
	s->command = command;
	s->kind = kind;
	s->timeout_s = timeout;
	return s;
}

static void arg(struct run_step *s, const char *fmt, ...)
{
	va_list ap;
	char *a = NULL;

	if (s->n_args == STEP_MAX_ARGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&a, fmt, ap) < 0)
		a = NULL;
	va_end(ap);
	if (a)
		s->args[s->n_args++] = a;
}

static void skip(struct run_plan *p, const char *command, const char *what)
{
	if (p->n_skipped < 8)
		snprintf(p->skipped[p->n_skipped++], sizeof(p->skipped[0]),
			 "%s: `bench %s` is not built yet (not in bench/"
			 "commands.def)", what, command);
}

/* One sim run per value of one parameter: `bench sim --pattern=PATTERN
 * --FLAG=V [EXTRA...] --json`, saved as DIR/<PREFIX><V>.json. */
static int sweep(const struct plan_options *o, struct run_plan *p,
		 const char *pattern, const char *flag, const char *prefix,
		 const char *dir, const uint64_t *values,
		 const char *const *extra)
{
	struct run_step *s;

	for (int i = 0; values[i]; i++) {
		if (!(s = add(p, "sim", STEP_STDOUT_JSON, SIM_TIMEOUT_S)))
			return -1;
		snprintf(s->label, sizeof(s->label), "sim %s %s=%" PRIu64,
			 pattern, prefix, values[i]);
		snprintf(s->out_rel, sizeof(s->out_rel), "%s/%s%" PRIu64 ".json",
			 dir, prefix, values[i]);
		arg(s, "--pattern=%s", pattern);
		arg(s, "--%s=%" PRIu64, flag, values[i]);
		for (int e = 0; extra && extra[e]; e++)
			arg(s, "%s", extra[e]);
		arg(s, "--json");
		if (o->quick && !extra)
			arg(s, QUICK_SIM_STEPS);
	}
	return 0;
}

static int sim_steps(const struct plan_options *o, struct run_plan *p)
{
	struct run_step *s;

	if (sweep(o, p, "alias", "alias-distance", "D", LAYOUT_SWEEP_ALIAS,
		  o->quick ? alias_quick : alias_full, NULL) < 0 ||
	    sweep(o, p, "multislot", "slots", "K", LAYOUT_SWEEP_SLOTS,
		  o->quick ? slots_quick : slots_full, NULL) < 0)
		return -1;
	if (!o->quick &&
	    (sweep(o, p, "multislot", "slot-pages", "P", LAYOUT_SWEEP_GUEST,
		   guest_slot_pages, guest_extra) < 0 ||
	     sweep(o, p, "single", "inval-pages", "I", LAYOUT_SWEEP_INVAL,
		   inval_pages, inval_extra) < 0))
		return -1;
	for (int i = 0; o->patterns && o->patterns[i]; i++) {
		if (!(s = add(p, "sim", STEP_STDOUT_JSON, SIM_TIMEOUT_S)))
			return -1;
		snprintf(s->label, sizeof(s->label), "sim %s", o->patterns[i]);
		snprintf(s->out_rel, sizeof(s->out_rel), "%s/%s.json",
			 LAYOUT_PATTERNS, o->patterns[i]);
		arg(s, "--pattern=%s", o->patterns[i]);
		arg(s, "--json");
		/* Plot (e) needs the per-gfn counts; asked for explicitly so
		 * it does not depend on the sim's per-pattern default. */
		if (strcmp(o->patterns[i], LAYOUT_HIST_PATTERN) == 0)
			arg(s, "--histogram");
		/* numa needs the full length for any gfn to be retried at
		 * all (its invalidations are rare and long); 2 s is spent. */
		if (o->quick && strcmp(o->patterns[i], LAYOUT_HIST_PATTERN) != 0)
			arg(s, QUICK_SIM_STEPS);
	}
	return 0;
}

/* Repetitions are separate processes, merged afterwards, rather than
 * --benchmark_repetitions: Google Benchmark 1.7.1 aborts in ComputeStats
 * when a batched benchmark's repetitions ran different iteration counts
 * (seen here: "Check `(run_iterations) == (run.iterations)' failed"), and
 * a fresh process per repetition also samples what varies between runs. */
#define STRESS_PARTS ".parts/stress-"

static int stress_steps(const struct plan_options *o, struct run_plan *p)
{
	uint64_t n = o->repetitions ? o->repetitions : 1;
	struct run_step *s;

	for (uint64_t i = 1; i <= n; i++) {
		if (!(s = add(p, "stress", STEP_GBENCH_OUT, STRESS_TIMEOUT_S)))
			return -1;
		if (n > 1)
			snprintf(s->label, sizeof(s->label), "stress%s %" PRIu64
				 "/%" PRIu64, o->quick ? " --quick" : "", i, n);
		else
			snprintf(s->label, sizeof(s->label), "stress%s",
				 o->quick ? " --quick" : "");
		snprintf(s->log, sizeof(s->log), "stress%s",
			 o->quick ? " --quick" : "");
		s->log_append = i > 1;
		if (n > 1)
			snprintf(s->out_rel, sizeof(s->out_rel), "%s%" PRIu64 ".json",
				 STRESS_PARTS, i);
		else
			snprintf(s->out_rel, sizeof(s->out_rel), "%s", LAYOUT_STRESS);
		if (o->quick)
			arg(s, "--quick");
	}
	if (n > 1) {
		if (!(s = add(p, "stress", STEP_GBENCH_MERGE, 0)))
			return -1;
		snprintf(s->label, sizeof(s->label), "merge stress repetitions");
		snprintf(s->out_rel, sizeof(s->out_rel), "%s", LAYOUT_STRESS);
		snprintf(s->parts_prefix, sizeof(s->parts_prefix), "%s",
			 STRESS_PARTS);
		s->n_parts = (int)n;
	}
	return 0;
}

int plan_build(const struct plan_options *o, struct run_plan *p)
{
	struct run_step *s;

	memset(p, 0, sizeof(*p));
	if (!o->available("sim"))
		skip(p, "sim", "sweeps and per-pattern counts");
	else if (sim_steps(o, p) < 0)
		return -1;

	if (!o->available("explore")) {
		skip(p, "explore", "exhaustive exploration");
	} else if ((s = add(p, "explore", STEP_JSON_SPLIT, EXPLORE_TIMEOUT_S))) {
		snprintf(s->label, sizeof(s->label), "explore all scenarios");
		snprintf(s->out_rel, sizeof(s->out_rel), "%s", LAYOUT_EXPLORE);
		s->split_key = "scenario";
		arg(s, "--json");
	}

	if (!o->available("stress"))
		skip(p, "stress", "threaded stress benchmarks, plot (c)");
	else if (stress_steps(o, p) < 0)
		return -1;

	/* Instructions under callgrind: exact, so gated tightly (about 2 s;
	 * the same in the quick and the full suite). */
	if (!o->available("icount")) {
		skip(p, "icount", "instruction counts");
	} else if ((s = add(p, "icount", STEP_STDOUT_JSON, ICOUNT_TIMEOUT_S))) {
		snprintf(s->label, sizeof(s->label), "icount (valgrind)");
		snprintf(s->out_rel, sizeof(s->out_rel), "%s", LAYOUT_ICOUNT);
		arg(s, "--json");
	}

	/* The live check needs /dev/kvm and root: where it cannot run, the
	 * run is still complete. It measures this host, so the quick (CI)
	 * suite, which is compared against a committed baseline, leaves it
	 * out. */
	if (!o->available("live")) {
		skip(p, "live", "live-kernel cross-check");
	} else if (!o->quick && (s = add(p, "live", STEP_STDOUT_JSON,
					   LIVE_TIMEOUT_S))) {
		snprintf(s->label, sizeof(s->label), "live");
		snprintf(s->out_rel, sizeof(s->out_rel), "%s", LAYOUT_LIVE);
		s->optional = true;
		arg(s, "--json");
	}
	/* Real VMs, after live so its fault time converts steps to time
	 * (sim falls back to documented defaults when live.json is absent
	 * or skipped). Not in the quick suite: it measures engine speed on
	 * big layouts and adds nothing to the gate's exact counters. */
	for (int i = 0; !o->quick && o->available("sim") && o->vm_presets &&
			o->vm_presets[i]; i++) {
		if (!(s = add(p, "sim", STEP_STDOUT_JSON, REALVM_TIMEOUT_S)))
			return -1;
		snprintf(s->label, sizeof(s->label), "sim --vm=%s", o->vm_presets[i]);
		snprintf(s->out_rel, sizeof(s->out_rel), "%s/%s.json", LAYOUT_REALVM,
			 o->vm_presets[i]);
		arg(s, "--vm=%s", o->vm_presets[i]);
		arg(s, "--json");
		arg(s, "--invals=%d", REALVM_INVALS);
		if (o->available("live"))
			arg(s, "--calibration=%s%s", RUN_DIR_ARG, LAYOUT_LIVE);
	}
	return 0;
}

void plan_free(struct run_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		for (int a = 0; a < p->steps[i].n_args; a++)
			free(p->steps[i].args[a]);
	free(p->steps);
	memset(p, 0, sizeof(*p));
}

void plan_print(const struct run_plan *p, FILE *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct run_step *s = &p->steps[i];

		if (s->kind == STEP_GBENCH_MERGE) {
			fprintf(out, "  (merge %s1..%d.json into %s)\n",
				s->parts_prefix, s->n_parts, s->out_rel);
			continue;
		}
		fprintf(out, "  bench %s", s->command);
		for (int a = 0; a < s->n_args; a++)
			fprintf(out, " %s", s->args[a]);
		if (s->kind == STEP_GBENCH_OUT)
			fprintf(out, " --benchmark_out=%s --benchmark_out_format=json",
				s->out_rel);
		else
			fprintf(out, " > %s%s", s->out_rel,
				s->kind == STEP_JSON_SPLIT ? "/<scenario>.json" : "");
		fprintf(out, "%s\n", s->optional ? "  (optional)" : "");
	}
	for (int i = 0; i < p->n_skipped; i++)
		fprintf(out, "  skipped: %s\n", p->skipped[i]);
}
