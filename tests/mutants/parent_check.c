/* What both engines' checkers do first with each parent (kill.h). */
#include "tests/mutants/kill.h"

#include <stdio.h>

#include "model/registry.h"

const struct tracker_ops *parent_check_start(const char *name,
					     struct parent_check *pc)
{
	const struct tracker_ops *ops = tracker_find(name);

	pc->clean = true;
	pc->why[0] = '\0';
	if (!ops)
		fprintf(stderr, "mutants: parent %s is not registered\n", name);
	return ops;
}
