/* bench compare's exit status and messages on a fixture run and doctored
 * copies of it: 0 identical, 1 regression naming each change, 2 bad input
 * with nothing on stdout. argv[1]: the fixture run folder. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report/gate/compare.h"
#include "report/tests/fixture_util.h"
#include "tests/check.h"

static const char *fixture;
static char scratch[4096], newdir[4200];
static char *out_text, *err_text;
/* --threshold: < 0 (the default) reports absolute timings, never gates. */
static double abs_threshold = -1;

static int run_compare(const char *base, const char *new_path)
{
	struct compare_options o;
	FILE *out = tmpfile(), *err = tmpfile();
	int rc;

	compare_defaults(&o);
	o.threshold_pct = abs_threshold;
	rc = compare_run(base, new_path, &o, out, err);
	free(out_text);
	free(err_text);
	out_text = strdup(slurp(out));
	err_text = strdup(slurp(err));
	fclose(out);
	fclose(err);
	return rc;
}

static void fresh_copy(void)
{
	CHECK(copy_tree_sh(fixture, newdir) == 0);
}

static void set_num(json_t *obj, const char *key, double v)
{
	json_object_set_new(obj, key, json_is_integer(json_object_get(obj, key))
			    ? json_integer((json_int_t)v) : json_real(v));
}

/* Multiplies `key` of every repetition of benchmark `name`. */
static void scale_bench(const char *name, const char *key, double factor)
{
	json_t *root = load(newdir, "stress.json"), *b;
	size_t i;

	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		if (strcmp(json_string_value(json_object_get(b, "name")), name) == 0)
			set_num(b, key, json_number_value(json_object_get(b, key)) *
				factor);
	}
	CHECK(save(root, newdir, "stress.json") == 0);
}

static void expect_bad(const char *what, const char *base, const char *new_path,
		       const char *needle)
{
	int rc = run_compare(base, new_path);

	if (rc != 2 || out_text[0] != '\0' || !strstr(err_text, needle))
		fprintf(stderr, "bad input '%s': expected exit 2, empty stdout, "
			"'%s' in the message; got %d, stdout '%s', stderr '%s'\n",
			what, needle, rc, out_text, err_text);
	CHECK_EQ_I64(rc, 2);
	CHECK(out_text[0] == '\0');
	CHECK(strstr(err_text, needle) != NULL);
	CHECK(strchr(err_text, '\n') == err_text + strlen(err_text) - 1);
}

static void test_identical(void)
{
	fresh_copy();
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	CHECK(strstr(out_text, "no regression") != NULL);
	CHECK(err_text[0] == '\0');
}

/* One fn raised and one benchmark three times as slow against its floor
 * in the same run make compare exit 1 and name both, old and new values. */
static void test_doctored(void)
{
	json_t *k2;

	fresh_copy();
	k2 = load(newdir, "sweep/multislot_slots/K2.json");
	set_num(json_object_get(json_object_get(k2, "trackers"), "union"), "fn", 1);
	CHECK(save(k2, newdir, "sweep/multislot_slots/K2.json") == 0);
	scale_bench("path/union", "cpu_time", 3.0);

	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "sweep/multislot_slots/K2.json: trackers.union.fn: "
		      "0 -> 1") != NULL);
	CHECK(strstr(out_text, "stress.json: path/union / path/nop cpu_time:")
	      != NULL);
	CHECK(strstr(out_text, "2 findings") != NULL);
	CHECK(strstr(out_text, "REGRESSION") != NULL);
	printf("%s", out_text);
}

/* A timing within the threshold, or a faster one, is not a regression. */
static void test_noise_and_speedup(void)
{
	fresh_copy();
	scale_bench("path/hva", "real_time", 1.05);
	scale_bench("check/union", "real_time", 0.5);
	scale_bench("stress/alias/hva/threads:2", "faults_per_s", 1.5);
	/* Tail latency 10x worse: printed, but scheduling noise, not gated. */
	scale_bench("stress/alias/gfn/threads:1", "p99_ns", 10);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	CHECK(strstr(out_text, "stress/alias/gfn/threads:1 p99_ns") != NULL);
	CHECK(strstr(out_text, "reported, not gated") != NULL);
}

/* Fewer faults/s is a slowdown too (higher is better for rates): gated
 * with --threshold, a note without. */
