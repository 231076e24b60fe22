/* Mutants through the deterministic engine (engine/sim.c).
 *
 * An UNSAFE mutant is caught by the first run with a false negative, a
 * stale SPTE (installed, or found by the end audit) or a warn-once hit.
 * A WASTEFUL mutant is caught by the first exact counter that differs from
 * its parent's under the same pattern, seed and step count: the comparison
 * `bench compare` makes between two sim outputs (every counter outside the
 * timing keys must be equal). */
#include "tests/mutants/sim_check.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "engine/sim.h"

#define STEPS 400000

/* Every counter `bench sim --json` reports for a tracker. */
struct counter {
	const char *name;
	size_t off; /* in struct sim_result */
};

#define STAT(f) { #f, offsetof(struct sim_result, stats) + offsetof(struct actor_stats, f) }
#define RES(f) { #f, offsetof(struct sim_result, f) }
/* False positives first: the first difference printed then says what a
 * wasteful mutant costs. */
static const struct counter counters[] = {
	STAT(fp_range), STAT(fp_seq), STAT(attempts), STAT(faults),
	STAT(retries), STAT(retries_range), STAT(retries_seq),
	STAT(retries_early), STAT(tp), STAT(tp_early), STAT(fp_range_early),
	STAT(fp_seq_early), STAT(fn), STAT(fn_stale_page), RES(stale_sptes),
	RES(stale_sptes_at_end), RES(warnings_total), STAT(invalidations),
	STAT(invalidations_untracked), STAT(steps),
};

static uint64_t counter(const struct sim_result *r, const struct counter *c)
{
	uint64_t v;

	memcpy(&v, (const char *)r + c->off, sizeof(v));
	return v;
}

struct parent_runs {
	const char *name;
	struct sim_result r[PAT_COUNT][MUTANT_SIM_SEEDS];
};

static struct parent_runs parents[MAX_PARENTS];
static int n_parents;

static int run(int pattern, uint64_t seed, const struct tracker_ops *ops,
	       struct sim_result *out)
{
	struct pattern_params p;
	struct pattern_world w;
	struct sim_options o = { .steps = STEPS };
	char err[256];
	int rc;

	pattern_defaults(pattern, &p);
	p.seed = seed;
	if (pattern == PAT_NUMA)
		o.steps = 4 * STEPS; /* its invalidations are rare */
	if (pattern_build(&p, &w, err, sizeof(err)) < 0) {
		fprintf(stderr, "mutants: pattern %s: %s\n", pattern_names[pattern], err);
		return -1;
	}
	rc = sim_run(&w, ops, &o, out, err, sizeof(err));
	pattern_world_free(&w);
	if (rc < 0)
		fprintf(stderr, "mutants: sim %s on %s: %s\n", ops->name,
			pattern_names[pattern], err);
	return rc;
}

static bool unsafe(const struct sim_result *r)
{
	return r->stats.fn || r->stale_sptes || r->warnings_total;
}

static void describe_unsafe(const struct sim_result *r, int pattern,
			    uint64_t seed, char *buf, size_t len)
{
	snprintf(buf, len, "fn %" PRIu64 ", stale %" PRIu64 ", warn %" PRIu64
		 " (%s, seed %" PRIu64 ")", r->stats.fn, r->stale_sptes,
		 r->warnings_total, pattern_names[pattern], seed);
}

int sim_check_init(const char *const *names, int n, struct parent_check *pc)
{
	if (n < 0 || n > MAX_PARENTS)
		return -1;
	n_parents = n;
	for (int i = 0; i < n; i++) {
		const struct tracker_ops *ops =
			parent_check_start(names[i], &pc[i]);

		parents[i].name = names[i];
		if (!ops)
			return -1;
		for (int pat = 0; pat < PAT_COUNT; pat++) {
			for (uint64_t s = 0; s < MUTANT_SIM_SEEDS; s++) {
				struct sim_result *r = &parents[i].r[pat][s];

				if (run(pat, s + 1, ops, r) < 0)
					return -1;
				if (unsafe(r) && pc[i].clean) {
					pc[i].clean = false;
					describe_unsafe(r, pat, s + 1, pc[i].why,
							sizeof(pc[i].why));
				}
			}
		}
	}
	return 0;
}

static const struct parent_runs *parent_of(const struct mutant *m)
{
	for (int i = 0; i < n_parents; i++)
		if (strcmp(parents[i].name, m->parent) == 0)
			return &parents[i];
	return NULL;
}

/* First counter that differs, as "name old -> new"; false when none. */
static bool first_difference(const struct sim_result *base,
			     const struct sim_result *r, char *buf, size_t len)
{
	for (size_t c = 0; c < ARRAY_SIZE(counters); c++) {
		uint64_t was = counter(base, &counters[c]);
		uint64_t now = counter(r, &counters[c]);

		if (was != now) {
			snprintf(buf, len, "%s %" PRIu64 " -> %" PRIu64,
				 counters[c].name, was, now);
			return true;
		}
	}
	return false;
}

int sim_check_mutant(const struct mutant *m, struct kill_evidence *ev)
{
	const struct parent_runs *pr = parent_of(m);
	char first_hit[160] = "", first_diff[160] = "", pats[128] = "";
	unsigned n_hit_patterns = 0;

	memset(ev, 0, sizeof(*ev));
	if (!pr) {
		fprintf(stderr, "mutants: %s: unknown parent %s\n", m->ops->name,
			m->parent);
		return -1;
	}
	/* Everything runs (it is cheap): the table then says in which
	 * patterns a mutant shows, not only the first. */
	for (int pat = 0; pat < PAT_COUNT; pat++) {
		bool hit_here = false;

		for (uint64_t s = 0; s < MUTANT_SIM_SEEDS; s++) {
			struct sim_result r;
			char d[96];

			if (run(pat, s + 1, m->ops, &r) < 0)
				return -1;
			if (unsafe(&r)) {
				if (!ev->safety_hit)
					describe_unsafe(&r, pat, s + 1, first_hit,
							sizeof(first_hit));
				ev->safety_hit = hit_here = true;
			}
			if (!first_diff[0] &&
			    first_difference(&pr->r[pat][s], &r, d, sizeof(d)))
				snprintf(first_diff, sizeof(first_diff),
					 "%s vs %s (%s, seed %" PRIu64 ")", d,
					 m->parent, pattern_names[pat], s + 1);
		}
		if (hit_here) {
			size_t used = strlen(pats);

			snprintf(pats + used, sizeof(pats) - used, "%s%s",
				 n_hit_patterns ? "," : "", pattern_names[pat]);
			n_hit_patterns++;
		}
	}
	if (ev->safety_hit) {
		ev->caught = true;
		snprintf(ev->how, sizeof(ev->how), "%s; unsafe in %s", first_hit,
			 pats);
	} else if (m->expect == WASTEFUL && first_diff[0]) {
		ev->caught = true;
		snprintf(ev->how, sizeof(ev->how), "%s", first_diff);
	}
	return 0;
}
