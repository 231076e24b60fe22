/* The reductions keep the answers: on every built-in scenario, for every
 * tracker and pre-check mode, the verdict and the shortest counterexample's
 * length are the same with --reduce=off, symmetry, por and on; the reduced
 * searches store no more states; and on a world with identical actors,
 * symmetry strictly shrinks the space and still finds the same shortest
 * violation, named with the real actors. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "model/registry.h"
#include "tests/check.h"

static const unsigned modes[] = { 0, REDUCE_SYMMETRY, REDUCE_POR,
				  REDUCE_SYMMETRY | REDUCE_POR };
static const char *const mode_names[] = { "off", "symmetry", "por", "on" };

static bool violated(const struct explore_result *r)
{
	return r->violations || r->stale_terminal_states;
}

/* Explores w with every reduction; checks them against the unreduced run.
 * Returns the states of the unreduced and the fully reduced runs. */
static void compare(const struct scenario_world *w, const char *tracker,
		    bool early, uint64_t *off_states, uint64_t *on_states)
{
	struct explore_result r[4];
	char err[512];

	for (int m = 0; m < 4; m++) {
		struct explore_options o = { .early_check = early,
					     .reduce = modes[m] };

		if (explore_run(w, tracker_find(tracker), &o, &r[m], err,
				sizeof(err)) < 0) {
			CHECK_FAIL("%s/%s reduce=%s: %s", w->sc->name, tracker,
				   mode_names[m], err);
			memset(&r[m], 0, sizeof(r[m]));
		}
		CHECK(r[m].complete && r[m].inconsistencies == 0,
		      "%s/%s reduce=%s: complete=%d inconsistencies=%" PRIu64,
		      w->sc->name, tracker, mode_names[m], r[m].complete,
		      r[m].inconsistencies);
	}
	for (int m = 1; m < 4; m++) {
		CHECK(violated(&r[m]) == violated(&r[0]),
		      "%s/%s early=%d reduce=%s: violation %d, unreduced %d",
		      w->sc->name, tracker, early, mode_names[m],
		      violated(&r[m]), violated(&r[0]));
		CHECK(r[m].cex_len == r[0].cex_len,
		      "%s/%s early=%d reduce=%s: shortest %u, unreduced %u",
		      w->sc->name, tracker, early, mode_names[m], r[m].cex_len,
		      r[0].cex_len);
		CHECK(r[m].states <= r[0].states,
		      "%s/%s reduce=%s: %" PRIu64 " states, more than %" PRIu64,
		      w->sc->name, tracker, mode_names[m], r[m].states, r[0].states);
		CHECK(r[m].terminal_states > 0, "%s/%s reduce=%s: no terminal state",
		      w->sc->name, tracker, mode_names[m]);
	}
	/* The trace's last step is the stale install, by a real actor. */
	for (int m = 0; m < 4; m++)
		if (r[m].cex_len && !r[m].cex_audit_stale)
			CHECK(r[m].cex[r[m].cex_len - 1].violation,
			      "%s/%s reduce=%s: the trace does not end in the "
			      "violation", w->sc->name, tracker, mode_names[m]);
	*off_states += r[0].states;
	*on_states += r[3].states;
	for (int m = 0; m < 4; m++)
		explore_result_free(&r[m]);
}

static void test_builtins(void)
{
	const char *const *names = scenario_names(), *const *trs = tracker_names();
	uint64_t off = 0, on = 0;

	CHECK(names[0] != NULL, "no scenario files");
	for (size_t s = 0; names[s]; s++) {
		struct scenario sc;
		struct scenario_world w;
		char err[512];

		if (scenario_find(names[s], &sc, err, sizeof(err)) < 0 ||
		    scenario_build(&sc, &w, err, sizeof(err)) < 0) {
			CHECK_FAIL("%s", err);
			continue;
		}
		for (size_t t = 0; trs[t]; t++)
			for (int e = 0; e < 2; e++)
				compare(&w, trs[t], e, &off, &on);
	}
	/* Partial-order reduction must actually reduce something. */
	CHECK(on < off, "reduce=on stored %" PRIu64 " states, off %" PRIu64, on, off);
	printf("built-in scenarios, every tracker and mode: %" PRIu64
	       " states unreduced, %" PRIu64 " with --reduce=on\n", off, on);
}

/* Two identical vCPUs (same fault) and two identical notifiers over the
 * multislot layout: symmetry must merge worlds, and gfn's violation must
 * keep its shortest length. */
static void test_symmetric_world(void)
{
	static const char text[] =
		"slot gfn=[0,2) hva=[0,2)\nslot gfn=[2,4) hva=[2,4)\n"
		"fault vcpu0 gfn=1\nfault vcpu1 gfn=1\n"
		"notifier inval0 hva=[1,3)\nnotifier inval1 hva=[1,3)\n";
	char path[] = "/tmp/test_reduce_XXXXXX";
	struct scenario sc;
	struct scenario_world w;
	char err[512];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
		CHECK_FAIL("cannot write %s", path);
		return;
	}
	if (scenario_load(path, &sc, err, sizeof(err)) < 0 ||
	    scenario_build(&sc, &w, err, sizeof(err)) < 0) {
		CHECK_FAIL("%s", err);
		remove(path);
		return;
	}
	remove(path);
	CHECK(scenario_actors_symmetric(&w, 0, 1) && scenario_actors_symmetric(&w, 2, 3) &&
	      !scenario_actors_symmetric(&w, 0, 2), "symmetry classes");
	for (const char *const *t = (const char *const[]){ "gfn", "union", NULL }; *t; t++) {
		struct explore_result off, sym;
		struct explore_options o = { .early_check = true };

		if (explore_run(&w, tracker_find(*t), &o, &off, err, sizeof(err)) < 0)
			CHECK_FAIL("%s", err);
		o.reduce = REDUCE_SYMMETRY;
		if (explore_run(&w, tracker_find(*t), &o, &sym, err, sizeof(err)) < 0)
			CHECK_FAIL("%s", err);
		CHECK(sym.states < off.states, "%s: symmetry kept %" PRIu64 " of %"
		      PRIu64 " states", *t, sym.states, off.states);
		CHECK(violated(&sym) == violated(&off) && sym.cex_len == off.cex_len,
		      "%s: symmetry changed the verdict or the shortest length", *t);
		CHECK(violated(&off) == (strcmp(*t, "gfn") == 0), "%s: verdict", *t);
		explore_result_free(&off);
		explore_result_free(&sym);
		{
			uint64_t a = 0, b = 0;

			compare(&w, *t, false, &a, &b);
		}
	}
}

int main(void)
{
	test_builtins();
	test_symmetric_world();
	return check_summary("explore_reduce");
}
