/* The mutant list, from mutants.def. */
#include "tests/mutants/mutants.h"

#define MUTANT(n, parent, expect) extern const struct tracker_ops mutant_##n##_ops;
#include "tests/mutants/mutants.def"
#undef MUTANT

const struct mutant mutants[] = {
#define MUTANT(n, p, e) { &mutant_##n##_ops, #p, e },
#include "tests/mutants/mutants.def"
#undef MUTANT
};

const unsigned n_mutants = sizeof(mutants) / sizeof(mutants[0]);
