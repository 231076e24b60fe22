#include "live/predict.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/sim.h"
#include "model/registry.h"

/* Steps of one fault that does not retry: read seq, two pre-checks and
 * the locked check, plus the page lookup. */
#define FAULT_FIXED_STEPS 4

static uint64_t steps_for(double us, double step_us, uint64_t lo)
{
	double s = us / step_us + 0.5;

	if (!(s >= (double)lo))
		return lo;
	return s > 1e6 ? 1000000 : (uint64_t)s;
}

bool live_model_params(const struct live_params *p,
		       const struct live_timing *t, struct pattern_params *m,
		       double *step_us)
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
	/* The live guest loop takes a real fault on every touch it counts
	 * (pf_fixed per page; see /work/shared/LIVE-KVM.md): every model
	 * access is a fault, as before the fidelity pass. */
	m->skip_present = false;
	/* The fitted window stands for the whole invalidation, its zap
	 * included: one lock hold, so the fit's parameters keep their
	 * meaning (with yields the zap would add steps the fit does not
	 * know about). */
	m->yield_pages = 0;
	*step_us = NAN;
	if (t && t->fault_us > 0 && t->drop_us > 0 &&
	    t->cycle_us >= t->drop_us) {
		/* A fault is FAULT_FIXED_STEPS + resolve_steps steps; the
		 * madvise is the window (phase 2), the rest of a cycle the
		 * pause (touching, or the loop's own overhead). */
		*step_us = t->fault_us /
			   (double)(FAULT_FIXED_STEPS + m->resolve_steps);
		m->phase2_steps = steps_for(t->drop_us, *step_us, 1);
		m->gap_steps = steps_for(t->cycle_us - t->drop_us, *step_us, 0);
		return true;
	}
	/* No live costs: a tight loop has no pause, the touching variant
	 * keeps the pattern's default one. */
	if (!p->inval_touch && p->inval_gap_us == 0)
		m->gap_steps = 0;
	return false;
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

int live_predict(const struct live_params *p, const struct live_timing *t,
		 uint64_t steps, struct live_prediction *out, char *err,
		 size_t len)
{
	static const char *const names[2] = { "union", "hva" };
	struct pattern_params control;

	memset(out, 0, sizeof(*out));
	out->from_timing = live_model_params(p, t, &out->params,
					     &out->step_us);
	control = out->params;
	control.alias_control = true;
	out->steps = steps;
	for (int i = 0; i < 2; i++) {
		const struct tracker_ops *ops = tracker_find(names[i]);
		struct live_model_tracker *t = &out->tracker[i];
		struct actor_stats a = { 0 }, c = { 0 };

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
