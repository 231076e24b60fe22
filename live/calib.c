#include "live/calib.h"

#include <math.h>
#include <string.h>

#include "engine/sim.h"
#include "live/clock.h"
#include "live/fit.h"
#include "live/summary.h"
#include "model/registry.h"

#define Q_MIN (1.0 / 64)
#define Q_MAX 0.2 /* R >= 1 */
#define W_MIN 1e-3
#define W_MAX 1.0
#define C_MIN 5.0
#define C_MAX 1e5
#define B_MIN 1e-7
#define B_MAX 0.05
#define E_MIN 0.01
#define E_MAX 2.0
/* b is per page touched at this size; it grows in proportion to it. */
#define BG_PAGES 1024.0
#define STEPS_MIN 200000ULL
/* Below this a rate counts as this (log of 0 has no error to minimise). */
#define RATE_FLOOR 1e-4
#define NM_EVALS 40
#define GOLDEN_EVALS 24

void live_calib_defaults(struct calib_params *th)
{
	th->step_frac = 1.0 / 8;
	th->pause_scale = 1.0;
	th->window_cap_us = 300;
	th->background = 1e-4;
	th->exposure = 1.0;
	for (int k = 0; k < LM_COUNT; k++)
		th->window[k] = 0.5;
}

static double clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static uint64_t round_steps(double v, uint64_t lo)
{
	if (!(v >= (double)lo))
		return lo;
	return v > 1e8 ? 100000000ULL : (uint64_t)(v + 0.5);
}

int live_calib_model(const struct sweep_point *pt,
		     const struct calib_params *th, double fault_us,
		     uint64_t max_steps, struct pattern_params *m,
		     uint64_t *steps, char *err, size_t len)
{
	const struct sweep_timing *t = &pt->t;
	double q = clamp(th->step_frac, Q_MIN, Q_MAX);
	double w = th->window[pt->p.mech], s, window;
	uint64_t r, cycle, want;

	if (!(fault_us > 0) || !(t->drop_us > 0) ||
	    !(t->cycle_us > 0)) {
		snprintf(err, len, "%s: no timing (not measured)", pt->name);
		return -1;
	}
	if (isnan(w)) {
		snprintf(err, len, "%s: mechanism %s has no fitted window",
			 pt->name, live_mech_names[pt->p.mech]);
		return -1;
	}
	w = clamp(w, W_MIN, W_MAX);
	pattern_defaults(PAT_ALIAS, m);
	/* The live alias layout: A and B of the invalidated size, D apart,
	 * faults only in the slot between them; one vCPU, one host thread. */
	m->slot_pages = pt->p.inval_pages;
	m->alias_distance = pt->p.alias_distance;
	m->inval_pages = pt->p.inval_pages;
	m->alias_middle_only = true;
	m->alias_control = pt->layout == LL_CONTROL;
	m->vcpus = 1;
	m->invalidators = 1;
	/* Every live touch it counts is a fault (pf_fixed per page). */
	m->skip_present = false;
	/* The fitted window stands for the whole invalidation, its zap
	 * included: one lock hold, so the fit's parameters keep their
	 * meaning (with yields the zap would add steps the fit does not
	 * know about). */
	m->yield_pages = 0;
	s = q * fault_us;
	r = round_steps(1.0 / q - 4, 1);
	window = w * fmin(t->drop_us, clamp(th->window_cap_us, C_MIN, C_MAX));
	m->resolve_steps = r;
	m->phase2_steps = round_steps(window / s, 1);
	m->gap_steps = round_steps(th->pause_scale *
				   (t->cycle_us > window ? t->cycle_us - window
							 : 0) / s, 0);
	/* Enough invalidation cycles and faults for a rate, within the cap
	 * (each actor gets about half of the scheduler's steps). */
	cycle = m->gap_steps + m->phase2_steps + 2;
	want = 1200 * cycle;
	if (want < 40000 * (r + 4))
		want = 40000 * (r + 4);
	if (want < STEPS_MIN)
		want = STEPS_MIN;
	*steps = want < max_steps ? want : max_steps;
	return 0;
}

/* How much of the engine's sequence retries the live fault meets
 * (live/calib.h). mprotect holds mmap_lock for write across its notifier
 * range, so a fault that started its lookup (get_user_pages takes the lock
 * for read) waits for the call's end and is always overtaken: fully
 * exposed, by the mechanism, not fitted. */
static double exposure_of(const struct sweep_point *pt,
			  const struct calib_params *th)
{
	if (pt->p.mech == LM_MPROTECT)
		return 1.0;
	return clamp(th->exposure, E_MIN, E_MAX);
}

