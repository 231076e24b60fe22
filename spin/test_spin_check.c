/* spin itself on the model: the verdicts SPEC section 2 expects.
 *   test_spin_check multislot   gfn violates (and the trail tells the
 *                               reviewer's story), hva and union do not
 *   test_spin_check matrix      every scenario x tracker, both properties
 * Exits 77 (ctest SKIP_RETURN_CODE) when spin or gcc is not installed.
 * No timing is asserted: only verdicts, counts and the trail. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "explore/scenario.h"
#include "spin/spin_check.h"
#include "tests/check.h"

#define SKIP 77

/* Runs one check; false (and a failure) when spin_check itself failed. */
static bool run(const char *scenario, const char *tracker, bool audit_only,
		struct spin_verdict *v)
{
	struct spin_opts o;
	char err[1024];

	spin_opts_default(&o);
	o.audit_only = audit_only;
	o.quick_build = true; /* verdicts do not depend on -O */
	if (spin_check_opts(scenario, tracker, &o, v, err, sizeof(err)) != 0) {
		CHECK_FAIL("%s/%s: spin_check failed: %s", scenario, tracker,
			   err);
		return false;
	}
	printf("%-10s %-7s %-5s violation=%d states=%llu verify=%.3fs build=%.3fs\n",
	       scenario, tracker, audit_only ? "audit" : "check", v->violation,
	       (unsigned long long)v->states_stored, v->verify_seconds,
	       v->build_seconds);
	return true;
}

/* Index of the first step at or after `from` containing `text`, or -1. */
static int find_step(const struct spin_verdict *v, int from, const char *text)
{
	for (int i = from; i < (int)v->n_steps; i++)
		if (strstr(v->steps[i], text))
			return i;
	return -1;
}

/* The review's story: the fault in slot 0 passes the locked check while
 * in_progress == 1 and the range covers only slot 1's gfns [2,3), with an
 * unchanged sequence number, and installs a page about to change. */
static void expect_gfn_story(const struct spin_verdict *v)
{
	int add0 = find_step(v, 0, "range_add slot0 gfn [1,2)");
	int add1 = find_step(v, 0, "range_add slot1 gfn [2,3)");
	int check = find_step(v, 0, "vcpu0 locked check gfn 1");
	int install = find_step(v, check < 0 ? 0 : check, "no retry: INSTALL");
	const char *want = "vcpu0 locked check gfn 1, snapshot seq=0: tracker seq=0 "
			   "in_progress=1 range=[2,3), truly stale";

	spin_verdict_print_steps(stdout, v);
	CHECK(add0 >= 0 && add1 > add0, "range_add steps at %d, %d", add0, add1);
	CHECK(check > add1, "locked check at step %d, after phase 1 (%d)", check, add1);
	CHECK(check >= 0 && strcmp(v->steps[check], want) == 0,
	       "the check: expected '%s', got '%s'", want, check >= 0 ? v->steps[check] : "");
	CHECK(install == check + 1, "install at %d, check at %d", install, check);
	CHECK(find_step(v, 0, "phase 3") < 0 || find_step(v, 0, "phase 3") > install,
	       "the invalidation ended before the install");
}

static int test_multislot(void)
{
	struct spin_verdict v;

	if (run("multislot", "gfn", false, &v)) {
		CHECK(v.violation, "gfn on multislot: expected a violation, got none");
		CHECK(strstr(v.property, "truly stale") != NULL, "property '%s'", v.property);
		expect_gfn_story(&v);
	}
	if (run("multislot", "gfn", true, &v)) {
		CHECK(v.violation, "gfn on multislot, end audit: expected a violation");
		CHECK(strstr(v.property, "audit") != NULL, "property '%s'", v.property);
		CHECK(find_step(&v, 0, "audit: slot0 gfn 1") >= 0, "the audit names slot0 gfn 1");
	}
	for (const char *const *t = (const char *const[]){ "hva", "union", NULL }; *t; t++) {
		if (!run("multislot", *t, false, &v))
			continue;
		CHECK(!v.violation, "%s on multislot: unexpected violation: %s", *t, v.pan_error);
		CHECK(v.n_steps == 0, "%s: %u counterexample steps without a violation", *t, v.n_steps);
		/* More than the 19 states of the one-path gfn counterexample:
		 * the search really branched over the interleavings. */
		CHECK(v.states_stored > 19, "%s: only %llu states", *t,
		       (unsigned long long)v.states_stored);
	}
	return check_summary("spin_multislot");
}

