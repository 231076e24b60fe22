/* Mutants through the exhaustive explorer (explore/).
 *
 * An UNSAFE mutant is caught by a violating interleaving (a stale SPTE
 * installed), a terminal state the end audit flags, or a step that hits a
 * warn-once condition. A WASTEFUL mutant is caught by a result counter that
 * differs from its parent's on the same scenario: the explorer's output is
 * deterministic, and `bench compare` compares it exactly. Every search must
 * be complete, or "safe" would mean nothing. */
#include "tests/mutants/explore_check.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "explore/explore.h"

#define MAX_SCENARIOS 16

struct counter {
	const char *name;
	size_t off; /* in struct explore_result */
};

#define RES(f) { #f, offsetof(struct explore_result, f) }
static const struct counter counters[] = {
	/* Retry counters first: the first difference printed then says what
	 * a wasteful mutant costs. */
	RES(spurious_range_transitions), RES(spurious_seq_transitions),
	RES(retry_transitions), RES(states), RES(transitions),
	RES(terminal_states), RES(violations), RES(stale_terminal_states),
	RES(inconsistencies), RES(warning_transitions),
};

/* The counters of one search, without the trace (freed at once). */
struct summary {
	bool complete;
	uint64_t v[ARRAY_SIZE(counters)];
	uint32_t shortest;
};

struct parent_runs {
	const char *name;
	struct summary s[MAX_SCENARIOS][2];
};

static struct parent_runs parents[MAX_PARENTS];
static int n_parents;
static struct scenario scenario_store[MAX_SCENARIOS];
static struct scenario_world worlds[MAX_SCENARIOS];
static unsigned n_worlds;

static int explore(unsigned sc, bool early, const struct tracker_ops *ops,
		   struct summary *out)
{
	struct explore_options opt = { .early_check = early };
	struct explore_result r;
	char err[512];

	if (explore_run(&worlds[sc], ops, &opt, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "mutants: explore %s on %s: %s\n", ops->name,
			worlds[sc].sc->name, err);
		return -1;
	}
	out->complete = r.complete;
	for (size_t c = 0; c < ARRAY_SIZE(counters); c++)
		memcpy(&out->v[c], (const char *)&r + counters[c].off,
		       sizeof(uint64_t));
	out->shortest = r.cex_len;
	explore_result_free(&r);
	if (!out->complete) {
		fprintf(stderr, "mutants: explore %s on %s: search incomplete "
			"(state limit); raise it or shrink the scenario\n",
			ops->name, worlds[sc].sc->name);
		return -1;
	}
	return 0;
}

static uint64_t get(const struct summary *s, const char *name)
{
	for (size_t c = 0; c < ARRAY_SIZE(counters); c++)
		if (strcmp(counters[c].name, name) == 0)
			return s->v[c];
	return 0;
}

static bool unsafe(const struct summary *s)
{
	return get(s, "violations") || get(s, "stale_terminal_states") ||
	       get(s, "warning_transitions");
}

static void describe_unsafe(const struct summary *s, unsigned sc, bool early,
			    char *buf, size_t len)
{
	char shortest[48] = "";

	if (s->shortest)
		snprintf(shortest, sizeof(shortest), ", shortest %u steps",
			 s->shortest);
	snprintf(buf, len, "%" PRIu64 " violations, %" PRIu64 " stale ends, %"
		 PRIu64 " warn steps%s (%s, early-check %s)", get(s, "violations"),
		 get(s, "stale_terminal_states"), get(s, "warning_transitions"),
		 shortest, worlds[sc].sc->name, early ? "on" : "off");
}

int explore_check_init(const char *const *names, int n, struct parent_check *pc)
{
	const char *const *scs = scenario_names();
	char err[512];

	for (n_worlds = 0; scs[n_worlds]; n_worlds++) {
		if (n_worlds == MAX_SCENARIOS ||
		    scenario_find(scs[n_worlds], &scenario_store[n_worlds], err,
				  sizeof(err)) < 0 ||
		    scenario_build(&scenario_store[n_worlds], &worlds[n_worlds], err,
				   sizeof(err)) < 0) {
			fprintf(stderr, "mutants: %s\n", n_worlds == MAX_SCENARIOS
				? "more scenarios than MAX_SCENARIOS" : err);
			return -1;
		}
	}
	if (n < 0 || n > MAX_PARENTS)
		return -1;
	n_parents = n;
	for (int i = 0; i < n; i++) {
		const struct tracker_ops *ops =
			parent_check_start(names[i], &pc[i]);

		parents[i].name = names[i];
		if (!ops)
			return -1;
		for (unsigned sc = 0; sc < n_worlds; sc++) {
			for (int early = 0; early < 2; early++) {
				struct summary *s = &parents[i].s[sc][early];

				if (explore(sc, early, ops, s) < 0)
					return -1;
				if (unsafe(s) && pc[i].clean) {
					pc[i].clean = false;
					describe_unsafe(s, sc, early, pc[i].why,
							sizeof(pc[i].why));
				}
			}
		}
	}
	return 0;
}

int explore_check_mutant(const struct mutant *m, struct kill_evidence *ev)
{
	const struct parent_runs *pr = NULL;
	char first_hit[160] = "", first_diff[160] = "", where[128] = "";

	memset(ev, 0, sizeof(*ev));
	for (int i = 0; i < n_parents; i++)
		if (strcmp(parents[i].name, m->parent) == 0)
			pr = &parents[i];
	if (!pr)
		return -1;
	for (unsigned sc = 0; sc < n_worlds; sc++) {
		bool hit_here = false;

		for (int early = 0; early < 2; early++) {
			const struct summary *base = &pr->s[sc][early];
			struct summary s;

			if (explore(sc, early, m->ops, &s) < 0)
				return -1;
			if (unsafe(&s)) {
				if (!ev->safety_hit)
					describe_unsafe(&s, sc, early, first_hit,
							sizeof(first_hit));
				ev->safety_hit = hit_here = true;
			}
			for (size_t c = 0; c < ARRAY_SIZE(counters) && !first_diff[0]; c++)
				if (s.v[c] != base->v[c])
					snprintf(first_diff, sizeof(first_diff),
						 "%s %" PRIu64 " -> %" PRIu64 " vs %s "
						 "(%s, early-check %s)", counters[c].name,
						 base->v[c], s.v[c], m->parent,
						 worlds[sc].sc->name, early ? "on" : "off");
		}
		if (hit_here) {
			size_t used = strlen(where);

			snprintf(where + used, sizeof(where) - used, "%s%s",
				 used ? "," : "", worlds[sc].sc->name);
		}
	}
	if (ev->safety_hit) {
		ev->caught = true;
		snprintf(ev->how, sizeof(ev->how), "%s; unsafe in %s", first_hit,
			 where);
	} else if (m->expect == WASTEFUL && first_diff[0]) {
		ev->caught = true;
		snprintf(ev->how, sizeof(ev->how), "%s", first_diff);
	}
	return 0;
}
