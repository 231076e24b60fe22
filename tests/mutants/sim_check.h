/* The deterministic engine's part of the mutant test: every pattern, a few
 * seeds, mutant and parent under identical schedules. */
#ifndef TESTS_MUTANTS_SIM_CHECK_H
#define TESTS_MUTANTS_SIM_CHECK_H

#include "tests/mutants/kill.h"
#include "tests/mutants/mutants.h"

#define MUTANT_SIM_SEEDS 4

/* Runs the n parents names[] (mutant_parents()) once per pattern and seed
 * and keeps their results; pc[i] says whether names[i] is itself flagged.
 * Returns 0, or -1 after printing why (setup failure). */
int sim_check_init(const char *const *names, int n, struct parent_check *pc);

/* Runs m everywhere and compares with its parent. Returns 0 or -1. */
int sim_check_mutant(const struct mutant *m, struct kill_evidence *ev);

#endif
