/* Integration test on the machine's own KVM: the guest runs natively and
 * faults once per page, and a short interleaved measurement of every layout
 * produces faults, invalidations and retries. Exits 77 (ctest: skipped)
 * when /dev/kvm is unusable or the guest would be emulated.
 *
 * Counts only, no timing: whether the aliased ratio exceeds the control is
 * a measurement (`bench live`), not something a loaded machine can promise
 * in a fraction of a second. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "live/measure.h"
#include "live/sweep.h"
#include "tests/check.h"

#define SKIP 77

/* One very short round of the sweep: every mechanism either ran (faults,
 * its invalidations, a timing for the model) or was skipped with a note;
 * dontneed always runs. Counts only. */
static void check_sweep(const struct live_params *base)
{
	static struct live_sweep sw;
	char err[512] = "";
	size_t ran = 0;

	CHECK_EQ_I64(live_sweep_points(&sw, base, 1, 0.05, NULL, err, sizeof(err)),
		     0, "sweep points: %s", err);
	CHECK_EQ_I64(live_sweep_measure(&sw, NULL, err, sizeof(err)), 0,
		     "sweep: %s", err);
	CHECK(sw.skipped[0] == '\0', "sweep skipped: %s", sw.skipped);
	CHECK(sw.mech_usable[LM_DONTNEED], "dontneed: %s",
	      sw.mech_note[LM_DONTNEED]);
	for (int k = 0; k < LM_COUNT; k++)
		CHECK(sw.mech_usable[k] || sw.mech_note[k][0],
		      "%s skipped without a note", live_mech_names[k]);
	for (size_t i = 0; i < sw.n; i++) {
		const struct sweep_point *pt = &sw.pt[i];

		CHECK(pt->skipped == !sw.mech_usable[pt->p.mech], "%s",
		      pt->name);
		if (pt->skipped)
			continue;
		ran++;
		CHECK_EQ_U64(pt->n, 1, "%s: one run", pt->name);
		CHECK(pt->s[0].faults > 0 && pt->s[0].invalidations > 0,
		      "%s: %llu faults, %llu invalidations", pt->name,
		      (unsigned long long)pt->s[0].faults,
		      (unsigned long long)pt->s[0].invalidations);
		/* Measured at all, not how they compare: cycle and drop are
		 * medians of different samples, and under TSan's slowdown a
		 * cycle's median fell below the drop's. */
		CHECK(pt->t.guest_us_per_fault > 0 && pt->t.drop_us > 0 &&
		      pt->t.cycle_us > 0,
		      "%s: timing %g/%g/%g", pt->name, pt->t.guest_us_per_fault,
		      pt->t.drop_us, pt->t.cycle_us);
	}
	printf("test_live_vmm: sweep, %zu of %zu points ran\n", ran, sw.n);
}

int main(int argc, char **argv)
{
	static struct live_report rep;
	struct live_params p;
	char err[512] = "";

	live_params_defaults(&p);
	if (argc > 1)
		p.device = argv[1]; /* to see the skip path: a missing device */
	p.runs = 2;
	p.seconds = 0.2;
	p.pages = 256;
	if (live_measure(&p, &rep, err, sizeof(err)) < 0) {
		fprintf(stderr, "test_live_vmm: measurement failed: %s\n", err);
		return 1;
	}
	if (rep.skipped[0]) {
		printf("test_live_vmm: skipped: %s\n", rep.skipped);
		return SKIP;
	}
	/* Calibration passed, so these held; check the recorded figures
	 * agree with what passing means. */
	CHECK(rep.calib.pf_fixed == p.calib_pages,
	      "calibration: expected pf_fixed %llu, got %llu",
	      (unsigned long long)p.calib_pages,
	      (unsigned long long)rep.calib.pf_fixed);
	CHECK(rep.calib.pf_taken == rep.calib.pf_fixed,
	      "calibration: pf_taken %llu != pf_fixed %llu without invalidator",
	      (unsigned long long)rep.calib.pf_taken,
	      (unsigned long long)rep.calib.pf_fixed);
	for (int l = 0; l < LL_COUNT; l++) {
		const struct live_case *c = &rep.cases[l];

		CHECK(c->n == p.runs, "%s: expected %llu runs, got %llu",
		      live_layout_names[l], (unsigned long long)p.runs,
		      (unsigned long long)c->n);
		for (uint64_t i = 0; i < c->n; i++) {
			const struct live_sample *s = &c->s[i];

			CHECK(s->faults > 0, "%s run %llu: no fault completed",
			      live_layout_names[l], (unsigned long long)i);
			/* Every pass refaults every page of M (the between-pass
			 * drop). Not so in single/multislot: there the host
			 * thread populates the faulted memory, and KVM's
			 * prefetch maps present neighbours without a fault. */
			CHECK(l > LL_CONTROL || s->faults >= s->passes * p.pages,
			      "%s run %llu: %llu faults for %llu passes of %llu "
			      "pages", live_layout_names[l],
			      (unsigned long long)i,
			      (unsigned long long)s->faults,
			      (unsigned long long)s->passes,
			      (unsigned long long)p.pages);
			/* The host thread kept invalidating. */
			CHECK(s->invalidations > 0,
			      "%s run %llu: the host thread never invalidated",
			      live_layout_names[l], (unsigned long long)i);
			/* At most the one `out` per pass may be emulated. */
			CHECK(s->emulated <= s->passes + 1,
			      "%s run %llu: %llu emulated instructions for %llu "
			      "passes", live_layout_names[l],
			      (unsigned long long)i,
			      (unsigned long long)s->emulated,
			      (unsigned long long)s->passes);
		}
	}
	/* Thousands of invalidations during thousands of faults: the
	 * sequence check alone makes some faults retry, aliased or not. */
	CHECK(rep.cases[LL_ALIAS].s[0].retries > 0,
	      "aliased: no retry in %llu faults under %llu invalidations",
	      (unsigned long long)rep.cases[LL_ALIAS].s[0].faults,
	      (unsigned long long)rep.cases[LL_ALIAS].s[0].invalidations);
	CHECK(!isnan(rep.cases[LL_ALIAS].median) &&
	      !isnan(rep.cases[LL_CONTROL].median),
	      "medians: aliased %g, control %g", rep.cases[LL_ALIAS].median,
	      rep.cases[LL_CONTROL].median);
	printf("test_live_vmm: aliased %.3f control %.3f retries/fault "
	       "(quiet: %llu retries in %llu faults)\n",
	       rep.cases[LL_ALIAS].median, rep.cases[LL_CONTROL].median,
	       (unsigned long long)rep.calib.quiet_retries,
	       (unsigned long long)rep.calib.quiet_faults);
	check_sweep(&p);
	return check_summary("test_live_vmm");
}