static void test_rate_drop(void)
{
	fresh_copy();
	scale_bench("stress/alias/exact/threads:2", "faults_per_s", 0.5);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	CHECK(strstr(out_text, "stress/alias/exact/threads:2 faults_per_s") != NULL);
	CHECK(strstr(out_text, "reported, not gated") != NULL);
	abs_threshold = 10;
	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "stress/alias/exact/threads:2 faults_per_s") != NULL);
	abs_threshold = -1;
}

/* Multiplies instructions_per_op of one icount benchmark. */
static void scale_icount(const char *name, double factor)
{
	json_t *root = load(newdir, "icount.json"), *b;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(root, "icount"),
					   "benchmarks"), i, b) {
		if (strcmp(json_string_value(json_object_get(b, "name")), name) == 0)
			set_num(b, "instructions_per_op", factor * json_number_value(
				json_object_get(b, "instructions_per_op")));
	}
	CHECK(save(root, newdir, "icount.json") == 0);
}

/* More instructions beyond the threshold: a finding naming the benchmark,
 * both counts and the threshold; fewer: a note; within it: nothing. */
static void test_icount(void)
{
	fresh_copy();
	scale_icount("path/union", 1.2);
	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "CHANGED icount.json: path/union instructions: ")
	      != NULL);
	CHECK(strstr(out_text, "(+20.0% > 1% threshold)") != NULL);
	CHECK(strstr(out_text, "1 finding") != NULL);

	fresh_copy();
	scale_icount("check/exact", 0.8);
	scale_icount("sim/hva", 1.005);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	CHECK(strstr(out_text, "check/exact instructions") != NULL);
	CHECK(strstr(out_text, "fewer") != NULL);
	CHECK(strstr(out_text, "sim/hva") == NULL);

	fresh_copy();
	{
		json_t *j = load(newdir, "icount.json");
		json_t *list = json_object_get(json_object_get(j, "icount"),
					       "benchmarks");

		json_array_remove(list, 0);
		CHECK(save(j, newdir, "icount.json") == 0);
	}
	expect_bad("missing icount benchmark", fixture, newdir,
		   "icount.json: NEW lacks benchmark 'check/hva'");
}

/* Time is gated as a ratio to the family's floor in the same run: one
 * benchmark 3x slower is caught; the whole run 3x slower (a loaded
 * machine) is not a regression. */
static void test_ratio(void)
{
	json_t *root, *b;
	size_t i;

	fresh_copy();
	scale_bench("check/union", "cpu_time", 3.0);
	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "check/union / check/nop cpu_time:") != NULL);
	CHECK(strstr(out_text, "(+200% > ") != NULL);

	/* The common fault path 3x slower: every path/X over path/nop stays,
	 * the nop path over the nop check does not. */
	fresh_copy();
	root = load(newdir, "stress.json");
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		const char *n = json_string_value(json_object_get(b, "name"));

		if (n && strncmp(n, "path/", 5) == 0)
			set_num(b, "cpu_time", 3 * json_number_value(
				json_object_get(b, "cpu_time")));
	}
	CHECK(save(root, newdir, "stress.json") == 0);
	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "path/nop / check/nop cpu_time:") != NULL);
	CHECK(strstr(out_text, "1 finding (CHANGED") != NULL);

	/* A host whose bare lock costs 2.5x less (or more): the machine, not
	 * the suite; path/rwlock is no ratio's numerator or floor. */
	fresh_copy();
	scale_bench("path/rwlock", "cpu_time", 0.4);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	fresh_copy();
	scale_bench("path/rwlock", "cpu_time", 2.5);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);

	fresh_copy();
	root = load(newdir, "stress.json");
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		set_num(b, "cpu_time", 3 * json_number_value(
			json_object_get(b, "cpu_time")));
		set_num(b, "real_time", 3 * json_number_value(
			json_object_get(b, "real_time")));
	}
	CHECK(save(root, newdir, "stress.json") == 0);
	CHECK_EQ_I64(run_compare(fixture, newdir), 0);
	CHECK(strstr(out_text, "no regression") != NULL);
}

/* A stress benchmark where a safe tracker starts missing invalidations. */
static void test_stress_safety(void)
{
	json_t *root, *b;
	size_t i;

	fresh_copy();
	root = load(newdir, "stress.json");
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		if (strcmp(json_string_value(json_object_get(b, "name")),
			   "stress/alias/union/threads:1") == 0) {
			set_num(b, "fn", 2);
			break;
		}
	}
	CHECK(save(root, newdir, "stress.json") == 0);
	CHECK_EQ_I64(run_compare(fixture, newdir), 1);
	CHECK(strstr(out_text, "stress/alias/union/threads:1 fn: 0 -> 2") != NULL);
}