/* One engine run of pt with fault cost fault_us. */
static int engine_run(const struct sweep_point *pt,
		      const struct calib_params *th, double fault_us,
		      uint64_t max_steps, struct calib_point_model *out,
		      char *err, size_t len)
{
	const struct tracker_ops *ops = tracker_find("union");
	struct pattern_params m;
	struct pattern_world w;
	struct sim_options opt = { 0 };
	struct sim_result res;
	int rc;

	if (!ops) {
		snprintf(err, len, "model: no tracker named 'union'");
		return -1;
	}
	if (live_calib_model(pt, th, fault_us, max_steps, &m, &opt.steps, err,
			     len) < 0)
		return -1;
	if (pattern_build(&m, &w, err, len) < 0)
		return -1;
	rc = sim_run(&w, ops, &opt, &res, err, len);
	pattern_world_free(&w);
	if (rc < 0)
		return -1;
	out->predicted = true;
	out->resolve_steps = m.resolve_steps;
	out->phase2_steps = m.phase2_steps;
	out->gap_steps = m.gap_steps;
	out->steps = opt.steps;
	if (!res.stats.faults) {
		out->value = out->range = out->seq = NAN;
		return 0;
	}
	out->range = (double)res.stats.retries_range / (double)res.stats.faults;
	out->seq = (double)res.stats.retries_seq / (double)res.stats.faults;
	out->value = out->range + out->seq;
	return 0;
}

/* The background term (live/calib.h) for b = 1: retries per fixed fault
 * that the host thread's repopulation of pt's memory brings, whatever the
 * layout. */
static double background_unit(const struct sweep_point *pt)
{
	const struct sweep_timing *t = &pt->t;

	if (!pt->p.inval_touch || !live_mech_frees((enum live_mech)pt->p.mech) ||
	    !(t->cycle_us > 0) || !(t->guest_us_per_fault > 0))
		return 0;
	return (double)pt->p.inval_pages *
	       ((double)pt->p.inval_pages / BG_PAGES) *
	       t->guest_us_per_fault / t->cycle_us;
}

/* The point's rate from the engine's parts and the additive terms. */
static double combine(const struct sweep_point *pt,
		      const struct calib_params *th, double range, double seq,
		      double *bg)
{
	*bg = clamp(th->background, B_MIN, B_MAX) * background_unit(pt);
	return range + exposure_of(pt, th) * seq + *bg;
}

/* Below this share of retries in the fault time the second run would
 * move the step by under 1%: not worth an engine run. */
#define RETRY_SHARE_RERUN 0.01

int live_calib_predict(const struct sweep_point *pt,
		       const struct calib_params *th, uint64_t max_steps,
		       struct calib_point_model *out, char *err, size_t len)
{
	double t = pt->t.guest_us_per_fault, q, share;

	memset(out, 0, sizeof(*out));
	out->value = out->error = NAN;
	if (engine_run(pt, th, t, max_steps, out, err, len) < 0)
		return -1;
	/* The engine's own retries set the share (the parts scaled below
	 * differ from it by well under the 1% the rerun is for on every
	 * point that has a share worth it), so the engine's runs do not
	 * depend on e and b, and the fit can solve those without it. */
	q = clamp(th->step_frac, Q_MIN, Q_MAX);
	share = 2 * q * out->value;
	if (share > RETRY_SHARE_RERUN &&
	    engine_run(pt, th, t / (1 + share), max_steps, out, err, len) < 0)
		return -1;
	out->value = combine(pt, th, out->range, out->seq, &out->background);
	out->error = pt->median > 0 ? (out->value - pt->median) / pt->median
				    : NAN;
	return 0;
}

/* ---- the fit ------------------------------------------------------------ */

struct objective {
	const struct live_sweep *sw;
	uint64_t max_steps;
	int idx[SWEEP_MAX_POINTS]; /* the training points this stage fits */
	size_t n;
	struct calib_params th;    /* the fixed parts */
	int mech;                  /* stage 2: the window being fitted */
	bool failed;
	char err[256];
};

static double log_rate(double v)
{
	return log(v > RATE_FLOOR ? v : RATE_FLOOR);
}

static double mean_sq_log_error(struct objective *o,
				const struct calib_params *th)
{
	double sum = 0;

	for (size_t i = 0; i < o->n; i++) {
		const struct sweep_point *pt = &o->sw->pt[o->idx[i]];
		struct calib_point_model pm;
		double d;

		if (live_calib_predict(pt, th, o->max_steps, &pm, o->err,
				       sizeof(o->err)) < 0 || isnan(pm.value)) {
			o->failed = true;
			return 1e30;
		}
		d = log_rate(pm.value) - log_rate(pt->median);
		sum += d * d;
	}
	return o->n ? sum / (double)o->n : 0;
}

