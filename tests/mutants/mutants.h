/* Deliberately broken trackers, to prove the checkers catch broken ones.
 *
 * Each mutant is one small change to a registered tracker (its parent),
 * built on the same vtable, so the engines run it exactly as they run the
 * real ones. The `mutants` test runs every one through the deterministic
 * engine and the explorer and requires each to be caught. */
#ifndef TESTS_MUTANTS_MUTANTS_H
#define TESTS_MUTANTS_MUTANTS_H

#include "model/tracker.h"

enum mutant_expect {
	UNSAFE,   /* must be caught by a safety check */
	WASTEFUL, /* safe; must be caught by a counter difference */
};

struct mutant {
	const struct tracker_ops *ops;
	const char *parent; /* registered tracker name */
	enum mutant_expect expect;
};

extern const struct mutant mutants[];
extern const unsigned n_mutants;

/* The parents the mutants name, each once, in order of first use: the
 * engines run each of them once as the reference its mutants are compared
 * with, however many parents mutants.def names. */
#define MAX_PARENTS 8
/* Fills names[]; returns how many, or -1 when more than MAX_PARENTS. */
int mutant_parents(const char *names[MAX_PARENTS]);

/* The parents again, unmutated (controls.c): must never be caught. */
extern const struct mutant controls[];
extern const unsigned n_controls;

#endif
