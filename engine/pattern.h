/* Workload patterns (SPEC section 4): each builds a memslot layout and the
 * workload callbacks that tell actors what to fault and what to invalidate.
 * Shared by the deterministic engine (engine/sim.c) and the threaded engine
 * (stress/), so both run the same workloads.
 */
#ifndef ENGINE_PATTERN_H
#define ENGINE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/actor.h"
#include "util/opts.h"

enum pattern_id {
	PAT_SINGLE,
	PAT_MULTISLOT,
	PAT_ALIAS,
	PAT_CONCURRENT,
	PAT_PRIVATE,
	PAT_NUMA,
	PAT_MIXED,
	PAT_COUNT
};

enum fault_dist { DIST_UNIFORM, DIST_HOT };

/* Every knob of every pattern; pattern_defaults() fills the pattern's own
 * defaults, the command line may override any of them. */
struct pattern_params {
	int pattern;             /* enum pattern_id */
	uint64_t seed;
	uint64_t vcpus;
	uint64_t invalidators;
	uint64_t slots;          /* multislot: K slots an invalidation crosses */
	uint64_t slot_pages;     /* pages per (main) slot */
	uint64_t alias_distance; /* alias: gfn distance D between the aliases */
	bool alias_control;      /* alias: same layout, but the far slot has its
				  * own memory (the live experiment's control) */
	uint64_t inval_pages;    /* largest invalidation, in pages */
	uint64_t resolve_steps;  /* page lookup length, in scheduler steps */
	uint64_t phase2_steps;   /* host page change length, in steps */
	uint64_t gap_steps;      /* idle steps between one invalidator's runs */
	int fault_dist;          /* enum fault_dist */
	double hot_fraction;     /* DIST_HOT: share of faults on the hot 1/8 */
	bool early_check;        /* lock-free pre-checks (Linux 6.8+) */
	/* Fidelity to the kernel (docs/model.md, "Fidelity"); the defaults
	 * are the kernel's, each flag brings back the earlier model. */
	uint64_t yield_pages;    /* mmu_lock may drop after N SPTEs of a slot
				  * inside a walk; 0: never */
	int slot_order;          /* enum slot_order */
	bool precheck_any_tracker; /* pre-checks for hva too */
	bool skip_present;       /* accesses to present SPTEs do not fault */
	bool gmem_hva;           /* guest_memfd slots as the kernel has them: an
				  * hva (shared copy) and a binding (private
				  * copy) at the same gfns; 0: private pages
				  * only, no hva (the earlier model) */
	uint64_t address_spaces; /* 2: SMM, every slot mirrored in AS 1 */
	/* mixed: relative weights of the invalidation kinds */
	uint64_t w_notifier, w_gfn_zap, w_gmem, w_attr;
	/* alias: fault only in the gfns strictly between the two aliases (the
	 * live experiment's setup) instead of over all three slots */
	bool alias_middle_only;
};

extern const char *const pattern_names[]; /* NULL-terminated */
extern const char *const fault_dist_names[];
extern const char *const slot_order_names[];

/* Fills p with the defaults of pattern `id` (seed 1). */
void pattern_defaults(int id, struct pattern_params *p);

/* Option table for every field of p (except pattern), for a command's
 * parser and --help. `storage` must outlive the table. */
const struct opt_spec *pattern_options(struct pattern_params *p);

/* A built pattern: the layout and the workload the actors draw from. */
struct pattern_world {
	struct pattern_params params;
	struct vm_layout layout;
	struct workload wl;
	uint32_t n_vcpus;
	uint32_t n_invalidators;
	void *ctx; /* owned; freed by pattern_world_free */
};

/* Validates p (exit-2 style message naming the parameter on error) and
 * builds the world. Returns 0 or -1. */
int pattern_build(const struct pattern_params *p, struct pattern_world *w,
		  char *err, size_t errlen);
void pattern_world_free(struct pattern_world *w);

/* The step environment for a built world (engines add resolve_ns etc.). */
void pattern_step_env(const struct pattern_world *w, struct vm *vm,
		      struct step_env *env);

#endif
