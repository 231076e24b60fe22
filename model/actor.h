/* The two kinds of actors of SPEC section 1, as step functions.
 *
 * actor_step() performs exactly one atomic step of one actor: either a whole
 * mmu_lock critical section or one unlocked operation. A walk that the
 * kernel may interrupt by dropping mmu_lock (the TDP MMU yields inside a
 * slot's zap) is one step per lock hold, so the yields are interleaving
 * points like any other. These functions are
 * the only implementation of the protocol. The deterministic engine calls
 * them in a seeded order, the explorer in every order, the threaded engine
 * from real threads (then vm->mmu_lock is a real rwlock and the critical
 * sections take it).
 *
 * An actor is plain data, so the explorer can copy and hash it; the one
 * pointer it holds, a vCPU's cursor into the SPTE map, is a cache that
 * the explorer's canonical form drops (model/spte_map.h). What an actor does next (which gfn to fault, what to invalidate) comes
 * from the workload callbacks in struct step_env.
 */
#ifndef MODEL_ACTOR_H
#define MODEL_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "model/sparse_map.h"
#include "model/vm.h"

enum actor_kind { ACTOR_VCPU, ACTOR_INVALIDATOR };

enum inval_kind {
	INVAL_NOTIFIER, /* mmu-notifier: hva range, three phases */
	INVAL_GFN_ZAP,  /* kvm_zap_gfn_range: gfn range, every address space,
			 * begin..end under the lock (which the zap may drop) */
	INVAL_GMEM,     /* guest_memfd hole punch: gfn range of private slots,
			 * three phases */
	INVAL_ATTR,     /* kvm_vm_set_mem_attributes: gfn range, every slot in
			 * every address space, three phases; phase 2 changes
			 * attributes, not pages */
};

/* Order of the slots an invalidation walks within an address space. */
enum slot_order {
	ORDER_KERNEL, /* notifier: ascending hva (the interval tree); gfn-keyed
		       * walks: ascending gfn */
	ORDER_INDEX,  /* slot index (the model before the fidelity pass) */
};

struct inval_plan {
	enum inval_kind kind;
	uint32_t as_id;       /* INVAL_GMEM: address space of the gfn range */
	uint64_t start, end;  /* hva pages (notifier) or gfns (others) */
	uint32_t gap_steps;   /* idle steps before it starts (rare events) */
	uint32_t phase2_steps; /* steps the host spends changing pages (>= 1) */
	uint32_t to_private;  /* INVAL_ATTR: the attribute it sets (1: private);
			       * only guest_memfd slots have a private copy */
	uint32_t yield;       /* where the walk may drop mmu_lock: YIELD_ENGINE
			       * (the engine's --yield-pages), YIELD_NEVER (one
			       * lock hold: a notifier that may not block), or
			       * after every N present SPTEs. An engine whose
			       * walks never yield (yield_pages 0) ignores it */
};

#define YIELD_ENGINE 0
#define YIELD_NEVER UINT32_MAX

struct fault_plan {
	uint32_t slot;
	uint64_t gfn;
};

/* Program counters. A vCPU loops: READ_SEQ -> [PRECHECK1] -> RESOLVE ->
 * [PRECHECK2] -> LOCKED_CHECK -> READ_SEQ (retry) or next fault. */
enum vcpu_pc {
	VCPU_READ_SEQ,
	VCPU_PRECHECK1,
	VCPU_RESOLVE,
	VCPU_PRECHECK2,
	VCPU_LOCKED_CHECK,
	VCPU_DONE,
};

enum inval_pc {
	INVAL_NEXT,
	INVAL_GAP,
	INVAL_PHASE1, /* one step per lock hold of the walk */
	INVAL_PHASE2,
	INVAL_PHASE3,
	INVAL_DONE,
};

