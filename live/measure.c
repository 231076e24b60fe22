#define _GNU_SOURCE /* CPU affinity */
#include "live/measure.h"

#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "live/clock.h"
#include "live/guest.h"
#include "live/setup.h"
#include "live/summary.h"

const char *const live_layout_names[LL_COUNT] = {
	[LL_ALIAS] = "aliased",
	[LL_CONTROL] = "control",
	[LL_SINGLE] = "single",
	[LL_MULTISLOT] = "multislot",
};

#define QUIET_SECONDS 0.2
#define BUDGET_SECONDS 50.0   /* a whole `bench live` stays under 60 s */
/* Hard stop for starting another run, whatever the machine's load did to
 * VM creation and warm-up: the model and output still fit in 60 s. */
#define DEADLINE_SECONDS 52.0

void live_params_defaults(struct live_params *p)
{
	memset(p, 0, sizeof(*p));
	p->device = "/dev/kvm";
	p->runs = 5;
	p->seconds = 1.0;
	p->pages = 512;
	p->inval_pages = 256;
	/* The layout of the experiment in LIVE-KVM.md: A at gfn 0x100, B at
	 * 0x80000, the faulted slot M at 0x40000 between them. */
	p->alias_distance = 0x80000 - LIVE_FIRST_GFN;
	p->slots = 4;
	p->calib_pages = 256;
	p->plain = true;
	/* Populated memory makes each drop free real pages: a long
	 * invalidation window, and a ratio that held (2.5x-7x per round) on
	 * the shared 2-core machine. Dropping empty memory in a tight loop
	 * swung from 20x (idle machine, vCPU nearly livelocked) to 0.6x as
	 * other jobs loaded the CPUs. */
	p->inval_touch = true;
	p->mech = LM_DONTNEED;
	p->a_slots = 1;
}

void live_alias_gfns(const struct live_params *p, struct live_alias_gfns *g)
{
	uint64_t gap = p->alias_distance - p->inval_pages; /* A's end to B */

	g->a = LIVE_FIRST_GFN;
	g->b = LIVE_FIRST_GFN + p->alias_distance;
	/* Centred in the gap (gfn 0x40000 with the defaults, as in the
	 * experiment of LIVE-KVM.md). */
	g->m = g->a + p->inval_pages +
	       (gap > p->pages ? (gap - p->pages) / 2 : 0);
}

int live_params_check(const struct live_params *p, char *err, size_t len)
{
	struct live_alias_gfns g;
	double budget = p->seconds * (double)p->runs * (p->plain ? 4 : 2);

	if (p->alias_distance < p->inval_pages + p->pages) {
		snprintf(err, len,
			 "--alias-distance: %llu leaves no room for --pages=%llu "
			 "between two slots of --inval-pages=%llu; expected at "
			 "least %llu", (unsigned long long)p->alias_distance,
			 (unsigned long long)p->pages,
			 (unsigned long long)p->inval_pages,
			 (unsigned long long)(p->inval_pages + p->pages));
		return -1;
	}
	live_alias_gfns(p, &g);
	if (g.b + p->inval_pages > GUEST_MAX_GFN) {
		snprintf(err, len,
			 "--alias-distance/--inval-pages: slot B would end at gfn "
			 "0x%llx, past the guest's 4 GiB map; expected B to end "
			 "by gfn 0x%llx", (unsigned long long)(g.b + p->inval_pages),
			 (unsigned long long)GUEST_MAX_GFN);
		return -1;
	}
	if (p->plain && p->pages % p->slots) {
		snprintf(err, len,
			 "--slots: %llu does not divide --pages=%llu; expected a "
			 "divisor (multislot slots are equal)",
			 (unsigned long long)p->slots,
			 (unsigned long long)p->pages);
		return -1;
	}
	if (p->a_slots < 1 || p->inval_pages % p->a_slots ||
	    p->a_slots + 3 > LIVE_MAX_SLOTS) {
		snprintf(err, len,
			 "--a-slots: %llu does not split --inval-pages=%llu into "
			 "equal memslots; expected a divisor from 1 to %d",
			 (unsigned long long)p->a_slots,
			 (unsigned long long)p->inval_pages, LIVE_MAX_SLOTS - 3);
		return -1;
	}
	if (p->mech < 0 || p->mech >= LM_COUNT) {
		snprintf(err, len, "--mechanism: unknown mechanism %d", p->mech);
		return -1;
	}
	if (budget > BUDGET_SECONDS) {
		snprintf(err, len,
			 "--runs x --seconds: %llu x %g s x %d layouts = %g s of "
			 "measurement; expected at most %g s (a run must stay "
			 "under a minute)", (unsigned long long)p->runs,
			 p->seconds, p->plain ? 4 : 2, budget, BUDGET_SECONDS);
		return -1;
	}
	return 0;
}

