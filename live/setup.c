#include "live/setup.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "live/clock.h"
#include "live/invalidator.h"

#define PAGE 4096ULL

static void *setup_mem(struct live_setup *s, int i, uint64_t npages,
		       bool memfd)
{
	return live_mem_alloc(&s->mem[i], npages, memfd) == 0 ? s->mem[i].p
							      : NULL;
}

/* The host thread invalidates npages from p, inside mem[i]. */
static void set_inval(struct live_setup *s, void *p, uint64_t npages, int i)
{
	s->inval = s->mem[i];
	s->inval.p = p;
	s->inval.npages = npages;
}

void live_setup_free(struct live_setup *s)
{
	if (s->vm_live)
		live_vm_destroy(&s->vm);
	for (int i = 0; i < LIVE_SETUP_MAX_MEM; i++)
		if (s->mem[i].p)
			live_mem_free(&s->mem[i]);
	memset(s, 0, sizeof(*s));
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The slots of one layout; calibration uses the single layout without an
 * invalidator. */
int live_setup_build(struct live_setup *s, int kvm_fd,
		     const struct live_params *p, enum live_layout l,
		     uint64_t loop_pages, char *err, size_t len)
{
	struct live_alias_gfns g;
	struct live_vm *vm = &s->vm;
	uint64_t k = p->slots, per = loop_pages / (k ? k : 1);
	uint64_t ak = p->a_slots ? p->a_slots : 1, aper = p->inval_pages / ak;
	void *a, *b;

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < LIVE_SETUP_MAX_MEM; i++)
		s->mem[i].fd = -1;
	if (live_vm_create(vm, kvm_fd, err, len) < 0) {
		live_vm_destroy(vm);
		return -1;
	}
	s->vm_live = true;
	s->inval_cpu = -1;
	s->loop_pages = loop_pages;
	s->inval_touch = p->inval_touch;
	s->inval_gap_us = p->inval_gap_us;
	s->mech = LM_DONTNEED;
	switch (l) {
	case LL_ALIAS:
	case LL_CONTROL:
		live_alias_gfns(p, &g);
		s->mech = p->mech;
		a = setup_mem(s, 0, p->inval_pages, live_mech_memfd(p->mech));
		s->loop_mem = setup_mem(s, 1, loop_pages, false);
		/* The control differs in one thing only: B's memory. */
		b = l == LL_ALIAS ? a
				  : setup_mem(s, 2, p->inval_pages,
					      live_mech_memfd(p->mech));
		if (!a || !b || !s->loop_mem)
			goto oom;
		s->loop_gfn = g.m;
		set_inval(s, a, p->inval_pages, 0);
		/* A as a_slots adjacent memslots: one invalidation crosses
		 * them all (one range_add each, one union). */
		for (uint64_t i = 0; i < ak; i++)
			if (live_vm_add_slot(vm, g.a + i * aper, aper,
					     (char *)a + i * aper * PAGE, err,
					     len) < 0)
				return -1;
		if (live_vm_add_slot(vm, g.m, loop_pages, s->loop_mem, err,
				     len) < 0 ||
		    live_vm_add_slot(vm, g.b, p->inval_pages, b, err, len) < 0)
			return -1;
		break;
	case LL_SINGLE:
		s->loop_mem = setup_mem(s, 0, loop_pages, false);
		if (!s->loop_mem)
			goto oom;
		s->loop_gfn = LIVE_FIRST_GFN;
		set_inval(s, s->loop_mem, min_u64(p->inval_pages, loop_pages), 0);
		if (live_vm_add_slot(vm, s->loop_gfn, loop_pages, s->loop_mem,
				     err, len) < 0)
			return -1;
		break;
	case LL_MULTISLOT:
		/* K slots adjacent in gfn and hva space, one mapping; the
		 * invalidated window starts half a slot in, so it crosses
		 * slot boundaries. */
		s->loop_mem = setup_mem(s, 0, loop_pages, false);
		if (!s->loop_mem)
			goto oom;
		s->loop_gfn = LIVE_FIRST_GFN;
		set_inval(s, (char *)s->loop_mem + per / 2 * PAGE,
			  min_u64(p->inval_pages, loop_pages - per / 2), 0);
		for (uint64_t i = 0; i < k; i++)
			if (live_vm_add_slot(vm, LIVE_FIRST_GFN + i * per, per,
					     (char *)s->loop_mem + i * per * PAGE,
					     err, len) < 0)
				return -1;
		break;
	default:
		snprintf(err, len, "unknown layout %d", (int)l);
		return -1;
	}
	return live_vm_set_loop(vm, s->loop_gfn, loop_pages, err, len);
oom:
	snprintf(err, len, "out of memory for the guest's slots");
	return -1;
}

