/* The scenarios of `bench explore`, and the scripted workload that feeds
 * their actors. Slots are 2 pages so that an invalidation can cover part of a
 * slot, as real ones do; everything else is as small as the point allows,
 * because the state space grows with every page and actor. */
#include "explore/scenario.h"

#include <stdio.h>
#include <string.h>

#define SHARED(as, gfn, n, host) \
	{ .as_id = (as), .private_mem = false, .base_gfn = (gfn), \
	  .npages = (n), .host_base = (host) }
#define PRIVATE(as, gfn, n, host) \
	{ .as_id = (as), .private_mem = true, .base_gfn = (gfn), \
	  .npages = (n), .host_base = (host) }
#define NOTIFIER(hs, he) \
	{ .kind = INVAL_NOTIFIER, .start = (hs), .end = (he), .phase2_steps = 1 }
#define GMEM(as, gs, ge) \
	{ .kind = INVAL_GMEM, .as_id = (as), .start = (gs), .end = (ge), \
	  .phase2_steps = 1 }

/* The review's case: one hva invalidation crossing two adjacent slots. */
static const struct scenario multislot = {
	.name = "multislot",
	.description = "slot 0 = gfn [0,2) on hva [0,2), slot 1 = gfn [2,4) on hva [2,4); "
		       "vcpu0 faults gfn 1 (slot 0); inval0 = notifier on hva [1,3)",
	.shows = "gfn: the range keeps only slot 1's [2,3), so the fault in slot 0 installs a stale SPTE",
	.n_as = 1,
	.n_slots = 2,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 2, 2, 2) },
	.n_vcpus = 1,
	.n_faults = { 1 },
	.faults = { { { .slot = 0, .gfn = 1 } } },
	.n_invals = 1,
	.n_inval_plans = { 1 },
	.invals = { { NOTIFIER(1, 3) } },
};

/* Aliasing: A and B share host memory far apart in gfn; M in between has its
 * own. The fault in B must retry (its page is being invalidated through A's
 * alias too); the one in M must not need to. */
static const struct scenario alias = {
	.name = "alias",
	.description = "A = gfn [0,2) and B = gfn [16,18) both on hva [0,2), M = gfn [8,10) on hva [2,4); "
		       "vcpu0 faults gfn 16 (B), vcpu1 faults gfn 8 (M); inval0 = notifier on hva [0,2)",
	.shows = "no tracker may miss B's fault; union's range spans the gap and retries M spuriously",
	.n_as = 1,
	.n_slots = 3,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 8, 2, 2), SHARED(0, 16, 2, 0) },
	.n_vcpus = 2,
	.n_faults = { 1, 1 },
	.faults = { { { .slot = 2, .gfn = 16 } }, { { .slot = 1, .gfn = 8 } } },
	.n_invals = 1,
	.n_inval_plans = { 1 },
	.invals = { { NOTIFIER(0, 2) } },
};

/* Nesting: in_progress reaches 2, and the first end must not lose the
 * second's range (the seq bump alone does not protect a fault that read seq
 * after that end). */
static const struct scenario concurrent = {
	.name = "concurrent",
	.description = "slot 0 = gfn [0,2) on hva [0,2), slot 1 = gfn [2,4) on hva [2,4); "
		       "vcpu0 faults gfn 1; inval0 = notifier on hva [0,2), inval1 = notifier on hva [1,3)",
	.shows = "nested invalidations (in_progress 2): safe trackers keep every range until the last end",
	.n_as = 1,
	.n_slots = 2,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 2, 2, 2) },
	.n_vcpus = 1,
	.n_faults = { 1 },
	.faults = { { { .slot = 0, .gfn = 1 } } },
	.n_invals = 2,
	.n_inval_plans = { 1, 1 },
	.invals = { { NOTIFIER(0, 2) }, { NOTIFIER(1, 3) } },
};

/* guest_memfd: no hva, so the hva tracker can only retry everything. The
 * shared slot's fault shows that cost; the private fault must never miss. */
