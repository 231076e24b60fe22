/* The explorer's part of the mutant test: every scenario, pre-checks on and
 * off, every interleaving. */
#ifndef TESTS_MUTANTS_EXPLORE_CHECK_H
#define TESTS_MUTANTS_EXPLORE_CHECK_H

#include "tests/mutants/kill.h"
#include "tests/mutants/mutants.h"

/* Explores the parents and keeps their results. Returns 0 or -1. */
int explore_check_init(struct parent_check *hva, struct parent_check *union_);

/* Explores m everywhere and compares with its parent. Returns 0 or -1. */
int explore_check_mutant(const struct mutant *m, struct kill_evidence *ev);

#endif