void live_setup_drop_loop(void *arg)
{
	struct live_setup *s = arg;
	uint64_t t0 = live_now_ns();

	live_zap(s->loop_mem, s->loop_pages);
	s->hook_ns += live_now_ns() - t0;
}

/* One pass, so the code page and the loop's first faults are behind us and
 * every later pass starts on dropped pages. */
int live_setup_warm_up(struct live_setup *s, char *err, size_t len)
{
	struct live_run_result r;

	if (live_vm_run(&s->vm, LIVE_WARM_SECONDS, 1, live_setup_drop_loop, s,
			&r, err, len) < 0)
		return -1;
	if (r.passes != 1) {
		snprintf(err, len, "one guest pass of %llu pages took over %g s",
			 (unsigned long long)s->loop_pages, LIVE_WARM_SECONDS);
		return -1;
	}
	return 0;
}

static uint64_t retries_of(const struct live_counters *a,
			   const struct live_counters *b)
{
	uint64_t taken = b->v[LS_PF_TAKEN] - a->v[LS_PF_TAKEN];
	uint64_t done = (b->v[LS_PF_FIXED] - a->v[LS_PF_FIXED]) +
			(b->v[LS_PF_EMULATE] - a->v[LS_PF_EMULATE]) +
			(b->v[LS_PF_SPURIOUS] - a->v[LS_PF_SPURIOUS]);

	return taken > done ? taken - done : 0;
}

/* Runs a built setup for `seconds`, with the invalidator when it has one. */
int live_setup_run(struct live_setup *s, double seconds, bool invalidate,
		   struct live_sample *out, char *err, size_t len)
{
	struct live_counters a, b;
	struct live_run_result r;
	struct live_invalidator inv = { .mem = &s->inval,
					.mech = s->mech,
					.touch = s->inval_touch,
					.gap_us = s->inval_gap_us,
					.cpu = s->inval_cpu };
	double t0;
	int rc;

	memset(out, 0, sizeof(*out));
	if (live_vm_counters(&s->vm, &a) < 0) {
		snprintf(err, len, "cannot read the vCPU stats");
		return -1;
	}
	if (invalidate && live_invalidator_start(&inv) < 0) {
		snprintf(err, len, "cannot start the invalidating thread");
		return -1;
	}
	s->hook_ns = 0;
	t0 = live_now_seconds();
	rc = live_vm_run(&s->vm, seconds, UINT64_MAX, live_setup_drop_loop, s,
			 &r, err, len);
	out->seconds = live_now_seconds() - t0;
	out->hook_seconds = (double)s->hook_ns * 1e-9;
	if (invalidate)
		live_invalidator_stop(&inv);
	if (rc < 0)
		return -1;
	if (invalidate && inv.error) {
		snprintf(err, len, "the host's %s invalidation failed: %s",
			 live_mech_names[s->mech], strerror(inv.error));
		return -1;
	}
	if (live_vm_counters(&s->vm, &b) < 0) {
		snprintf(err, len, "cannot read the vCPU stats");
		return -1;
	}
	out->faults = b.v[LS_PF_FIXED] - a.v[LS_PF_FIXED];
	out->retries = retries_of(&a, &b);
	out->passes = r.passes;
	out->invalidations = inv.count;
	out->drop_us = inv.count ? (double)inv.drop_ns / (double)inv.count / 1e3
				 : NAN;
	out->emulated = b.v[LS_INSN_EMULATION] - a.v[LS_INSN_EMULATION];
	out->per_fault = out->faults ? (double)out->retries /
					       (double)out->faults : NAN;
	return 0;
}
