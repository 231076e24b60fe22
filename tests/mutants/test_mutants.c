/* ctest `mutants`: every mutant tracker must be caught.
 *
 * Runs the deterministic engine over every pattern (MUTANT_SIM_SEEDS seeds)
 * and the explorer over every scenario (pre-checks on and off), for each
 * mutant and for each parent mutants.def names, and prints the kill table. Fails when a
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

static int check_parents(const char *engine, const char *const *names, int n,
			 const struct parent_check *pc)
{
	int bad = 0;

	for (int i = 0; i < n; i++)
		if (!pc[i].clean)
			bad += fprintf(stderr, "FAILED: parent %s flagged by %s: %s\n",
				       names[i], engine, pc[i].why) > 0;
	return bad;
}

/* A mutant or control runs on its parent's private block, so it must
 * declare the same words (the explorer hashes and polices exactly those),
 * and every parent needs a control, or its kills prove nothing. */
static int check_shapes(const char *const *names, int n)
{
	int bad = 0;

	for (unsigned i = 0; i < n_mutants + n_controls; i++) {
		const struct mutant *m = i < n_mutants ? &mutants[i]
						       : &controls[i - n_mutants];
		const struct tracker_ops *p = tracker_find(m->parent);

		if (!p)
			bad += fprintf(stderr, "FAILED: %s: parent %s is not "
				       "registered\n", m->ops->name, m->parent) > 0;
		else if (p->priv_words != m->ops->priv_words)
			bad += fprintf(stderr, "FAILED: %s declares %u private "
				       "words, its parent %s %u\n", m->ops->name,
				       m->ops->priv_words, m->parent,
				       p->priv_words) > 0;
	}
	for (int i = 0; i < n; i++) {
		unsigned c = 0;

		while (c < n_controls && strcmp(controls[c].parent, names[i]))
			c++;
		if (c == n_controls)
			bad += fprintf(stderr, "FAILED: parent %s has no control "
				       "(controls.c)\n", names[i]) > 0;
	}
	return bad;
}

int main(void)
{
	struct parent_check sim_pc[MAX_PARENTS], ex_pc[MAX_PARENTS];
	const char *names[MAX_PARENTS];
	int n_parents = mutant_parents(names);
	unsigned killed = 0, failures = 0;

	if (n_parents < 0) {
		fprintf(stderr, "FAILED: mutants.def names more than %d parents\n",
			MAX_PARENTS);
		return 1;
	}
	failures += check_shapes(names, n_parents);
	if (sim_check_init(names, n_parents, sim_pc) < 0 ||
	    explore_check_init(names, n_parents, ex_pc) < 0)
		return 1;
	failures += check_parents("the deterministic engine", names, n_parents, sim_pc);
	failures += check_parents("the explorer", names, n_parents, ex_pc);

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