static const struct scenario private_ = {
	.name = "private",
	.description = "P = private gfn [0,2), S = shared gfn [2,4) on hva [2,4); "
		       "vcpu0 faults gfn 1 (P), vcpu1 faults gfn 2 (S); inval0 = guest_memfd hole punch of gfn [0,2)",
	.shows = "the private fault never installs a stale page; hva retries the shared fault too (whole-space range)",
	.n_as = 1,
	.n_slots = 2,
	.slots = { PRIVATE(0, 0, 2, 0), SHARED(0, 2, 2, 2) },
	.n_vcpus = 2,
	.n_faults = { 1, 1 },
	.faults = { { { .slot = 0, .gfn = 1 } }, { { .slot = 1, .gfn = 2 } } },
	.n_invals = 1,
	.n_inval_plans = { 1 },
	.invals = { { GMEM(0, 0, 2) } },
};

/* x86 SMM: every slot mirrored in address space 1. The walk adds AS 0's
 * ranges, then AS 1's, under one begin: with the v12 patch only AS 1's last
 * slot survives, so both the normal and the SMM vCPU can miss. */
static const struct scenario smm = {
	.name = "smm",
	.description = "as0 and as1 each: gfn [0,2) on hva [0,2), gfn [2,4) on hva [2,4); "
		       "vcpu0 faults as0 gfn 1, vcpu1 faults as1 gfn 1; inval0 = notifier on hva [1,3)",
	.shows = "gfn: four range_adds under one begin, only as1's last survives; safe trackers hold for both address spaces",
	.n_as = 2,
	.n_slots = 4,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 2, 2, 2), SHARED(1, 0, 2, 0),
		   SHARED(1, 2, 2, 2) },
	.n_vcpus = 2,
	.n_faults = { 1, 1 },
	.faults = { { { .slot = 0, .gfn = 1 } }, { { .slot = 2, .gfn = 1 } } },
	.n_invals = 1,
	.n_inval_plans = { 1 },
	.invals = { { NOTIFIER(1, 3) } },
};

/* The largest world here: every actor does two things, so faults meet the
 * second invalidation after retrying on the first, seq moves more than once,
 * and vCPUs race each other. It exists for depth and for a states/s figure
 * that is not dominated by setup; the small scenarios above are the
 * explanations. */
static const struct scenario nested = {
	.name = "nested",
	.description = "slots gfn [0,2), [2,4), [4,6) on hva [0,6); vcpu0 faults gfn 1 then 4, vcpu1 faults gfn 2; "
		       "inval0 = notifier hva [1,3) then [4,5), inval1 = notifier hva [3,5)",
	.shows = "faults that retry into a second, nested invalidation: gfn misses, the others never",
	.n_as = 1,
	.n_slots = 3,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 2, 2, 2), SHARED(0, 4, 2, 4) },
	.n_vcpus = 2,
	.n_faults = { 2, 1 },
	.faults = { { { .slot = 0, .gfn = 1 }, { .slot = 2, .gfn = 4 } },
		    { { .slot = 1, .gfn = 2 } } },
	.n_invals = 2,
	.n_inval_plans = { 2, 1 },
	.invals = { { NOTIFIER(1, 3), NOTIFIER(4, 5) },
		    { NOTIFIER(3, 5) } },
};

/* More ranges in flight than a bounded tracker keeps apart: one notifier
 * reaches four aliases of one host range (four range_adds under one begin)
 * while a second one invalidates the slot in the middle. A tracker with K
 * ranges must merge or spill here, and what it merged or spilled must stay
 * covered until its owner ends, however the two ends interleave. */