struct actor {
	uint32_t kind; /* enum actor_kind */
	uint32_t id;
	uint32_t pc;
	uint32_t wait; /* steps left in a multi-step phase */
	uint64_t rng;
	/* vCPU */
	bool has_fault;
	struct fault_plan fault;
	uint64_t seq_snapshot;
	uint64_t gen_snapshot;
	struct spte_cursor cur; /* where the resolve tracked gen_snapshot */
	/* invalidator */
	struct inval_plan inval;
	uint32_t handle;
	bool began; /* begin was called: some slot overlapped */
	bool walk_added;   /* range_add done for walk_slot */
	uint32_t holds;    /* lock holds of this walk so far (0: not started) */
	uint32_t walk_slot; /* slot being walked, WALK_END when past the last */
	uint64_t walk_gfn; /* where the walk goes on in walk_slot (after a
			    * yield: the next present SPTE's gfn) */
	uint32_t n_ranges; /* host pages phase 2 changes */
	struct host_range ranges[ORACLE_MAX_RANGES];
};

#define WALK_END UINT32_MAX

struct workload {
	/* Fill the next fault; false when the vCPU has no more work. Reads
	 * the actor's id and rng only: in actor_vcpu_run() its pc and
	 * has_fault are written back when the call ends, not as it runs. */
	bool (*next_fault)(const struct workload *wl, struct actor *a,
			   struct fault_plan *out);
	/* Fill the next invalidation; false when done. */
	bool (*next_inval)(const struct workload *wl, struct actor *a,
			   struct inval_plan *out);
	void *ctx;
};

struct step_env {
	struct vm *vm;
	const struct workload *wl;
	bool early_check;      /* Linux 6.8+ lock-free pre-checks (default on) */
	bool precheck_any_tracker; /* run them for trackers without a lock-free
				    * check too (hva; the model before the
				    * fidelity pass). Default: only where the
				    * kernel of the tracker's era has one */
	bool skip_present;     /* an access to a present SPTE does not exit, a
				* retried fault re-enters the guest first
				* (default on) */
	uint32_t yield_pages;  /* a walk may drop mmu_lock after this many
				* present SPTEs (0: never) */
	uint32_t slot_order;   /* enum slot_order */
	uint32_t resolve_steps; /* steps a page lookup takes (>= 1) */
	uint64_t resolve_ns;   /* busy work per lookup (threaded engine) */
	uint64_t phase2_ns;    /* busy work per phase 2 (threaded engine) */
	/* Optional output: retries per SPTE index (numa's histogram), a
	 * sparse counter map; the engine owns it, NULL when not wanted. */
	struct sparse_map *retries_per_spte;
};

/* What a step did, for traces. */
struct step_info {
	const char *what;       /* static text: "read seq", "locked check", ... */
	bool checked;           /* a retry check ran */
	enum retry_verdict verdict;
	bool truly_stale;
	bool violation;         /* a stale SPTE was installed (false negative) */
};

void actor_init_vcpu(struct actor *a, uint32_t id, uint64_t seed);
void actor_init_invalidator(struct actor *a, uint32_t id, uint64_t seed);

/* One atomic step. Returns false when the actor has finished (and did
 * nothing). `info` may be NULL. */
bool actor_step(struct actor *a, const struct step_env *env,
		struct actor_stats *stats, struct step_info *info);

/* Runs vCPU a to the end of `accesses` accesses (the one in progress, if
 * any, is the first). An access ends where the vCPU is back at
 * VCPU_READ_SEQ: it hit a present SPTE, or its fault attempt retried or
 * installed. The steps are those actor_step() would take one call each,
 * counted the same; for an engine whose interleaving comes from real
 * threads, where a step boundary is no scheduling point. Returns the
 * accesses that ended: fewer when the workload did. */
uint64_t actor_vcpu_run(struct actor *a, const struct step_env *env,
			struct actor_stats *stats, uint64_t accesses);

/* Short name of the actor's next step, for traces. */
const char *actor_pc_name(const struct actor *a);

/* Busy-waits about ns nanoseconds (0: returns at once). */
void spin_ns(uint64_t ns);

#endif
