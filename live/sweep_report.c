#include "live/sweep_report.h"

#include <math.h>
#include <string.h>
#include <sys/utsname.h>

#include "util/json_writer.h"

static const char *kernel_release(struct utsname *u)
{
	return uname(u) == 0 ? u->release : "unknown";
}

static void print_split(FILE *out, const struct live_sweep *sw, int role)
{
	const char *sep = "";

	fprintf(out, "  %s:", sweep_role_names[role]);
	for (size_t i = 0; i < sw->n; i++) {
		if (sw->pt[i].role != role)
			continue;
		fprintf(out, "%s %s", sep, sw->pt[i].name);
		sep = ",";
	}
	fprintf(out, "\n");
}

static void print_fit(FILE *out, const struct live_sweep *sw,
		      const struct live_calib *c)
{
	const struct calib_params *th = &c->params;
	size_t train = 0;

	for (size_t i = 0; i < sw->n; i++)
		train += sw->pt[i].role == ROLE_TRAIN && !sw->pt[i].skipped;
	if (!c->fitted) {
		fprintf(out, "fit: none (%s)\n", c->why);
		return;
	}
	fprintf(out, "fit on %zu training points (%d engine evaluations, mean "
		"squared log error %.4f, %.1f s):\n", train, c->evals,
		c->objective, c->seconds);
	fprintf(out, "  q = %.4f (fixed): one model step = %.4f of the vCPU time per "
		"fault; unlocked part of a fault %.3f, a retry %.3f of a "
		"fault\n", th->step_frac, th->step_frac, c->unlocked_fraction,
		2 * th->step_frac);
	fprintf(out, "  p = %.3f (fixed): pause scale, the measured rest of "
		"the invalidator's loop as is\n", th->pause_scale);
	fprintf(out, "  c = %.0f us: a longer call has the window of one of "
		"c (its range stops growing)\n", th->window_cap_us);
	fprintf(out, "  b = %.2e: background retries per page the host thread "
		"repopulates (no notifier; both layouts)\n", th->background);
	fprintf(out, "  e = %.3f: exposure of a fault to an invalidation's end "
		"(engine's sequence retries x e)\n", th->exposure);
	for (int k = 0; k < LM_COUNT; k++)
		if (!isnan(th->window[k]))
			fprintf(out, "  w[%s] = %.4f of one call inside the "
				"notifier range (w/q = %.2f, the combination "
				"retry counts pin)\n", live_mech_names[k],
				th->window[k], th->window[k] / th->step_frac);
	if (c->why[0])
		fprintf(out, "  not fitted: %s\n", c->why);
}