/* Stage 1: x = ln w[dontneed], ln c, with e and b solved inside for
 * each x; q stays 1/8 and p stays 1.
 *
 * Retry counts pin w/q (the window in model steps), not q itself: q only
 * entered on its own through the unlocked length, (1 - q) of a fault,
 * which the exposure e now carries. So q is fixed at the engine's default
 * (R = 4) instead of drifting along a flat valley; w is read as w/q.
 *
 * e and b do not change the engine's runs (live_calib_predict), only how
 * their parts add up: for each x the engine runs once per point and e, b
 * are fitted on its parts by plain arithmetic. The simplex then searches
 * two dimensions instead of four, for the same engine runs. */
struct parts {
	double range[SWEEP_MAX_POINTS], seq[SWEEP_MAX_POINTS];
	double measured[SWEEP_MAX_POINTS];
	const struct sweep_point *pt[SWEEP_MAX_POINTS];
	size_t n;
	struct calib_params th;
};

static void shared_from(const double *x, struct calib_params *th)
{
	th->window[LM_DONTNEED] = clamp(exp(x[0]), W_MIN, W_MAX);
	th->window_cap_us = clamp(exp(x[1]), C_MIN, C_MAX);
}

static double objective_additive(const double *x, void *ctx)
{
	struct parts *p = ctx;
	struct calib_params th = p->th;
	double sum = 0, bg;

	th.exposure = clamp(exp(x[0]), E_MIN, E_MAX);
	th.background = clamp(exp(x[1]), B_MIN, B_MAX);
	for (size_t i = 0; i < p->n; i++) {
		double d = log_rate(combine(p->pt[i], &th, p->range[i],
					    p->seq[i], &bg)) -
			   log_rate(p->measured[i]);

		sum += d * d;
	}
	return p->n ? sum / (double)p->n : 0;
}

#define ADDITIVE_EVALS 300

/* The best e and b for the engine's parts at th (into th); returns the
 * mean squared log error there. */
static double solve_additive(struct objective *o, struct calib_params *th)
{
	struct parts p;
	double y[2] = { log(th->exposure), log(th->background) }, v;

	p.n = o->n;
	p.th = *th;
	for (size_t i = 0; i < o->n; i++) {
		const struct sweep_point *pt = &o->sw->pt[o->idx[i]];
		struct calib_point_model pm;

		if (live_calib_predict(pt, th, o->max_steps, &pm, o->err,
				       sizeof(o->err)) < 0 || isnan(pm.value)) {
			o->failed = true;
			return 1e30;
		}
		p.pt[i] = pt;
		p.range[i] = pm.range;
		p.seq[i] = pm.seq;
		p.measured[i] = pt->median;
	}
	v = fit_nelder_mead(objective_additive, &p, y, 2, 1.0, 1e-8,
			    ADDITIVE_EVALS, NULL);
	th->exposure = clamp(exp(y[0]), E_MIN, E_MAX);
	th->background = clamp(exp(y[1]), B_MIN, B_MAX);
	return v;
}

static double objective_shared(const double *x, void *ctx)
{
	struct objective *o = ctx;
	struct calib_params th = o->th;

	shared_from(x, &th);
	return solve_additive(o, &th);
}

/* Stage 2: x = ln w[mech], the shared factors fixed. */
static double objective_window(const double *x, void *ctx)
{
	struct objective *o = ctx;
	struct calib_params th = o->th;

	th.window[o->mech] = clamp(exp(x[0]), W_MIN, W_MAX);
	return mean_sq_log_error(o, &th);
}

static size_t training_of(const struct live_sweep *sw, int mech, int *idx)
{
	size_t n = 0;

	for (size_t i = 0; i < sw->n; i++) {
		const struct sweep_point *pt = &sw->pt[i];

		if (pt->role == ROLE_TRAIN && !pt->skipped && pt->n > 0 &&
		    pt->p.mech == mech && !isnan(pt->median))
			idx[n++] = (int)i;
	}
	return n;
}

static void append_why(struct live_calib *c, const char *fmt,
		       const char *sep, const char *a)
{
	size_t used = strlen(c->why);

	snprintf(c->why + used, sizeof(c->why) - used, fmt, sep, a);
}

static int fit(const struct live_sweep *sw, uint64_t max_steps,
	       struct live_calib *c, FILE *progress, char *err, size_t len)
{
	struct objective o;
	double x[2], sum;
	size_t total = 0;
	int ev;

