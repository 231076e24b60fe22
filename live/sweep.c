#include "live/sweep.h"

#include <math.h>
#include <string.h>
#include <unistd.h>

#include "live/clock.h"
#include "live/summary.h"

const char *const sweep_role_names[ROLE_COUNT] = {
	[ROLE_TRAIN] = "training",
	[ROLE_HELD_OUT] = "held-out",
	[ROLE_UNMODELLED] = "unmodelled",
};

static int add_point(struct live_sweep *sw, const struct sweep_delta *d,
		     const char *path, char *err, size_t len)
{
	struct sweep_point *pt;
	char extra[48] = "";
	int used;

	if (sw->n == SWEEP_MAX_POINTS) {
		snprintf(err, len, "sweep: more than %d points", SWEEP_MAX_POINTS);
		return -1;
	}
	pt = &sw->pt[sw->n];
	memset(pt, 0, sizeof(*pt));
	pt->layout = d->layout;
	pt->role = d->role;
	pt->p = sw->base;
	pt->p.plain = false;
	/* One run at a time; the sweep's own rounds are the runs. */
	pt->p.runs = 1;
	pt->p.seconds = sw->seconds;
	pt->p.mech = d->mech;
	if (d->inval_pages) {
		pt->p.inval_pages = d->inval_pages;
		snprintf(extra, sizeof(extra), "/inval=%llu",
			 (unsigned long long)d->inval_pages);
	}
	if (d->alias_distance) {
		pt->p.alias_distance = d->alias_distance;
		snprintf(extra, sizeof(extra), "/distance=0x%llx",
			 (unsigned long long)d->alias_distance);
	}
	if (d->a_slots) {
		pt->p.a_slots = d->a_slots;
		snprintf(extra, sizeof(extra), "/slots=%llu",
			 (unsigned long long)d->a_slots);
	}
	if (d->pages) {
		pt->p.pages = d->pages;
		snprintf(extra, sizeof(extra), "/pages=%llu",
			 (unsigned long long)d->pages);
	}
	used = snprintf(pt->name, sizeof(pt->name), "%s/%s%s",
			live_mech_names[d->mech], live_layout_names[d->layout],
			extra);
	if (used < 0 || (size_t)used >= sizeof(pt->name) ||
	    live_params_check(&pt->p, err, len) < 0) {
		if (used >= 0 && (size_t)used < sizeof(pt->name))
			snprintf(err + strlen(err), len - strlen(err),
				 " (sweep point %s, %s:%u)", pt->name, path,
				 d->line);
		return -1;
	}
	sw->n++;
	return 0;
}

int live_sweep_points(struct live_sweep *sw, const struct live_params *base,
		      uint64_t runs, double seconds, const char *path,
		      char *err, size_t len)
{
	static struct sweep_delta points[SWEEP_MAX_POINTS];
	size_t n;

	if (!path)
		path = live_sweep_default_file();
	if (live_sweep_read(path, points, SWEEP_MAX_POINTS, &n, err, len) < 0)
		return -1;
	memset(sw, 0, sizeof(*sw));
	sw->base = *base;
	sw->base.mech = LM_DONTNEED;
	sw->base.a_slots = 1;
	sw->runs = runs;
	sw->seconds = seconds;
	sw->vcpu_cpu = sw->inval_cpu = -1;
	snprintf(sw->points_file, sizeof(sw->points_file), "%s", path);
	for (size_t i = 0; i < n; i++)
		if (add_point(sw, &points[i], path, err, len) < 0)
			return -1;
	return 0;
}

int live_sweep_find(const struct live_sweep *sw, const char *name)
{
	for (size_t i = 0; i < sw->n; i++)
		if (strcmp(sw->pt[i].name, name) == 0)
			return (int)i;
	return -1;
}

void live_sweep_ratio_pair(const struct live_sweep *sw, int *aliased,
			   int *control)
{
	char a[SWEEP_NAME_MAX], c[SWEEP_NAME_MAX];

	snprintf(a, sizeof(a), "%s/%s", live_mech_names[LM_DONTNEED],
		 live_layout_names[LL_ALIAS]);
	snprintf(c, sizeof(c), "%s/%s", live_mech_names[LM_DONTNEED],
		 live_layout_names[LL_CONTROL]);
	*aliased = live_sweep_find(sw, a);
	*control = live_sweep_find(sw, c);
}