/* ---- calibration -------------------------------------------------------- */

int live_calibrate(int kvm_fd, const struct live_params *p,
		   struct live_calibration *c, char *why, size_t len)
{
	struct live_setup s;
	struct live_counters a, b;
	struct live_run_result r;
	struct live_sample quiet;
	char err[LIVE_REASON_MAX];

	memset(c, 0, sizeof(*c));
	c->pages = p->calib_pages;
	if (live_setup_build(&s, kvm_fd, p, LL_SINGLE, p->calib_pages, err,
			     sizeof(err)) < 0 ||
	    live_setup_warm_up(&s, err, sizeof(err)) < 0 ||
	    live_vm_counters(&s.vm, &a) < 0 ||
	    live_vm_run(&s.vm, LIVE_WARM_SECONDS, 1, live_setup_drop_loop, &s,
			&r, err, sizeof(err)) < 0 ||
	    live_vm_counters(&s.vm, &b) < 0) {
		snprintf(why, len, "not measurable here: %.200s", err);
		live_setup_free(&s);
		return 1;
	}
	c->pf_taken = b.v[LS_PF_TAKEN] - a.v[LS_PF_TAKEN];
	c->pf_fixed = b.v[LS_PF_FIXED] - a.v[LS_PF_FIXED];
	c->insn_emulation = b.v[LS_INSN_EMULATION] - a.v[LS_INSN_EMULATION];
	/* The `out` that ends a pass may be emulated (it is on kvm_pvm):
	 * one emulated instruction per pass is the guest's own doing. */
	if (r.passes != 1 || c->pf_fixed != p->calib_pages ||
	    c->insn_emulation > 1) {
		snprintf(why, len,
			 "not measurable here: touching %llu fresh pages gave "
			 "pf_fixed %llu and insn_emulation %llu (expected %llu "
			 "and at most 1: the guest does not fault like a "
			 "natively run one)",
			 (unsigned long long)p->calib_pages,
			 (unsigned long long)c->pf_fixed,
			 (unsigned long long)c->insn_emulation,
			 (unsigned long long)p->calib_pages);
		live_setup_free(&s);
		return 1;
	}
	if (live_setup_run(&s, QUIET_SECONDS, false, &quiet, err,
			   sizeof(err)) < 0) {
		snprintf(why, len, "not measurable here: %.200s", err);
		live_setup_free(&s);
		return 1;
	}
	c->quiet_faults = quiet.faults;
	c->quiet_retries = quiet.retries;
	live_setup_free(&s);
	return 0;
}

/* ---- the rounds --------------------------------------------------------- */

int live_measure_case(int kvm_fd, const struct live_params *p,
		      enum live_layout l, int inval_cpu,
		      struct live_sample *out, char *err, size_t len)
{
	struct live_setup s;
	int rc;

	rc = live_setup_build(&s, kvm_fd, p, l, p->pages, err, len);
	s.inval_cpu = inval_cpu;
	if (rc == 0)
		rc = live_setup_warm_up(&s, err, len);
	if (rc == 0)
		rc = live_setup_run(&s, p->seconds, true, out, err, len);
	live_setup_free(&s);
	return rc;
}

static void summarise_timing(struct live_report *rep)
{
	const struct live_case *c = &rep->cases[LL_CONTROL];
	double f[LIVE_MAX_RUNS], d[LIVE_MAX_RUNS], y[LIVE_MAX_RUNS];

	for (uint64_t i = 0; i < c->n; i++) {
		const struct live_sample *s = &c->s[i];

		f[i] = s->faults ? s->seconds * 1e6 / (double)s->faults : NAN;
		d[i] = s->drop_us;
		y[i] = s->invalidations ? s->seconds * 1e6 /
						  (double)s->invalidations : NAN;
	}
	rep->timing.fault_us = live_median(f, c->n);
	rep->timing.drop_us = live_median(d, c->n);
	rep->timing.cycle_us = live_median(y, c->n);
}