/* Every built-in scenario file, spin's world generated from it: the
 * verdicts its `expect` lines state (SPEC section 2: gfn misses when one
 * invalidation spans slots while it is the only one in flight; hva and
 * union never miss), and the seqonly mutant misses everywhere (proof that
 * each scenario's assertions can fire). Where a violation is expected, the
 * end audit alone finds it too. */
static bool expected_violation(const struct scenario *sc, const char *tracker)
{
	if (strcmp(tracker, "seqonly") == 0)
		return true;
	/* A tracker the file has no line for is held to "safe" (SPEC), so a
	 * new tracker's model is checked without editing every file. */
	for (uint32_t e = 0; e < sc->n_expect; e++)
		if (strcmp(sc->expect[e].tracker, tracker) == 0 &&
		    sc->expect[e].early != 0)
			return sc->expect[e].violation;
	return false;
}

/* Every tracker spin has a model of (spin/model/trackers/NAME.pml), so a new
 * one is held to SPEC's expectations without editing this file. */
static int model_trackers(char names[][48], int max)
{
	DIR *d = opendir(SPIN_MODEL_DIR "/trackers");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < max) {
		size_t len = strlen(e->d_name);

		if (len > 4 && len < 48 && strcmp(e->d_name + len - 4, ".pml") == 0) {
			memcpy(names[n], e->d_name, len - 4);
			names[n++][len - 4] = '\0';
		}
	}
	closedir(d);
	return n;
}

static int test_matrix(void)
{
	char names[32][48];
	const char *trackers[33];
	int n = model_trackers(names, 32);
	const char *const *scs = scenario_names();
	struct spin_verdict v;
	struct scenario sc;
	char err[1024];

	for (int i = 0; i < n; i++)
		trackers[i] = names[i];
	trackers[n] = NULL;
	CHECK(n >= 4 && spin_tracker_has_model("union") &&
	      spin_tracker_has_model("seqonly") && !spin_tracker_has_model("nope"),
	      "trackers with a model: %d", n);
	CHECK(scs[0] != NULL, "no scenario files");
	for (const char *const *s = scs; *s; s++) {
		if (scenario_find(*s, &sc, err, sizeof(err)) < 0) {
			CHECK_FAIL("%s", err);
			continue;
		}
		for (const char *const *t = trackers; *t; t++) {
			bool want = expected_violation(&sc, *t);

			for (int audit = 0; audit < 1 + want; audit++) {
				if (!run(*s, *t, audit, &v))
					continue;
				CHECK(v.violation == want,
				       "%s/%s (%s): expected violation=%d, got %d",
				       *s, *t, audit ? "audit" : "check", want,
				       v.violation);
				CHECK(v.violation == (v.n_steps > 0),
				       "%s/%s: violation=%d but %u steps", *s, *t,
				       v.violation, v.n_steps);
			}
		}
	}
	return check_summary("spin_matrix");
}

int main(int argc, char **argv)
{
	char why[256];

	if (argc != 2 || (strcmp(argv[1], "multislot") && strcmp(argv[1], "matrix"))) {
		fprintf(stderr, "usage: %s multislot|matrix\n", argv[0]);
		return 2;
	}
	if (!spin_available(why, sizeof(why))) {
		printf("SKIP: %s\n", why);
		return SKIP;
	}
	if (strcmp(argv[1], "multislot") == 0)
		return test_multislot();
	return test_matrix();
}
