#include "live/predict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/sim.h"
#include "model/registry.h"

void live_model_params(const struct live_params *p, struct pattern_params *m)
{
	pattern_defaults(PAT_ALIAS, m);
	/* Same gfn layout: A and B of the invalidated size, D apart, the
	 * faults only in the slot between them, like the live guest loop. */
	m->slot_pages = p->inval_pages;
	m->alias_distance = p->alias_distance;
	m->inval_pages = p->inval_pages;
	m->alias_middle_only = true;
	/* One vCPU, one host thread. */
	m->vcpus = 1;
	m->invalidators = 1;
	/* A tight loop of drops has no pause between invalidations; the
	 * touching variant spends its time populating before each drop,
	 * which the engine's gap stands for. */
	if (!p->inval_touch && p->inval_gap_us == 0)
		m->gap_steps = 0;
}

static int run_one(const struct pattern_params *m,
		   const struct tracker_ops *ops, uint64_t steps,
		   struct actor_stats *stats, char *err, size_t len)
{
	struct pattern_world w;
	struct sim_options opt = { .steps = steps };
	struct sim_result r;
	int rc;

	if (pattern_build(m, &w, err, len) < 0)
		return -1;
	rc = sim_run(&w, ops, &opt, &r, err, len);
	pattern_world_free(&w);
	if (rc == 0)
		*stats = r.stats;
	return rc;
}

static double per_fault(const struct actor_stats *s)
{
	return s->faults ? (double)s->retries / (double)s->faults : NAN;
}

int live_predict(const struct live_params *p, uint64_t steps,
		 struct live_prediction *out, char *err, size_t len)
{
	static const char *const names[2] = { "union", "hva" };
	struct pattern_params control;

	memset(out, 0, sizeof(*out));
	live_model_params(p, &out->params);
	control = out->params;
	control.alias_control = true;
	out->steps = steps;
	for (int i = 0; i < 2; i++) {
		const struct tracker_ops *ops = tracker_find(names[i]);
		struct live_model_tracker *t = &out->tracker[i];
		struct actor_stats a, c;

		if (!ops) {
			snprintf(err, len, "model: no tracker named '%s'", names[i]);
			return -1;
		}
		if (run_one(&out->params, ops, steps, &a, err, len) < 0 ||
		    run_one(&control, ops, steps, &c, err, len) < 0)
			return -1;
		t->name = names[i];
		t->aliased = per_fault(&a);
		t->control = per_fault(&c);
		t->faults_aliased = a.faults;
		t->faults_control = c.faults;
		/* No retry at all in either layout: the layouts do not differ,
		 * which is a ratio of 1, not a division by zero. */
		t->ratio = a.retries == 0 && c.retries == 0 ? 1.0 :
			   t->control > 0 ? t->aliased / t->control : NAN;
	}
	return 0;
}
