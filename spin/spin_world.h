/* A scenario file's world as Promela: the #defines and start_actors() that
 * spin/model/retry.pml is instantiated with, so spin checks exactly the
 * world the explorer checks, for any scenario a user writes. */
#ifndef SPIN_SPIN_WORLD_H
#define SPIN_SPIN_WORLD_H

#include <stddef.h>

#include "explore/scenario.h"

/* Writes the world's Promela into buf. Returns 0, or -1 with err naming
 * what spin's model cannot express (multi-step gaps or phase 2, pages
 * beyond its byte-sized keys) or a buffer too small. */
int spin_world_text(const struct scenario *sc, char *buf, size_t len,
		    char *err, size_t errlen);

#endif
