/* ctest `mutants`: every mutant tracker must be caught.
 *
 * Runs the deterministic engine over every pattern (MUTANT_SIM_SEEDS seeds)
 * and the explorer over every scenario (pre-checks on and off), for each
 * mutant and for the two parents, and prints the kill table. Fails when a
 * mutant survives both engines, when a parent is itself flagged (a kill
 * would then prove nothing), when a mutant said to be only wasteful turns
 * out unsafe (its comment would be wrong), or when a mutant is registered
 * for users, or when a control (a parent with no mutation) is caught. */
#include <stdio.h>
#include <string.h>

#include "model/registry.h"
#include "tests/mutants/explore_check.h"
#include "tests/mutants/sim_check.h"

static const char *column(const struct kill_evidence *ev)
{
	return ev->caught ? ev->how : "-";
}

static int check_parents(const char *engine, const struct parent_check *hva,
			 const struct parent_check *uni)
{
	int bad = 0;

	if (!hva->clean)
		bad = fprintf(stderr, "FAILED: parent hva flagged by %s: %s\n",
			      engine, hva->why) > 0;
	if (!uni->clean)
		bad = fprintf(stderr, "FAILED: parent union flagged by %s: %s\n",
			      engine, uni->why) > 0;
	return bad;
}

int main(void)
{
	struct parent_check sim_hva, sim_union, ex_hva, ex_union;
	unsigned killed = 0, failures = 0;

	if (sim_check_init(&sim_hva, &sim_union) < 0 ||
	    explore_check_init(&ex_hva, &ex_union) < 0)
		return 1;
	failures += check_parents("the deterministic engine", &sim_hva, &sim_union);
	failures += check_parents("the explorer", &ex_hva, &ex_union);

	printf("kill table: %u mutants; sim = deterministic engine, every pattern x "
	       "%d seeds; explore = every scenario, pre-checks on and off\n",
	       n_mutants, MUTANT_SIM_SEEDS);
	printf("%-28s %-6s %-9s %-8s\n", "mutant", "parent", "expect", "verdict");
	for (unsigned i = 0; i < n_mutants; i++) {
		const struct mutant *m = &mutants[i];
		struct kill_evidence sim, ex;
		bool caught;

		if (sim_check_mutant(m, &sim) < 0 || explore_check_mutant(m, &ex) < 0)
			return 1;
		caught = sim.caught || ex.caught;
		killed += caught;
		printf("%-28s %-6s %-9s %-8s\n", m->ops->name, m->parent,
		       m->expect == UNSAFE ? "unsafe" : "wasteful",
		       caught ? "KILLED" : "SURVIVED");
		printf("    sim:     %s\n    explore: %s\n", column(&sim),
		       column(&ex));
		if (!caught) {
			failures++;
			fprintf(stderr, "FAILED: mutant %s survived\n", m->ops->name);
		}
		if (m->expect == WASTEFUL && (sim.safety_hit || ex.safety_hit)) {
			failures++;
			fprintf(stderr, "FAILED: mutant %s is declared wasteful but "
				"a safety check fired: %s %s\n", m->ops->name,
				sim.safety_hit ? sim.how : "", ex.safety_hit ? ex.how : "");
		}
		if (tracker_find(m->ops->name)) {
			failures++;
			fprintf(stderr, "FAILED: mutant %s is registered for users\n",
				m->ops->name);
		}
	}
	unsigned controls_caught = 0;

	for (unsigned i = 0; i < n_controls; i++) {
		struct kill_evidence sim, ex;

		if (sim_check_mutant(&controls[i], &sim) < 0 ||
		    explore_check_mutant(&controls[i], &ex) < 0)
			return 1;
		if (sim.caught || ex.caught) {
			controls_caught++;
			fprintf(stderr, "FAILED: control %s (no mutation) was caught, "
				"so kills prove nothing: %s %s\n",
				controls[i].ops->name, sim.how, ex.how);
		}
	}
	failures += controls_caught;
	printf("controls: %u parents with no mutation, %u caught (must be 0)\n",
	       n_controls, controls_caught);
	printf("mutants: %u of %u killed (%u%%)\n", killed, n_mutants,
	       n_mutants ? 100 * killed / n_mutants : 0);
	return failures ? 1 : 0;
}