void live_sweep_summarise(struct sweep_point *pt)
{
	double y[SWEEP_MAX_RUNS], f[SWEEP_MAX_RUNS], d[SWEEP_MAX_RUNS],
		c[SWEEP_MAX_RUNS];

	for (uint64_t i = 0; i < pt->n; i++) {
		const struct live_sample *s = &pt->s[i];

		y[i] = s->per_fault;
		f[i] = s->faults ? (s->seconds - s->hook_seconds) * 1e6 /
					   (double)s->faults : NAN;
		d[i] = s->drop_us;
		c[i] = s->invalidations ? s->seconds * 1e6 /
						  (double)s->invalidations : NAN;
	}
	pt->median = live_median(y, pt->n);
	live_range(y, pt->n, &pt->min, &pt->max);
	pt->t.guest_us_per_fault = live_median(f, pt->n);
	pt->t.drop_us = live_median(d, pt->n);
	pt->t.cycle_us = live_median(c, pt->n);
}

static void probe_mechanisms(struct live_sweep *sw)
{
	for (int k = 0; k < LM_COUNT; k++)
		sw->mech_usable[k] = live_mech_probe((enum live_mech)k,
						     sw->mech_note[k],
						     SWEEP_NOTE_MAX) == 0;
	for (size_t i = 0; i < sw->n; i++)
		sw->pt[i].skipped = !sw->mech_usable[sw->pt[i].p.mech];
}

static void drop_mechanism(struct live_sweep *sw, int mech, const char *why)
{
	sw->mech_usable[mech] = false;
	snprintf(sw->mech_note[mech], SWEEP_NOTE_MAX, "%s: failed during the "
		 "sweep, its points dropped: %s", live_mech_names[mech], why);
	for (size_t i = 0; i < sw->n; i++)
		if (sw->pt[i].p.mech == mech) {
			sw->pt[i].skipped = true;
			sw->pt[i].n = 0;
		}
}

int live_sweep_measure(struct live_sweep *sw, FILE *progress, char *err,
		       size_t len)
{
	double t0 = live_now_seconds();
	size_t todo = 0, done = 0;
	int kvm_fd, rc = 0;

	kvm_fd = live_kvm_open(sw->base.device, sw->skipped,
			       sizeof(sw->skipped));
	if (kvm_fd < 0)
		return 0;
	if (live_calibrate(kvm_fd, &sw->base, &sw->calib, sw->skipped,
			   sizeof(sw->skipped)) != 0) {
		close(kvm_fd);
		return 0;
	}
	probe_mechanisms(sw);
	for (size_t i = 0; i < sw->n; i++)
		todo += sw->pt[i].skipped ? 0 : sw->runs;
	live_threads_place(&sw->vcpu_cpu, &sw->inval_cpu);
	for (uint64_t r = 0; r < sw->runs && rc == 0; r++) {
		for (size_t i = 0; i < sw->n && rc == 0; i++) {
			/* Odd rounds backwards: load drift favours no point. */
			size_t k = r % 2 ? sw->n - 1 - i : i;
			struct sweep_point *pt = &sw->pt[k];

			if (pt->skipped)
				continue;
			rc = live_measure_case(kvm_fd, &pt->p,
					       (enum live_layout)pt->layout,
					       sw->inval_cpu, &pt->s[pt->n],
					       err, len);
			if (rc < 0 && pt->p.mech != LM_DONTNEED) {
				/* One mechanism failing mid-sweep (remap
				 * finding its hole taken, ...) costs its own
				 * points, not the sweep. */
				drop_mechanism(sw, pt->p.mech, err);
				rc = 0;
				continue;
			}
			if (rc < 0) {
				size_t used = strlen(err);

				snprintf(err + used, len - used, " (sweep point "
					 "%s)", pt->name);
				break;
			}
			if (progress)
				fprintf(progress, "bench live --sweep: round "
					"%llu/%llu, run %zu/%zu, %s: %.4f "
					"retries/fault (%.0f s)\n",
					(unsigned long long)r + 1,
					(unsigned long long)sw->runs, ++done,
					todo, pt->name, pt->s[pt->n].per_fault,
					live_now_seconds() - t0);
			pt->n++;
		}
	}
	live_threads_restore(sw->vcpu_cpu);
	close(kvm_fd);
	for (size_t i = 0; i < sw->n; i++)
		if (!sw->pt[i].skipped)
			live_sweep_summarise(&sw->pt[i]);
	sw->measure_seconds = live_now_seconds() - t0;
	return rc;
}
