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
#define EXPLORE_TRACE_EXACT 4 /* exact-tracker entries shown per step */

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
	uint32_t n_exact;                /* live entries of impl_exact */
	struct exact_range exact[EXPLORE_TRACE_EXACT];
	char oracle[160];        /* what the oracle said, in words */
};

struct explore_options {
	bool early_check;    /* step_env.early_check: Linux 6.8+ pre-checks */
	bool atomic_walks;   /* no mmu_lock yields inside a walk (the model
			      * before the fidelity pass); default: a yield
			      * point after every SPTE inside a slot */
	uint32_t max_states; /* 0: EXPLORE_DEFAULT_MAX_STATES */
};

/* The step environment of a search (and of its replay): kernel-faithful
 * but for what opt turns off. env->vm and env->wl are the caller's. */
void explore_step_env(const struct explore_options *opt, struct step_env *env);

struct explore_result {
	const struct tracker_ops *tracker;
	bool early_check;
	bool complete;             /* every reachable state was expanded */
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
