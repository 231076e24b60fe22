/* The exhaustive explorer: every interleaving of a scenario's actor steps,
 * for one tracker, as a breadth-first search over world states.
 *
 * A world state is the VM's mutable block (struct vm_state and its arrays)
 * plus every actor's bytes plus one "a stale SPTE was installed on the way
 * here" bit. From each state, each unfinished actor's next atomic step
 * (actor_step(), the model's only implementation of the protocol) is one
 * transition. Retries lead back to states already seen, so a visited set
 * makes the search finite; BFS makes the first violation found one of the
 * shortest, and parent pointers give its schedule.
 *
 * Safety (SPEC section 3), checked on every transition and at every
 * terminal state:
 *   - a locked check that lets a truly stale fault install its SPTE
 *     (step_info.violation, or the oracle's false-negative counter) is a
 *     violation;
 *   - at a terminal state (every actor finished) the end audit
 *     (vm_audit_stale_sptes) must find nothing unless a violating transition
 *     lies on the path; an audit hit without one means the oracle and the
 *     audit disagree, which is a model bug and reported as an inconsistency.
 */
#ifndef EXPLORE_EXPLORE_H
#define EXPLORE_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explore/scenario.h"
#include "model/tracker.h"

#define EXPLORE_DEFAULT_MAX_STATES 2000000u
#define EXPLORE_STATE_LEN 256 /* a tracker's describe() per step */
#define EXPLORE_DEFAULT_MAX_MEMORY_MIB 2048u
#define EXPLORE_PROGRESS_SECONDS 5.0 /* first progress line, then as often */

/* Reductions (explore/reduce.h says why each is sound). */
enum explore_reduce {
	REDUCE_SYMMETRY = 1, /* identical vCPUs / invalidators are interchangeable */
	REDUCE_POR = 2,      /* persistent sets over independent actor steps */
};

/* Why a search stopped before expanding every state. */
enum explore_stop { STOP_NONE, STOP_STATES, STOP_MEMORY };

/* One step of a counterexample, replayed, with the world after the step. */
struct explore_step {
	uint32_t actor;
	char actor_name[16];
	const char *step;        /* actor_pc_name() before the step */
	const char *what;        /* step_info.what, "" when the model gave none */
	bool checked;            /* a retry check ran */
	bool locked_check;       /* ... under mmu_lock (a "go" installs) */
	enum retry_verdict verdict;
	bool truly_stale;
	bool violation;
	/* after the step */
	int64_t in_progress;
	uint64_t seq;
	uint64_t range_start, range_end; /* INVALID_KEY when none */
	char state[EXPLORE_STATE_LEN];   /* ops->describe(): the whole state */
	char oracle[160];        /* what the oracle said, in words */
};

struct explore_options {
	bool early_check;    /* step_env.early_check: Linux 6.8+ pre-checks */
	bool spurious_trace; /* also replay the shortest schedule that ends in
			      * a spurious range retry (spur, spur_len) */
	bool atomic_walks;   /* no mmu_lock yields inside a walk (the model
			      * before the fidelity pass); default: a yield
			      * point after every SPTE inside a slot */
	uint32_t max_states; /* 0: EXPLORE_DEFAULT_MAX_STATES */
	uint64_t max_memory; /* bytes for the visited set; 0: the default */
	unsigned reduce;     /* enum explore_reduce bits; 0: every interleaving */
	bool progress;       /* long searches report to stderr */
	bool stop_at_violation; /* stop after the BFS level of the first
				 * violation (the shortest-trace search) */
};

/* The step environment of a search (and of its replay): kernel-faithful
 * but for what opt turns off. env->vm and env->wl are the caller's. */
void explore_step_env(const struct explore_options *opt, struct step_env *env);

struct explore_result {
	const struct tracker_ops *tracker;
	bool early_check;
	bool complete;             /* every reachable state was expanded */
	enum explore_stop stopped; /* why not, when !complete */
	unsigned reduce;           /* the reductions used */
	uint64_t full_expansions;  /* states expanded with every actor (POR) */
	uint64_t states;           /* distinct world states reached */
	uint64_t transitions;      /* actor steps taken from them */
	uint64_t terminal_states;  /* states where every actor has finished */
	uint64_t violations;       /* transitions that install a stale SPTE */
	uint64_t stale_terminal_states; /* terminal states the audit flags */
	uint64_t inconsistencies;  /* audit flags a state no violation explains */
	uint64_t retry_transitions;    /* checks that said retry ... */
	uint64_t spurious_range_transitions; /* ... of which range, not stale */
	uint64_t spurious_seq_transitions;   /* ... of which sequence, not stale */
	uint64_t warning_transitions;  /* steps that hit a warn-once condition */
	uint64_t state_bytes;      /* mean bytes per stored (encoded) state */
	uint64_t memory_bytes;     /* the visited set's footprint */
	double seconds;            /* wall time (timing only, never asserted) */
	/* The shortest violating schedule; cex_len == 0 when safe. */
	uint32_t cex_len;
	struct explore_step *cex;
	uint64_t cex_audit_stale;  /* > 0: the schedule ends in a state the audit
				    * flags (no violating step before it) */
	/* With spurious_trace: the shortest schedule whose last step is a
	 * check that retried on the range with nothing stale: what a
	 * tracker designer reads to see where the range is too wide. */
	uint32_t spur_len;
	struct explore_step *spur;
	/* With REDUCE_POR the reduced graph may only hold longer schedules:
	 * the shortest one comes from a second search without it (symmetry
	 * kept, it preserves distances), which stops at the first violating
	 * level. Its states (0 when not needed). */
	uint64_t shortest_search_states;
};

/* Explores world w for one tracker. Returns 0 (the result may still be
 * incomplete: see complete) or -1 (out of memory, or the model misbehaved:
 * message in err). Free the result with explore_result_free. */
int explore_run(const struct scenario_world *w, const struct tracker_ops *ops,
		const struct explore_options *opt, struct explore_result *out,
		char *err, size_t errlen);
void explore_result_free(struct explore_result *r);

/* For the spin comparison (issue 7): the explorer's verdict on one scenario
 * and tracker, by name. safe means complete and no violation. */
struct explore_verdict {
	bool safe;
	bool complete;
	uint64_t states;
	uint64_t transitions;
	uint64_t violations;
	uint32_t shortest;   /* steps of the shortest violating schedule */
	double seconds;
};

/* Returns 0, or -1 with a message naming the unknown scenario/tracker (and
 * the accepted names) or the failure. */
int explore_verdict(const char *scenario, const char *tracker, bool early_check,
		    struct explore_verdict *v, char *err, size_t errlen);

#endif