void live_sweep_print_text(FILE *out, const struct live_sweep *sw,
			   const struct live_calib *c)
{
	struct utsname u;

	if (sw->skipped[0]) {
		fprintf(out, "bench live --sweep: skipped: %s\n", sw->skipped);
		return;
	}
	fprintf(out, "bench live --sweep: kernel %s, %s; vCPU on CPU %d, "
		"invalidator on CPU %d; %zu points, %llu interleaved runs of "
		"%g s each\n", kernel_release(&u), sw->base.device,
		sw->vcpu_cpu, sw->inval_cpu, sw->n,
		(unsigned long long)sw->runs, sw->seconds);
	fprintf(out, "calibration: %llu fresh pages -> pf_fixed %llu; no "
		"invalidator: %llu retries in %llu faults\n",
		(unsigned long long)sw->calib.pages,
		(unsigned long long)sw->calib.pf_fixed,
		(unsigned long long)sw->calib.quiet_retries,
		(unsigned long long)sw->calib.quiet_faults);
	fprintf(out, "mechanisms:");
	for (int k = 0; k < LM_COUNT; k++)
		fprintf(out, " %s %s;", live_mech_names[k],
			sw->mech_usable[k] ? "measured" : "skipped");
	fprintf(out, "\n");
	for (int k = 0; k < LM_COUNT; k++)
		if (!sw->mech_usable[k])
			fprintf(out, "  skipped: %s\n", sw->mech_note[k]);
	fprintf(out, "split (fixed by the point list):\n");
	for (int r = 0; r < ROLE_COUNT; r++)
		print_split(out, sw, r);
	fprintf(out, "%-34s %-10s %9s %19s %9s %8s %6s %6s %3s %8s %8s\n",
		"point", "role", "measured", "[min, max]", "predicted",
		"error", "W", "G", "R", "drop_us", "cycle_us");
	for (size_t i = 0; i < sw->n; i++) {
		const struct sweep_point *pt = &sw->pt[i];
		const struct calib_point_model *pm = c ? &c->pm[i] : NULL;

		if (pt->skipped) {
			fprintf(out, "%-34s %-10s skipped (mechanism)\n",
				pt->name, sweep_role_names[pt->role]);
			continue;
		}
		fprintf(out, "%-34s %-10s %9.4f   [%7.4f, %7.4f]",
			pt->name, sweep_role_names[pt->role], pt->median,
			pt->min, pt->max);
		if (pm && pm->predicted)
			fprintf(out, " %9.4f %+7.1f%% %6llu %6llu %3llu",
				pm->value, 100 * pm->error,
				(unsigned long long)pm->phase2_steps,
				(unsigned long long)pm->gap_steps,
				(unsigned long long)pm->resolve_steps);
		else
			fprintf(out, " %9s %8s %6s %6s %3s", "-", "-", "-",
				"-", "-");
		fprintf(out, " %8.1f %8.1f\n", pt->t.drop_us, pt->t.cycle_us);
	}
	if (!c)
		return;
	print_fit(out, sw, c);
	if (c->fitted) {
		fprintf(out, "held out: median |error| %.1f%% over %zu points; "
			"%zu of them within %.0f%%\n",
			100 * c->heldout_median_abs_error, c->heldout_n,
			c->heldout_within, 100 * CALIB_BAND);
		fprintf(out, "aliased/control (dontneed, bench live's layout, "
			"both held out): measured %.2f, predicted %.2f "
			"(error %+.1f%%)\n", c->ratio_measured,
			c->ratio_predicted, 100 * c->ratio_error);
	}
	fprintf(out, "measurement time: %.1f s\n", sw->measure_seconds);
}

static void json_point(struct json_writer *w, const struct sweep_point *pt,
		       const struct calib_point_model *pm)
{
	json_begin_object(w, NULL);
	json_string(w, "name", pt->name);
	json_string(w, "role", sweep_role_names[pt->role]);
	json_string(w, "layout", live_layout_names[pt->layout]);
	json_string(w, "mechanism", live_mech_names[pt->p.mech]);
	json_u64(w, "inval_pages", pt->p.inval_pages);
	json_u64(w, "alias_distance", pt->p.alias_distance);
	json_u64(w, "a_slots", pt->p.a_slots);
	json_u64(w, "pages", pt->p.pages);
	json_bool(w, "skipped", pt->skipped);
	json_double(w, "measured", pt->median);
	json_double(w, "min", pt->min);
	json_double(w, "max", pt->max);
	json_begin_object(w, "timing");
	json_double(w, "guest_us_per_fault", pt->t.guest_us_per_fault);
	json_double(w, "drop_us", pt->t.drop_us);
	json_double(w, "cycle_us", pt->t.cycle_us);
	json_end_object(w);
	json_begin_array(w, "runs");
	for (uint64_t k = 0; k < pt->n; k++) {
		const struct live_sample *s = &pt->s[k];

		json_begin_object(w, NULL);
		json_double(w, "retries_per_fault", s->per_fault);
		json_u64(w, "faults", s->faults);
		json_u64(w, "retries", s->retries);
		json_u64(w, "invalidations", s->invalidations);
		json_double(w, "seconds", s->seconds);
		json_double(w, "hook_seconds", s->hook_seconds);
		json_double(w, "drop_us", s->drop_us);
		json_end_object(w);
	}
	json_end_array(w);
	if (pm && pm->predicted) {
		json_double(w, "predicted", pm->value);
		json_double(w, "error", pm->error);
		json_double(w, "predicted_background", pm->background);
		json_begin_object(w, "model");
		json_u64(w, "resolve_steps", pm->resolve_steps);
		json_u64(w, "phase2_steps", pm->phase2_steps);
		json_u64(w, "gap_steps", pm->gap_steps);
		json_u64(w, "steps", pm->steps);
		json_end_object(w);
	} else {
		json_write_null(w, "predicted");
		json_write_null(w, "error");
	}
	json_end_object(w);
}

