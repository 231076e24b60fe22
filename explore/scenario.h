/* The explorer's scenarios: tiny, fully scripted worlds (a memslot layout,
 * and for every actor the exact faults or invalidations it performs), small
 * enough that every interleaving of their steps can be enumerated.
 *
 * Scenarios are text files (format: scenarios/README.md), so that a reviewer
 * can write down a race from a mail thread without touching C. The built-in
 * ones live in the top-level scenarios/ folder and are found by name
 * (scenarios/NAME.scn); any other file is loaded by path.
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
#define SC_MAX_VCPUS 4
#define SC_MAX_INVALS 4
#define SC_MAX_SCRIPT 4 /* entries per actor */
#define SC_MAX_ACTORS (SC_MAX_VCPUS + SC_MAX_INVALS)
#define SC_MAX_EXPECT 16
#define SC_MAX_PAGE 4096 /* gfns and host pages stay below this */
#define SC_NAME_LEN 48
#define SC_TEXT_LEN 320
#define SC_PATH_LEN 512
#define SC_FILE_SUFFIX ".scn"

/* `expect TRACKER safe|violation [early=on|off]`: checked after the search. */
struct scenario_expect {
	char tracker[32];
	int early;       /* 1 on, 0 off, -1 every pre-check mode explored */
	bool violation;
	uint32_t line;
};

struct scenario {
	char name[SC_NAME_LEN];
	char path[SC_PATH_LEN];         /* the file it came from */
	char description[SC_TEXT_LEN];  /* one line: the world */
	char shows[SC_TEXT_LEN];        /* one line: what the explorer should find */
	uint32_t n_as;
	uint32_t n_slots;
	struct memslot slots[SC_MAX_SLOTS]; /* spte_base is derived */
	uint32_t n_vcpus;
	uint32_t n_faults[SC_MAX_VCPUS];
	struct fault_plan faults[SC_MAX_VCPUS][SC_MAX_SCRIPT];
	uint32_t n_invals;
	uint32_t n_inval_plans[SC_MAX_INVALS];
	struct inval_plan invals[SC_MAX_INVALS][SC_MAX_SCRIPT];
	uint32_t n_expect;
	struct scenario_expect expect[SC_MAX_EXPECT];
};

/* Parses a scenario file. Returns 0, or -1 with "FILE:LINE: what is wrong"
 * in err. */
int scenario_load(const char *path, struct scenario *out, char *err,
		  size_t errlen);

/* The folder of the built-in scenarios (compiled in; BENCH_SCENARIO_DIR in
 * the environment overrides it). */
const char *scenario_dir(void);

/* NULL-terminated names of the files in scenario_dir(), sorted. */
const char *const *scenario_names(void);

/* Loads scenario_dir()/NAME.scn. Returns 0, or -1 with a message naming the
 * unknown scenario and the accepted names, or the file's error. */
int scenario_find(const char *name, struct scenario *out, char *err,
		  size_t errlen);

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

/* Actors a and b run the same script (identical vCPUs or invalidators):
 * swapping them maps the world onto an equivalent one (symmetry). */
bool scenario_actors_symmetric(const struct scenario_world *w, uint32_t a,
			       uint32_t b);

#endif