static void summarise(struct live_report *rep)
{
	double v[LIVE_MAX_RUNS], paired[LIVE_MAX_RUNS];
	size_t np = 0;

	for (int l = 0; l < LL_COUNT; l++) {
		struct live_case *c = &rep->cases[l];

		if (!rep->measured[l])
			continue;
		for (uint64_t i = 0; i < c->n; i++)
			v[i] = c->s[i].per_fault;
		c->median = live_median(v, c->n);
		live_range(v, c->n, &c->min, &c->max);
	}
	rep->ratio = rep->cases[LL_CONTROL].median > 0
		? rep->cases[LL_ALIAS].median / rep->cases[LL_CONTROL].median
		: NAN;
	/* Rounds are interleaved, so the two runs of one round saw the same
	 * machine: their ratio shows how much the load moved the figure. */
	for (uint64_t i = 0; i < rep->cases[LL_ALIAS].n &&
			     i < rep->cases[LL_CONTROL].n; i++)
		if (rep->cases[LL_CONTROL].s[i].per_fault > 0)
			paired[np++] = rep->cases[LL_ALIAS].s[i].per_fault /
				       rep->cases[LL_CONTROL].s[i].per_fault;
	live_range(paired, np, &rep->ratio_min, &rep->ratio_max);
	summarise_timing(rep);
}

/* The caller's CPU mask while live_threads_place() has it pinned. */
static cpu_set_t saved_mask;

void live_threads_place(int *vcpu_cpu, int *inval_cpu)
{
	cpu_set_t one;
	int found = 0;

	*vcpu_cpu = *inval_cpu = -1;
	if (sched_getaffinity(0, sizeof(saved_mask), &saved_mask) < 0)
		return;
	for (int c = 0; c < CPU_SETSIZE && found < 2; c++) {
		if (!CPU_ISSET(c, &saved_mask))
			continue;
		if (found++ == 0)
			*vcpu_cpu = c;
		else
			*inval_cpu = c;
	}
	if (found < 2) {
		*vcpu_cpu = -1;
		return;
	}
	CPU_ZERO(&one);
	CPU_SET(*vcpu_cpu, &one);
	sched_setaffinity(0, sizeof(one), &one);
}

void live_threads_restore(int vcpu_cpu)
{
	if (vcpu_cpu >= 0)
		sched_setaffinity(0, sizeof(saved_mask), &saved_mask);
}

int live_measure(const struct live_params *p, struct live_report *rep,
		 char *err, size_t len)
{
	int kvm_fd, rc = 0, n_layouts = p->plain ? LL_COUNT : 2;
	double t0 = live_now_seconds();

	memset(rep, 0, sizeof(*rep));
	rep->vcpu_cpu = rep->inval_cpu = -1;
	rep->params = *p;
	rep->ratio = rep->ratio_min = rep->ratio_max = NAN;
	kvm_fd = live_kvm_open(p->device, rep->skipped, sizeof(rep->skipped));
	if (kvm_fd < 0)
		return 0;
	rc = live_calibrate(kvm_fd, p, &rep->calib, rep->skipped,
		       sizeof(rep->skipped));
	if (rc != 0) {
		close(kvm_fd);
		rep->seconds = live_now_seconds() - t0;
		return rc < 0 ? -1 : 0;
	}
	live_threads_place(&rep->vcpu_cpu, &rep->inval_cpu);
	for (uint64_t r = 0; r < p->runs && rc == 0 && !rep->truncated; r++) {
		for (int i = 0; i < n_layouts && rc == 0; i++) {
			/* Odd rounds run the layouts in reverse, so a drift
			 * in the machine's load favours neither. */
			int l = r % 2 ? n_layouts - 1 - i : i;
			struct live_case *c = &rep->cases[l];

			if (live_now_seconds() - t0 + p->seconds > DEADLINE_SECONDS) {
				rep->truncated = true;
				break;
			}
			rc = live_measure_case(kvm_fd, p, (enum live_layout)l,
					  rep->inval_cpu, &c->s[c->n], err, len);
			if (rc == 0) {
				c->n++;
				rep->measured[l] = true;
			}
		}
	}
	live_threads_restore(rep->vcpu_cpu);
	close(kvm_fd);
	summarise(rep);
	rep->seconds = live_now_seconds() - t0;
	return rc;
}
