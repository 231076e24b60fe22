/* Google Benchmark JSON: the threaded stress results. Nothing here is
 * deterministic, so counts are gated only where any non-zero value is a bug
 * (the safety counters); time is gated as same-run ratios (a benchmark's
 * time over its floor's, both from one run: what the machine's load does
 * to both cancels), and absolute timings only when asked (--threshold),
 * then when the U test and the threshold both say so. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/gate/compare_internal.h"
#include "report/gate/mannwhitney.h"

/* Must stay zero where BASE had zero: a missed invalidation. */
static const char *const safety_counters[] = { "fn", "stale_sptes", NULL };

struct metric {
	const char *key;
	int higher_is_better;
	const char *unit;
	/* Reported but never an exit-1 finding: on a shared machine these
	 * follow the scheduler more than the code (a p99 of 0.9 us in one
	 * quick run was 40 us in the next, same commit). */
	bool report_only;
};

/* Times are converted to ns first (time_unit). invals_per_s is not here:
 * the invalidators' pace is the workload's (gaps, phase 2 length), not a
 * cost of the tracker, and it follows the machine's load. */
static const struct metric metrics[] = {
	{ "real_time", 0, "ns", false },
	{ "cpu_time", 0, "ns", false },
	{ "faults_per_s", 1, "/s", false },
	{ "p50_ns", 0, "ns", true },
	{ "p99_ns", 0, "ns", true },
	{ "retries_per_fault", 0, "", true },
};

#define N_METRICS (sizeof(metrics) / sizeof(metrics[0]))

/* Without --threshold, absolute timings worse by more than this are
 * reported as notes. */
#define REPORT_PCT 10

/* Same-run ratios: a benchmark's time over its family's floor. The time
 * is cpu_time: these run on one thread, and cpu_time leaves out the time
 * the thread waited for a CPU, which is what the load of a shared machine
 * adds. sim/X over sim/nop is the nop tracker's steps/s over X's.
 *
 * A floor must cost what its family costs in kind, or the ratio measures
 * the machine. path/X was once over path/rwlock, the bare lock: two atomic
 * operations whose price differs between hosts of one machine kind (13.2
 * ns where the baseline was recorded, 6.1 ns on another host), so every
 * path ratio doubled with no change of code. The fault path of the nop
 * tracker is the floor now, and the nop path itself is gated over the nop
 * check (plain calls and loads, like most of the path: 15.7 vs 19.2 on
 * those two hosts). The bare lock is not our code: reported, not gated. */
static const struct { const char *prefix, *floor; } ratio_families[] = {
	{ "check/", "nop" },
	{ "check_inflight/", "nop" },
	{ "path/", "nop" },
	{ "sim/", "nop" },
};

/* Floors outside the benchmark's family (exact names). */
static const struct { const char *name, *floor; } ratio_cross[] = {
	{ "path/nop", "check/nop" },
};

/* Measure the machine, not the suite: never a ratio's numerator. */
static const char *const ratio_excluded[] = { "path/rwlock" };

static bool ratio_excluded_name(const char *name)
{
	for (size_t i = 0; i < sizeof(ratio_excluded) / sizeof(ratio_excluded[0]); i++)
		if (strcmp(name, ratio_excluded[i]) == 0)
			return true;
	return false;
}

/* The floor of PREFIX/NAME[/ARGS] is PREFIX/FLOOR[/ARGS]: the same
 * arguments (check_inflight/X/invals:2 over check_inflight/nop/invals:2);
 * entry f == n_families is the cross-family table. Returns false when
 * `name` is not of the family, is its floor or is excluded. */
static bool ratio_floor_of(size_t f, const char *name, char *floor,
			   size_t len)
{
	const size_t n_families = sizeof(ratio_families) / sizeof(ratio_families[0]);
	const char *prefix, *args;
	size_t pl;

	if (ratio_excluded_name(name))
		return false;
	if (f == n_families) {
		for (size_t i = 0; i < sizeof(ratio_cross) / sizeof(ratio_cross[0]); i++)
			if (strcmp(name, ratio_cross[i].name) == 0) {
				snprintf(floor, len, "%s", ratio_cross[i].floor);
				return true;
			}
		return false;
	}
	prefix = ratio_families[f].prefix;
	pl = strlen(prefix);
	if (strncmp(name, prefix, pl) != 0)
		return false;
	args = strchr(name + pl, '/');
	snprintf(floor, len, "%s%s%s", prefix, ratio_families[f].floor,
		 args ? args : "");
	return strcmp(name, floor) != 0;
}

