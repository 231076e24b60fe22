/* How a mutant was caught, per engine, for the kill table. */
#ifndef TESTS_MUTANTS_KILL_H
#define TESTS_MUTANTS_KILL_H

#include <stdbool.h>
#include <stddef.h>

#include "model/tracker.h"

struct kill_evidence {
	bool caught;
	bool safety_hit; /* a safety check fired (also for WASTEFUL ones) */
	char how[200];   /* evidence, in words; "" when not caught */
};

/* A parent that is itself flagged makes every kill meaningless: the engines
 * report it here and the test fails. */
struct parent_check {
	bool clean;
	char why[200];
};

/* Looks a parent up by name and marks it clean until an engine flags it;
 * NULL, with a message on stderr, for a name that is not registered. */
const struct tracker_ops *parent_check_start(const char *name,
					     struct parent_check *pc);

#endif
