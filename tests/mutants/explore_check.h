/* The explorer's part of the mutant test: every scenario, pre-checks on and
 * off, every interleaving. */
#ifndef TESTS_MUTANTS_EXPLORE_CHECK_H
#define TESTS_MUTANTS_EXPLORE_CHECK_H

#include "tests/mutants/kill.h"
#include "tests/mutants/mutants.h"

/* Explores the n parents names[] (mutant_parents()) and keeps their
 * results; pc[i] says whether names[i] is itself flagged. Returns 0 or -1. */
int explore_check_init(const char *const *names, int n, struct parent_check *pc);

/* Explores m everywhere and compares with its parent. Returns 0 or -1. */
int explore_check_mutant(const struct mutant *m, struct kill_evidence *ev);

#endif