static const struct scenario overflow = {
	.name = "overflow",
	.description = "A0..A3 = gfn [0,2), [8,10), [16,18), [24,26) all on hva [0,2), M = gfn [12,14) on hva [2,4); "
		       "vcpu0 faults gfn 24 (A3), vcpu1 faults gfn 12 (M); inval0 = notifier on hva [0,2), inval1 = notifier on hva [2,4)",
	.shows = "bounded trackers overflow (merge or spill) and must still cover A3 until inval0 ends",
	.n_as = 1,
	.n_slots = 5,
	.slots = { SHARED(0, 0, 2, 0), SHARED(0, 8, 2, 0), SHARED(0, 12, 2, 2),
		   SHARED(0, 16, 2, 0), SHARED(0, 24, 2, 0) },
	.n_vcpus = 2,
	.n_faults = { 1, 1 },
	.faults = { { { .slot = 4, .gfn = 24 } }, { { .slot = 2, .gfn = 12 } } },
	.n_invals = 2,
	.n_inval_plans = { 1, 1 },
	.invals = { { NOTIFIER(0, 2) }, { NOTIFIER(2, 4) } },
};

const struct scenario *const scenarios[] = {
	&multislot, &alias, &concurrent, &private_, &smm, &nested, &overflow, NULL,
};

const char *const *scenario_names(void)
{
	static const char *names[ARRAY_SIZE(scenarios)];

	if (!names[0])
		for (size_t i = 0; scenarios[i]; i++)
			names[i] = scenarios[i]->name;
	return names;
}

const struct scenario *scenario_find(const char *name)
{
	for (size_t i = 0; scenarios[i]; i++)
		if (strcmp(scenarios[i]->name, name) == 0)
			return scenarios[i];
	return NULL;
}

/* The script position is the actor's rng word: the workload owns it, and
 * keeping it in the actor makes it part of the explored state. */
static bool script_next_fault(const struct workload *wl, struct actor *a,
			      struct fault_plan *out)
{
	const struct scenario *sc = wl->ctx;
	uint32_t v = a->id;

	if (v >= sc->n_vcpus || a->rng >= sc->n_faults[v])
		return false;
	*out = sc->faults[v][a->rng++];
	return true;
}

static bool script_next_inval(const struct workload *wl, struct actor *a,
			      struct inval_plan *out)
{
	const struct scenario *sc = wl->ctx;
	uint32_t i = a->id - sc->n_vcpus;

	if (a->id < sc->n_vcpus || i >= sc->n_invals ||
	    a->rng >= sc->n_inval_plans[i])
		return false;
	*out = sc->invals[i][a->rng++];
	return true;
}

int scenario_build(const struct scenario *sc, struct scenario_world *w,
		   char *err, size_t errlen)
{
	char why[256];

	memset(w, 0, sizeof(*w));
	w->sc = sc;
	w->layout.n_as = sc->n_as;
	w->layout.n_slots = sc->n_slots;
	memcpy(w->layout.slots, sc->slots, sizeof(sc->slots));
	if (vm_layout_finish(&w->layout, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "scenario %s: %s", sc->name, why);
		return -1;
	}
	w->wl.next_fault = script_next_fault;
	w->wl.next_inval = script_next_inval;
	w->wl.ctx = (void *)sc;
	w->n_actors = sc->n_vcpus + sc->n_invals;
	return 0;
}

void scenario_init_actors(const struct scenario_world *w, struct actor *actors)
{
	const struct scenario *sc = w->sc;

	memset(actors, 0, sizeof(*actors) * w->n_actors);
	for (uint32_t i = 0; i < w->n_actors; i++) {
		if (i < sc->n_vcpus)
			actor_init_vcpu(&actors[i], i, 0);
		else
			actor_init_invalidator(&actors[i], i, 0);
		actors[i].rng = 0; /* script position, not a random stream */
	}
}

void scenario_actor_name(const struct scenario_world *w, uint32_t actor,
			 char *buf, size_t len)
{
	if (actor < w->sc->n_vcpus)
		snprintf(buf, len, "vcpu%u", actor);
	else
		snprintf(buf, len, "inval%u", actor - w->sc->n_vcpus);
}
