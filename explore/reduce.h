/* State-space reductions for the explorer: symmetry over identical actors and
 * partial-order reduction (persistent sets) over independent actor steps.
 *
 * Symmetry. Two vCPUs with the same fault script (or two invalidators with
 * the same invalidation script) are interchangeable: swapping their actor
 * records, ids included, maps every world onto one with the same future up
 * to the same swap, because nothing in the VM block refers to an actor by
 * position (invalidations are named by handle, which travels with the
 * actor) and the script an actor reads depends only on its id's class. So
 * each world is stored in a canonical form, the actors of each class sorted
 * by their bytes (id masked) and renumbered in place. Safety is symmetric
 * (a stale install is one whoever does it), and a symmetric graph's
 * quotient keeps every BFS distance, so verdicts and shortest
 * counterexample lengths are unchanged.
 *
 * Partial-order reduction. Every step of one actor reads and writes a
 * footprint of shared state: the VM header H (tracker fields, oracle,
 * handle counter), host-page generations GEN[p], SPTEs SPTE[i]. Two steps
 * of different actors whose footprints do not conflict (neither writes
 * what the other reads or writes) commute and leave each other's outcome,
 * violation flag included, unchanged; an actor's step is enabled until its
 * own script ends, so no step enables or disables another actor's. Ignored
 * by the footprints: counters that world_canon() clears (warn-once, which
 * retry() alone may write: model/tracker.h), and the statistics a step
 * reports, which are not state. At each state the search expands a
 * persistent set: the next steps of a set P of actors closed under "some
 * step an actor outside P may still take conflicts with the next step of
 * an actor in P" (Godefroid's conflict closure; an actor's possible future
 * steps are over-approximated from its remaining script). Steps outside P
 * then never touch what P's next steps touch, so any schedule from here can
 * be reordered to start with one of P's steps (persistence). Against the
 * ignoring problem, a state is expanded fully when a reduced expansion
 * reaches a state that is already expanded: every cycle of the reduced
 * graph then holds a fully expanded state (the cycle's first-expanded
 * state is reached from a later one). Persistent sets with that proviso
 * keep every terminal state and every violating step reachable, but not
 * their distances: the explorer computes the shortest counterexample with
 * a second search without partial-order reduction (explore.c).
 */
#ifndef EXPLORE_REDUCE_H
#define EXPLORE_REDUCE_H

#include <stdbool.h>
#include <stdint.h>

#include "explore/scenario.h"
#include "model/actor.h"

struct reduce_ctx {
	const struct scenario_world *w;
	uint32_t n_actors;
	uint32_t cls[SC_MAX_ACTORS]; /* symmetry class: lowest actor index in it */
	bool symmetric;              /* some class has two or more actors */
};

void reduce_init(struct reduce_ctx *c, const struct scenario_world *w);

/* Sorts each symmetry class of canonical actors into canonical order and
 * renumbers them. perm (may be NULL) gets, per new position, the old one. */
void reduce_symmetry(const struct reduce_ctx *c, struct actor *actors,
		     uint32_t *perm);

/* Actors that can still step (bit i = actor i): their script is not over. */
uint32_t reduce_enabled(const struct reduce_ctx *c, const struct actor *actors);

/* The actors whose next steps form a persistent set at this state (bit i =
 * actor i), among the enabled ones in `enabled`; `enabled` itself when no
 * smaller set is persistent. */
uint32_t reduce_persistent(const struct reduce_ctx *c, const struct actor *actors,
			   uint32_t enabled);

#endif