static double unit_to_ns(const char *u)
{
	if (!u || strcmp(u, "ns") == 0)
		return 1;
	if (strcmp(u, "us") == 0)
		return 1e3;
	if (strcmp(u, "ms") == 0)
		return 1e6;
	if (strcmp(u, "s") == 0)
		return 1e9;
	return NAN;
}

/* name -> array of the benchmark's repetitions (iteration entries only:
 * aggregates are recomputed here from the raw repetitions). */
static json_t *group(struct cmp_ctx *c, const json_t *root, const char *side)
{
	json_t *by_name = json_object(), *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *name = jin_str(b, "run_name");
		const char *type = jin_str(b, "run_type");

		if (!name)
			name = jin_str(b, "name");
		if (!json_is_object(b) || !name) {
			cmp_bad(c, "%s: %s benchmark #%zu has no name: not Google "
				"Benchmark JSON", c->file, side, i);
			break;
		}
		if (type && strcmp(type, "aggregate") == 0)
			continue;
		json_t *reps = json_object_get(by_name, name);

		if (!reps) {
			reps = json_array();
			json_object_set_new(by_name, name, reps);
		}
		json_array_append(reps, b);
	}
	return by_name;
}

static int values(const json_t *reps, const struct metric *m, double *out,
		  size_t max)
{
	size_t i, n = 0;
	json_t *r;

	json_array_foreach(reps, i, r) {
		json_t *v = json_object_get(r, m->key);
		double scale = 1;

		if (!json_is_number(v) || n == max ||
		    json_is_true(json_object_get(r, "error_occurred")))
			continue;
		if (strcmp(m->key, "real_time") == 0 ||
		    strcmp(m->key, "cpu_time") == 0)
			scale = unit_to_ns(jin_str(r, "time_unit"));
		if (!isfinite(scale))
			continue;
		out[n++] = json_number_value(v) * scale;
	}
	return (int)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Smallest two-sided p the exact test can give: 2 / C(n1 + n2, n1). If even
 * that is above alpha, the test cannot decide and the threshold alone does. */
static double min_p(int n1, int n2)
{
	double comb = 1;

	for (int i = 1; i <= n1; i++)
		comb = comb * (n2 + i) / i;
	return 2 / comb;
}

static void compare_metric(struct cmp_ctx *c, const char *name,
			   const json_t *ra, const json_t *rb,
			   const struct metric *m)
{
	double a[MWU_MAX_N], b[MWU_MAX_N], ma, mb, worse, change;
	int na = values(ra, m, a, MWU_MAX_N), nb = values(rb, m, b, MWU_MAX_N);
	struct mwu_result t = { 0, 1, false };
	char how[96];
	bool gated = c->o->threshold_pct >= 0 && !m->report_only;

	if (na == 0 || nb == 0)
		return;
	c->timings_compared++;
	/* The test needs the raw samples; median() sorts, which it ignores. */
	mwu_test(a, (size_t)na, b, (size_t)nb, &t);
	ma = median(a, na);
	mb = median(b, nb);
	if (ma <= 0 || mb <= 0)
		return;
	/* As a slowdown either way: halving faults/s is 100% worse, like
	 * doubling a time. */
	worse = (m->higher_is_better ? ma / mb : mb / ma) * 100 - 100;
	change = (mb / ma - 1) * 100;
	if (worse <= (gated ? c->o->threshold_pct : REPORT_PCT))
		return;
	/* NEW's median inside the range BASE's own repetitions covered: a
	 * move BASE already showed is not evidence of a change (e.g. a
	 * livelocking pattern, one slow repetition). a[] is sorted by
	 * median(). */
	if (na > 1 && mb >= a[0] && mb <= a[na - 1]) {
		cmp_note(c, "%s: %s %s: %.4g -> %.4g %s (%+.1f%%), not gated: "
			 "within BASE's own repetitions, %.4g..%.4g", c->file,
			 name, m->key, ma, mb, m->unit, change, a[0], a[na - 1]);
		return;
	}
	if (min_p(na, nb) < c->o->alpha) {
		if (t.p >= c->o->alpha) {
			cmp_note(c, "%s: %s %s: %.4g -> %.4g %s (%+.1f%%) but "
				 "p=%.3g >= %.3g over %d/%d repetitions: noise",
				 c->file, name, m->key, ma, mb, m->unit, change,
				 t.p, c->o->alpha, na, nb);
			return;
		}
		snprintf(how, sizeof(how), "p=%.3g over %d/%d repetitions",
			 t.p, na, nb);
	} else {
		snprintf(how, sizeof(how), "%d/%d repetitions: too few for the "
			 "U test, threshold only", na, nb);
	}
	if (!gated) {
		cmp_note(c, "%s: %s %s: %.4g -> %.4g %s (%+.1f%%: %.0f%% worse, "
			 "%s; reported, not gated)", c->file, name, m->key, ma,
			 mb, m->unit, change, worse, how);
		return;
	}
	cmp_finding(c, "%s: %s %s: %.4g -> %.4g %s (%+.1f%%: %.0f%% worse > "
		    "%.0f%%, %s)", c->file, name, m->key, ma, mb, m->unit, change,
		    worse, c->o->threshold_pct, how);
}

static void compare_safety(struct cmp_ctx *c, const char *name,
			   const json_t *ra, const json_t *rb)
{
	for (int k = 0; safety_counters[k]; k++) {
		struct metric m = { safety_counters[k], 0, "", false };
		double a[MWU_MAX_N], b[MWU_MAX_N], max_a = 0, max_b = 0;
		int na = values(ra, &m, a, MWU_MAX_N);
		int nb = values(rb, &m, b, MWU_MAX_N);

		for (int i = 0; i < na; i++)
			max_a = a[i] > max_a ? a[i] : max_a;
		for (int i = 0; i < nb; i++)
			max_b = b[i] > max_b ? b[i] : max_b;
		c->exact_compared += na > 0 && nb > 0;
		if (na > 0 && nb > 0 && max_a == 0 && max_b > 0)
			cmp_finding(c, "%s: %s %s: 0 -> %.0f (a missed "
				    "invalidation where BASE had none)", c->file,
				    name, m.key, max_b);
	}
}

static double median_of(const json_t *reps, const char *key)
{
	struct metric m = { key, 0, "", false };
	double v[MWU_MAX_N];
	int n = reps ? values(reps, &m, v, MWU_MAX_N) : 0;

	return n ? median(v, n) : NAN;
}

static void compare_ratios(struct cmp_ctx *c, json_t *ga, json_t *gb)
{
	const char *name;
	json_t *ra;

	/* One pass per family, then one over the cross-family floors. */
	for (size_t f = 0; f <= sizeof(ratio_families) / sizeof(ratio_families[0]);
	     f++) {
		json_object_foreach(ga, name, ra) {
			char floor[256];
			double fa, fb, xa, xb, qa, qb, change;

			if (!ratio_floor_of(f, name, floor, sizeof(floor)))
				continue;
			fa = median_of(json_object_get(ga, floor), "cpu_time");
			fb = median_of(json_object_get(gb, floor), "cpu_time");
			xa = median_of(ra, "cpu_time");
			xb = median_of(json_object_get(gb, name), "cpu_time");
			if (!(fa > 0) || !(fb > 0) || !(xa > 0) || !(xb > 0))
				continue;
			qa = xa / fa;
			qb = xb / fb;
			c->ratios_compared++;
			change = (qb / qa - 1) * 100;
			if (change > c->o->ratio_pct)
				cmp_finding(c, "%s: %s / %s cpu_time: %.3g -> %.3g "
					    "(%+.0f%% > %.3g%% same-run ratio "
					    "threshold)", c->file, name, floor,
					    qa, qb, change, c->o->ratio_pct);
		}
	}
}

void cmp_gbench(struct cmp_ctx *c, const json_t *base, const json_t *new_root)
{
	json_t *ga = group(c, base, "BASE"), *gb = group(c, new_root, "NEW");
	const char *name;
	json_t *ra;

	json_object_foreach(ga, name, ra) {
		if (c->bad[0])
			break;
		json_t *rb = json_object_get(gb, name);

		if (!rb) {
			cmp_bad(c, "%s: NEW lacks benchmark '%s', which BASE has "
				"(mismatched suites; update the baseline with "
				"`bench compare --update-baseline` if intended)",
				c->file, name);
			break;
		}
		json_t *last = json_array_get(rb, json_array_size(rb) - 1);

		if (json_is_true(json_object_get(last, "error_occurred"))) {
			const char *msg = jin_str(last, "error_message");

			cmp_finding(c, "%s: %s: failed in NEW: %s", c->file, name,
				    msg ? msg : "(no message)");
			continue;
		}
		compare_safety(c, name, ra, rb);
		for (size_t m = 0; m < N_METRICS; m++)
			compare_metric(c, name, ra, rb, &metrics[m]);
	}
	if (!c->bad[0])
		compare_ratios(c, ga, gb);
	json_object_foreach(gb, name, ra) {
		if (!c->bad[0] && !json_object_get(ga, name))
			cmp_note(c, "%s: benchmark %s is new (not in BASE), not "
				 "compared", c->file, name);
	}
	json_decref(ga);
	json_decref(gb);
}