/* A NEW median within the range of BASE's own repetitions (one of them
 * was 10x slow) is reported, not gated: BASE already showed that spread. */
static void test_unstable_base(void)
{
	char base2[4300];
	json_t *root, *b;
	size_t i;
	int k = 0;

	fresh_copy();
	root = load(newdir, "stress.json");
	json_array_foreach(json_object_get(root, "benchmarks"), i, b) {
		if (strcmp(json_string_value(json_object_get(b, "name")),
			   "check/hva") == 0 && k++ == 0)
			set_num(b, "real_time", 10 * json_number_value(
				json_object_get(b, "real_time")));
	}
	CHECK(save(root, newdir, "stress.json") == 0);
	snprintf(base2, sizeof(base2), "%s/base2", scratch);
	CHECK(copy_tree_sh(newdir, base2) == 0);
	scale_bench("check/hva", "real_time", 2.0);
	abs_threshold = 10;
	CHECK_EQ_I64(run_compare(base2, newdir), 0);
	abs_threshold = -1;
	CHECK(strstr(out_text, "check/hva real_time") != NULL);
	CHECK(strstr(out_text, "within BASE's own repetitions") != NULL);
}

static void test_bad_input(void)
{
	char path[4400];
	json_t *j;
	FILE *f;

	fresh_copy();
	snprintf(path, sizeof(path), "%s/nope", scratch);
	expect_bad("missing NEW", fixture, path, "nope");

	snprintf(path, sizeof(path), "%s/hello.json", scratch);
	f = fopen(path, "w");
	fputs("{\"hello\": 1}\n", f);
	fclose(f);
	snprintf(newdir + strlen(newdir), 64, "/sweep/alias_distance/D320.json");
	expect_bad("not benchmark JSON", newdir, path, "not benchmark JSON");
	newdir[strlen(newdir) - strlen("/sweep/alias_distance/D320.json")] = '\0';

	expect_bad("folder vs file", fixture, path, "two results folders");

	/* A truncated file: what a killed writer without rename would leave. */
	snprintf(path, sizeof(path), "%s/sweep/multislot_slots/K2.json", newdir);
	CHECK(truncate(path, 100) == 0);
	expect_bad("truncated JSON", fixture, newdir, "K2.json: not valid JSON");

	fresh_copy();
	j = load(newdir, "sweep/alias_distance/D4096.json");
	set_num(json_object_get(j, "params"), "alias_distance", 8192);
	CHECK(save(j, newdir, "sweep/alias_distance/D4096.json") == 0);
	expect_bad("other parameters", fixture, newdir, "params.alias_distance");

	fresh_copy();
	j = load(newdir, "manifest.json");
	json_object_set_new(j, "suite", json_string("full"));
	CHECK(save(j, newdir, "manifest.json") == 0);
	expect_bad("quick vs full", fixture, newdir, "mismatched suites");

	fresh_copy();
	snprintf(path, sizeof(path), "%s/sweep/alias_distance/D320.json", newdir);
	CHECK(unlink(path) == 0);
	expect_bad("missing file", fixture, newdir,
		   "lacks sweep/alias_distance/D320.json");

	fresh_copy();
	snprintf(path, sizeof(path), "%s/status", newdir);
	f = fopen(path, "w");
	fputs("interrupted\n", f);
	fclose(f);
	expect_bad("interrupted run", fixture, newdir, "status 'interrupted'");

	fresh_copy();
	j = load(newdir, "stress.json");
	{
		json_t *kept = json_array(), *b;
		size_t i;

		json_array_foreach(json_object_get(j, "benchmarks"), i, b)
			if (strcmp(json_string_value(json_object_get(b, "run_name")),
				   "path/union") != 0)
				json_array_append(kept, b);
		json_object_set_new(j, "benchmarks", kept);
	}
	CHECK(save(j, newdir, "stress.json") == 0);
	expect_bad("missing benchmark", fixture, newdir,
		   "lacks benchmark 'path/union'");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_compare FIXTURE_RUN_DIR\n");
		return 2;
	}
	fixture = argv[1];
	scratch_dir("compare", scratch, sizeof(scratch));
	snprintf(newdir, sizeof(newdir), "%s/new", scratch);
	test_identical();
	test_doctored();
	test_noise_and_speedup();
	test_rate_drop();
	test_icount();
	test_ratio();
	test_stress_safety();
	test_unstable_base();
	test_bad_input();
	free(out_text);
	free(err_text);
	return check_summary("compare");
}