	memset(&o, 0, sizeof(o));
	o.sw = sw;
	o.max_steps = max_steps;
	live_calib_defaults(&o.th);
	for (int k = 0; k < LM_COUNT; k++)
		o.th.window[k] = NAN;
	o.n = training_of(sw, LM_DONTNEED, o.idx);
	if (o.n == 0) {
		snprintf(c->why, sizeof(c->why), "no dontneed training point "
			 "was measured: nothing to fit the shared factors on");
		return 0;
	}
	x[0] = log(0.3);
	x[1] = log(o.th.window_cap_us);
	if (progress)
		fprintf(progress, "bench live --sweep: fitting w[dontneed], c "
			"(and e, b for each) on %zu training points\n", o.n);
	sum = fit_nelder_mead(objective_shared, &o, x, 2, 0.7, 1e-4,
			      NM_EVALS, &ev) * (double)o.n;
	if (o.failed) {
		snprintf(err, len, "fit: %s", o.err);
		return -1;
	}
	c->evals = ev;
	total = o.n;
	shared_from(x, &o.th);
	solve_additive(&o, &o.th);
	for (int k = 0; k < LM_COUNT; k++) {
		double lw;

		if (k == LM_DONTNEED)
			continue;
		o.mech = k;
		o.n = training_of(sw, k, o.idx);
		if (o.n == 0) {
			append_why(c, "%s%s: no measured training point, its "
				   "points are not predicted", c->why[0] ? "; " : "",
				   live_mech_names[k]);
			continue;
		}
		if (progress)
			fprintf(progress, "bench live --sweep: fitting w[%s]\n",
				live_mech_names[k]);
		sum += fit_golden(objective_window, &o, log(W_MIN), log(W_MAX),
				  0.02, GOLDEN_EVALS, &lw, &ev) * (double)o.n;
		if (o.failed) {
			snprintf(err, len, "fit: %s", o.err);
			return -1;
		}
		c->evals += ev;
		total += o.n;
		o.th.window[k] = clamp(exp(lw), W_MIN, W_MAX);
	}
	c->params = o.th;
	c->objective = sum / (double)total;
	c->fitted = true;
	return 0;
}

static void summarise(const struct live_sweep *sw, struct live_calib *c)
{
	double e[SWEEP_MAX_POINTS];
	int a, k;

	c->heldout_n = c->heldout_within = 0;
	for (size_t i = 0; i < sw->n; i++) {
		const struct calib_point_model *pm = &c->pm[i];

		if (sw->pt[i].role != ROLE_HELD_OUT || !pm->predicted ||
		    isnan(pm->error))
			continue;
		e[c->heldout_n++] = fabs(pm->error);
		if (fabs(pm->error) <= CALIB_BAND)
			c->heldout_within++;
	}
	c->heldout_median_abs_error = live_median(e, c->heldout_n);
	c->ratio_measured = c->ratio_predicted = c->ratio_error = NAN;
	live_sweep_ratio_pair(sw, &a, &k);
	if (a < 0 || k < 0)
		return;
	if (sw->pt[k].median > 0)
		c->ratio_measured = sw->pt[a].median / sw->pt[k].median;
	if (c->pm[a].predicted && c->pm[k].predicted && c->pm[k].value > 0)
		c->ratio_predicted = c->pm[a].value / c->pm[k].value;
	if (c->ratio_measured > 0)
		c->ratio_error = (c->ratio_predicted - c->ratio_measured) /
				 c->ratio_measured;
}

int live_calib_run(const struct live_sweep *sw, uint64_t max_steps,
		   struct live_calib *c, FILE *progress, char *err,
		   size_t len)
{
	double t0 = live_now_seconds();
	uint64_t r;

	memset(c, 0, sizeof(*c));
	c->max_steps = max_steps;
	c->heldout_median_abs_error = c->objective = NAN;
	c->ratio_measured = c->ratio_predicted = c->ratio_error = NAN;
	c->unlocked_fraction = NAN;
	for (size_t i = 0; i < sw->n; i++)
		c->pm[i].value = c->pm[i].error = NAN;
	if (fit(sw, max_steps, c, progress, err, len) < 0)
		return -1;
	if (!c->fitted) {
		c->seconds = live_now_seconds() - t0;
		return 0;
	}
	r = round_steps(1.0 / c->params.step_frac - 4, 1);
	c->unlocked_fraction = (double)(r + 3) / (double)(r + 4);
	for (size_t i = 0; i < sw->n; i++) {
		const struct sweep_point *pt = &sw->pt[i];

		if (pt->role == ROLE_UNMODELLED || pt->skipped || pt->n == 0 ||
		    isnan(c->params.window[pt->p.mech]))
			continue;
		if (live_calib_predict(pt, &c->params, max_steps, &c->pm[i],
				       err, len) < 0)
			return -1;
	}
	summarise(sw, c);
	c->seconds = live_now_seconds() - t0;
	return 0;
}
