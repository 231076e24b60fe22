/* The mutant list, from mutants.def. */
#include "tests/mutants/mutants.h"

#include <string.h>

#define MUTANT(n, parent, expect) extern const struct tracker_ops mutant_##n##_ops;
#include "tests/mutants/mutants.def"
#undef MUTANT

const struct mutant mutants[] = {
#define MUTANT(n, p, e) { &mutant_##n##_ops, #p, e },
#include "tests/mutants/mutants.def"
#undef MUTANT
};

const unsigned n_mutants = sizeof(mutants) / sizeof(mutants[0]);

int mutant_parents(const char *names[MAX_PARENTS])
{
	int n = 0;

	for (unsigned i = 0; i < n_mutants; i++) {
		int k = 0;

		while (k < n && strcmp(names[k], mutants[i].parent) != 0)
			k++;
		if (k < n)
			continue;
		if (n == MAX_PARENTS)
			return -1;
		names[n++] = mutants[i].parent;
	}
	return n;
}
