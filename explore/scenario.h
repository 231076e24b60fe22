/* The explorer's scenarios: tiny, fully scripted worlds (a memslot layout,
 * and for every actor the exact faults or invalidations it performs), small
 * enough that every interleaving of their steps can be enumerated.
 *
 * Why scripted, not engine/pattern.c's random workloads: an exhaustive search
 * needs the whole world to be a function of the state bytes. A script's
 * position lives in the actor itself (struct actor's `rng` word, which the
 * scripted workload uses as "next script entry"), so two equal states always
 * have the same future.
 */
#ifndef EXPLORE_SCENARIO_H
#define EXPLORE_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/actor.h"
#include "model/vm.h"

#define SC_MAX_SLOTS 8
#define SC_MAX_VCPUS 3
#define SC_MAX_INVALS 3
#define SC_MAX_SCRIPT 2 /* entries per actor */
#define SC_MAX_ACTORS (SC_MAX_VCPUS + SC_MAX_INVALS)

struct scenario {
	const char *name;
	const char *description; /* one line: the world */
	const char *shows;       /* one line: what the explorer is expected to find */
	uint32_t n_as;
	uint32_t n_slots;
	struct memslot slots[SC_MAX_SLOTS]; /* spte_base is derived */
	uint32_t n_vcpus;
	uint32_t n_faults[SC_MAX_VCPUS];
	struct fault_plan faults[SC_MAX_VCPUS][SC_MAX_SCRIPT];
	uint32_t n_invals;
	uint32_t n_inval_plans[SC_MAX_INVALS];
	struct inval_plan invals[SC_MAX_INVALS][SC_MAX_SCRIPT];
};

extern const struct scenario *const scenarios[]; /* NULL-terminated */

/* NULL-terminated names, in report order. */
const char *const *scenario_names(void);
/* NULL when no scenario has that name. */
const struct scenario *scenario_find(const char *name);

/* A scenario made runnable: its layout and its scripted workload. Actors are
 * numbered vCPUs first (ids 0..n_vcpus-1), then invalidators. */
struct scenario_world {
	const struct scenario *sc;
	struct vm_layout layout;
	struct workload wl;
	uint32_t n_actors;
};

/* Builds the layout (vm_layout_finish checks it) and the workload. Returns 0,
 * or -1 with a message naming the scenario and the slot. */
int scenario_build(const struct scenario *sc, struct scenario_world *w,
		   char *err, size_t errlen);

/* Initial actors of the world, zeroed first so that padding is
 * deterministic (states are compared as bytes). */
void scenario_init_actors(const struct scenario_world *w, struct actor *actors);

/* "vcpu0", "inval1", ... */
void scenario_actor_name(const struct scenario_world *w, uint32_t actor,
			 char *buf, size_t len);

#endif