static void json_fit(struct json_writer *w, const struct live_sweep *sw,
		     const struct live_calib *c)
{
	json_begin_object(w, "fit");
	json_bool(w, "fitted", c->fitted);
	json_string(w, "note", c->why);
	json_string(w, "model", "engine alias pattern, union tracker");
	json_begin_object(w, "params");
	json_double(w, "step_fraction", c->params.step_frac);
	json_double(w, "unlocked_fraction", c->unlocked_fraction);
	json_double(w, "retry_fraction", 2 * c->params.step_frac);
	json_double(w, "pause_scale", c->params.pause_scale);
	json_double(w, "window_cap_us", c->params.window_cap_us);
	json_double(w, "background_per_page", c->params.background);
	json_double(w, "exposure", c->params.exposure);
	json_begin_object(w, "window_fraction");
	for (int k = 0; k < LM_COUNT; k++)
		if (c->fitted && !isnan(c->params.window[k]))
			json_double(w, live_mech_names[k], c->params.window[k]);
	json_end_object(w);
	json_end_object(w);
	json_double(w, "objective", c->objective);
	json_i64(w, "evaluations", c->evals);
	json_u64(w, "max_steps", c->max_steps);
	json_double(w, "seconds", c->seconds);
	for (int r = 0; r < ROLE_COUNT; r++) {
		json_begin_array(w, sweep_role_names[r]);
		for (size_t i = 0; i < sw->n; i++)
			if (sw->pt[i].role == r)
				json_string(w, NULL, sw->pt[i].name);
		json_end_array(w);
	}
	json_end_object(w);
	json_begin_object(w, "held_out");
	json_u64(w, "points", c->heldout_n);
	json_u64(w, "within_band", c->heldout_within);
	json_double(w, "band", CALIB_BAND);
	json_double(w, "median_abs_error", c->heldout_median_abs_error);
	json_end_object(w);
	json_begin_object(w, "ratio");
	json_double(w, "measured", c->ratio_measured);
	json_double(w, "predicted", c->ratio_predicted);
	json_double(w, "error", c->ratio_error);
	json_end_object(w);
}

void live_sweep_print_json(FILE *out, const struct live_sweep *sw,
			   const struct live_calib *c, double total_seconds)
{
	struct json_writer w;
	struct utsname u;

	json_init(&w, out, true);
	json_begin_object(&w, NULL);
	json_string(&w, "kernel", kernel_release(&u));
	json_write_null(&w, "measured");
	json_write_null(&w, "model");
	if (sw->skipped[0]) {
		json_string(&w, "skipped", sw->skipped);
		json_write_null(&w, "sweep");
	} else {
		json_write_null(&w, "skipped");
		json_begin_object(&w, "sweep");
		json_string(&w, "points_file", sw->points_file);
		json_u64(&w, "runs", sw->runs);
		json_double(&w, "seconds", sw->seconds);
		json_i64(&w, "vcpu_cpu", sw->vcpu_cpu);
		json_i64(&w, "invalidator_cpu", sw->inval_cpu);
		json_begin_object(&w, "mechanisms");
		for (int k = 0; k < LM_COUNT; k++) {
			json_begin_object(&w, live_mech_names[k]);
			json_bool(&w, "usable", sw->mech_usable[k]);
			json_string(&w, "note", sw->mech_note[k]);
			json_end_object(&w);
		}
		json_end_object(&w);
		json_begin_array(&w, "points");
		for (size_t i = 0; i < sw->n; i++)
			json_point(&w, &sw->pt[i], c ? &c->pm[i] : NULL);
		json_end_array(&w);
		if (c)
			json_fit(&w, sw, c);
		json_double(&w, "measure_seconds", sw->measure_seconds);
		json_end_object(&w);
	}
	json_double(&w, "total_seconds", total_seconds);
	json_end_object(&w);
	json_finish(&w);
}
