/* The deterministic engine's exact counts: safety of hva/union/exact on
 * every pattern, the v12 bug on multislot, the costs the review predicted,
 * and reproducibility. Counts are exact under a seeded schedule, so these
 * assertions are stable on any machine. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine/sim.h"
#include "model/registry.h"
#include "util/rng.h"

#define STEPS 400000

static struct sim_result run(int pattern, const char *tracker, uint64_t seed,
			     void (*tweak)(struct pattern_params *))
{
	struct pattern_params p;
	struct pattern_world w;
	struct sim_options o = { .steps = STEPS };
	struct sim_result r;
	char err[256];

	pattern_defaults(pattern, &p);
	p.seed = seed;
	if (tweak)
		tweak(&p);
	if (pattern == PAT_NUMA)
		o.steps = 4 * STEPS; /* rare invalidations need longer */
	check_seed = seed;
	if (pattern_build(&p, &w, err, sizeof(err)) < 0 ||
	    sim_run(&w, tracker_find(tracker), &o, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "setup failed: %s\n", err);
		exit(1);
	}
	pattern_world_free(&w);
	return r;
}

#define MAX_SAFE 64

/* Every registered tracker but those kept to show a bug: a new tracker is
 * held to the same standard without editing this file. */
static size_t safe_trackers(const char *out[MAX_SAFE])
{
	size_t n = 0;

	for (size_t i = 0; i < tracker_registry_len && n < MAX_SAFE; i++)
		if (!tracker_registry[i]->expected_unsafe)
			out[n++] = tracker_registry[i]->name;
	return n;
}

static void test_safe_trackers_never_miss(void)
{
	const char *safe[MAX_SAFE];
	size_t n_safe = safe_trackers(safe);

	for (int pat = 0; pat < PAT_COUNT; pat++) {
		for (size_t t = 0; t < n_safe; t++) {
			for (uint64_t seed = 1; seed <= 3; seed++) {
				struct sim_result r = run(pat, safe[t], seed, NULL);

				CHECK(r.stats.fn == 0 && r.stale_sptes == 0,
				      "%s on %s: fn %llu stale %llu", safe[t],
				      pattern_names[pat], (unsigned long long)r.stats.fn,
				      (unsigned long long)r.stale_sptes);
				CHECK(r.stats.faults > 0, "%s on %s made no progress",
				      safe[t], pattern_names[pat]);
				/* Every retry is classified exactly once. */
				CHECK_EQ_U64(r.stats.tp + r.stats.fp_range + r.stats.fp_seq,
					     r.stats.retries, "tp+fp == retries");
				CHECK_EQ_U64(r.stats.retries_range + r.stats.retries_seq,
					     r.stats.retries, "range+seq == retries");
				CHECK(r.warnings_total == 0, "%s on %s: %llu warnings",
				      safe[t], pattern_names[pat],
				      (unsigned long long)r.warnings_total);
			}
		}
	}
}

static void test_v12_misses_multislot(void)
{
	for (uint64_t seed = 1; seed <= 3; seed++) {
		struct sim_result r = run(PAT_MULTISLOT, "gfn", seed, NULL);

		CHECK(r.stats.fn > 0, "gfn on multislot: no false negative");
		/* The audit agrees in kind: stale SPTEs were installed. */
		CHECK(r.stale_sptes > 0, "gfn on multislot: audit found nothing");
		CHECK(r.stale_sptes <= r.stats.fn,
		      "audit %llu > fn %llu: a stale SPTE without a missed check",
		      (unsigned long long)r.stale_sptes,
		      (unsigned long long)r.stats.fn);
	}
}

static void one_slot(struct pattern_params *p) { p->slots = 1; }

static void test_v12_safe_on_one_slot(void)
{
	struct sim_result r = run(PAT_MULTISLOT, "gfn", 1, one_slot);

	CHECK_EQ_U64(r.stats.fn, 0, "gfn with K=1 must be safe");
}

static void test_alias_costs(void)
{
	struct sim_result u = run(PAT_ALIAS, "union", 1, NULL);
	struct sim_result h = run(PAT_ALIAS, "hva", 1, NULL);
	struct sim_result e = run(PAT_ALIAS, "exact", 1, NULL);

	CHECK(u.stats.fp_range > 0, "union on alias: no range false positive");
	CHECK_EQ_U64(h.stats.fp_range, 0, "hva fp_range on alias");
	CHECK_EQ_U64(e.stats.fp_range, 0, "exact fp_range on alias");
}

static void test_private_costs(void)
{
	struct sim_result u = run(PAT_PRIVATE, "union", 1, NULL);
	struct sim_result h = run(PAT_PRIVATE, "hva", 1, NULL);

	CHECK(h.stats.fp_range > u.stats.fp_range,
	      "private: hva fp_range %llu not above union %llu",
	      (unsigned long long)h.stats.fp_range,
	      (unsigned long long)u.stats.fp_range);
}

static int same_counts(const struct sim_result *a, const struct sim_result *b)
{
	return memcmp(&a->stats, &b->stats, sizeof(a->stats)) == 0 &&
	       a->stale_sptes == b->stale_sptes;
}

static void test_reproducible(void)
{
	for (int pat = 0; pat < PAT_COUNT; pat++) {
		struct sim_result a = run(pat, "union", 7, NULL);
		struct sim_result b = run(pat, "union", 7, NULL);
		struct sim_result c = run(pat, "union", 8, NULL);

		CHECK(same_counts(&a, &b), "%s: same seed, different counts",
		      pattern_names[pat]);
		CHECK(!same_counts(&a, &c), "%s: another seed, same counts",
		      pattern_names[pat]);
		sim_result_free(&a);
		sim_result_free(&b);
		sim_result_free(&c);
	}
}

static void smm(struct pattern_params *p) { p->address_spaces = 2; }

static void test_smm(void)
{
	struct sim_result u = run(PAT_SINGLE, "union", 1, smm);
	struct sim_result g = run(PAT_SINGLE, "gfn", 1, smm);

	CHECK_EQ_U64(u.stats.fn, 0, "union with two address spaces");
	/* SMM mirrors the slots at the same gfns, so the two range_adds of
	 * one notifier are equal and the posted patch's override loses
	 * nothing: two address spaces alone do not expose the bug. */
	CHECK_EQ_U64(g.stats.fn, 0, "gfn with two mirrored address spaces");
	CHECK(u.stats.faults > 0 && g.stats.faults > 0, "no progress with SMM");

	/* Every pattern with two address spaces: the safe trackers stay safe
	 * (private memory is per address space, as guest_memfd is bound to
	 * one memslot). */
	const char *safe[MAX_SAFE];
	size_t n_safe = safe_trackers(safe);

	for (int pat = 0; pat < PAT_COUNT; pat++)
		for (size_t t = 0; t < n_safe; t++) {
			struct sim_result r = run(pat, safe[t], 2, smm);

			CHECK(r.stats.fn == 0 && r.stale_sptes == 0,
			      "%s on %s with SMM: fn %llu stale %llu", safe[t],
			      pattern_names[pat], (unsigned long long)r.stats.fn,
			      (unsigned long long)r.stale_sptes);
			sim_result_free(&r);
		}
}

/* Present SPTEs of slot k, by asking the map gfn by gfn. */
static uint64_t present_in(const struct vm *vm, uint32_t k)
{
	const struct memslot *s = &vm->layout->slots[k];
	uint64_t n = 0;
	uint32_t v;

	for (uint64_t g = s->base_gfn; g < s->base_gfn + s->npages; g++)
		n += vm_spte_get(vm, s, g, &v);
	return n;
}

static void skip_present_off(struct pattern_params *p) { p->skip_present = false; }

/* The pattern's world with 64-page slots (aliases 256 pages apart on
 * mixed), small enough to check page by page after every step. */
static int small_world(int pattern, void (*tweak)(struct pattern_params *),
		       struct pattern_world *w, char *err, size_t errlen)
{
	struct pattern_params p;

	pattern_defaults(pattern, &p);
	p.slot_pages = 64;
	if (tweak)
		tweak(&p);
	if (pattern == PAT_MIXED)
		p.alias_distance = 256;
	return pattern_build(&p, w, err, errlen);
}

/* The world's actors, vCPUs first, at their start; returns how many. */
static uint32_t start_actors(struct actor *a, const struct pattern_world *w)
{
	uint32_t n = w->n_vcpus + w->n_invalidators;

	for (uint32_t i = 0; i < n; i++) {
		if (i < w->n_vcpus)
			actor_init_vcpu(&a[i], i, w->params.seed);
		else
			actor_init_invalidator(&a[i], i, w->params.seed);
	}
	return n;
}

/* The per-slot flags zaps skip empty slots by (model/vm.h): after every
 * step of a seeded run on a single thread (installs, replacements, zaps
 * that yield, gfn zaps, conversions, guest_memfd punches, two address
 * spaces) a slot with a present SPTE has its flag set; after a page image
 * is loaded into another VM (the explorer's path) the flag is exactly
 * whether the slot holds one. test_slot_flag_clears: when it clears. */
static void test_slot_flags(void)
{
	struct {
		int pattern;
		void (*tweak)(struct pattern_params *);
	} cases[] = { { PAT_MULTISLOT, NULL }, { PAT_MIXED, NULL },
		      { PAT_MIXED, smm }, { PAT_PRIVATE, skip_present_off } };

	check_seed = 0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct pattern_world w;
		struct actor actors[8];
		struct actor_stats st;
		struct step_env env;
		struct vm vm, copy;
		char err[256];
		uint64_t rng = 99, *img;
		uint32_t n, bad = 0;

		if (small_world(cases[c].pattern, cases[c].tweak, &w, err,
				sizeof(err)) < 0 ||
		    vm_init(&vm, &w.layout, tracker_find("union")) < 0 ||
		    vm_init(&copy, &w.layout, tracker_find("union")) < 0) {
			CHECK_FAIL("setup: %s", err);
			return;
		}
		n = start_actors(actors, &w);
		pattern_step_env(&w, &vm, &env);
		memset(&st, 0, sizeof(st));
		for (uint32_t step = 0; step < 20000 && !bad; step++) {
			actor_step(&actors[rng_below(&rng, n)], &env, &st, NULL);
			for (uint32_t k = 0; k < w.layout.n_slots; k++) {
				bool held = present_in(&vm, k) != 0;

				bad += held && !vm.slot_may_hold[k];
			}
		}
		CHECK_EQ_U64(bad, 0, "%s: a slot with a present SPTE had its flag clear",
			     pattern_names[cases[c].pattern]);
		CHECK(st.faults > 100 && st.invalidations > 10, "%s: no progress",
		      pattern_names[cases[c].pattern]);
		img = calloc(vm_image_words(&w.layout), sizeof(*img));
		vm_save_pages(&vm, img);
		vm_load_pages(&copy, img);
		for (uint32_t k = 0; k < w.layout.n_slots; k++)
			CHECK_EQ_U64(copy.slot_may_hold[k], present_in(&vm, k) != 0,
				     "%s: slot %u after vm_load_pages",
				     pattern_names[cases[c].pattern], k);
		free(img);
		vm_destroy(&copy);
		vm_destroy(&vm);
		pattern_world_free(&w);
	}
}

/* A zap that leaves the whole slot empty clears its flag; a zap of part
 * of it, or one that stops early, leaves the flag set; the next install
 * sets it again. */
static void test_slot_flag_clears(void)
{
	struct pattern_world w;
	struct spte_cursor c;
	const struct memslot *s;
	uint64_t zapped, next;
	uint32_t old;
	struct vm vm;
	char err[256];

	if (small_world(PAT_SINGLE, NULL, &w, err, sizeof(err)) < 0 ||
	    vm_init(&vm, &w.layout, tracker_find("union")) < 0) {
		CHECK_FAIL("setup: %s", err);
		return;
	}
	s = &w.layout.slots[0];
	for (uint64_t g = s->base_gfn; g < s->base_gfn + 4; g++)
		vm_spte_set(&vm, s, g, &c, vm_track_version(&vm, s, g, &c), &old);
	CHECK(vm.slot_may_hold[0], "installs set the flag");
	vm_zap_sptes(&vm, s, s->base_gfn, s->base_gfn + 2, UINT64_MAX, &zapped, &next);
	CHECK(zapped == 2 && vm.slot_may_hold[0], "a zap of part of the slot keeps it");
	vm_zap_sptes(&vm, s, s->base_gfn, s->base_gfn + s->npages, 1, &zapped, &next);
	CHECK(zapped == 1 && vm.slot_may_hold[0], "a zap that stops early keeps it");
	vm_zap_sptes(&vm, s, s->base_gfn, s->base_gfn + s->npages, UINT64_MAX,
		     &zapped, &next);
	CHECK(zapped == 1 && !vm.slot_may_hold[0], "a zap that empties the slot clears it");
	CHECK_EQ_U64(next, s->base_gfn + s->npages, "nothing left");
	vm_spte_set(&vm, s, s->base_gfn + 9, &c,
		    vm_track_version(&vm, s, s->base_gfn + 9, &c), &old);
	CHECK(vm.slot_may_hold[0], "an install after it sets it again");
	vm_destroy(&vm);
	pattern_world_free(&w);
}

/* One access of a through actor_step(), a step per call: the reference
 * actor_vcpu_run() must match. */
static uint64_t access_by_steps(struct actor *a, const struct step_env *env,
				struct actor_stats *st, uint64_t accesses)
{
	uint64_t done;

	for (done = 0; done < accesses; done++) {
		if (!actor_step(a, env, st, NULL))
			break;
		while (a->pc != VCPU_READ_SEQ && a->pc != VCPU_DONE)
			actor_step(a, env, st, NULL);
	}
	return done;
}

/* The same state twice, but for the cursor: a cache into its own VM's map
 * (model/spte_map.h), which the explorer drops too. */
static bool same_actor(const struct actor *x, const struct actor *y)
{
	struct actor a = *x, b = *y;

	memset(&a.cur, 0, sizeof(a.cur));
	memset(&b.cur, 0, sizeof(b.cur));
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* actor_vcpu_run() takes exactly the steps actor_step() would: two VMs of
 * one world under one seeded schedule, vCPU accesses run one way in each
 * (and now and then a single step in both, so a run also starts mid
 * access), end with equal actors, counters and pages after every event.
 * Pre-checks (union, gfn), none (hva), retries, conversions, a present
 * SPTE that needs no fault, and one that does (skip_present off). */
static void test_vcpu_run_as_steps(void)
{
	struct {
		int pattern;
		const char *tracker;
		void (*tweak)(struct pattern_params *);
	} cases[] = { { PAT_MIXED, "union", NULL }, { PAT_MIXED, "hva", NULL },
		      { PAT_MULTISLOT, "gfn", NULL },
		      { PAT_PRIVATE, "union", skip_present_off } };

	check_seed = 0;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const char *name = pattern_names[cases[c].pattern];
		struct pattern_world w;
		struct actor x[8], y[8];
		struct actor_stats sx, sy;
		struct step_env ex, ey;
		struct vm vx, vy;
		char err[256];
		uint64_t rng = 7, *ix, *iy, words;
		uint32_t n, events = 0, differ = 0;

		if (small_world(cases[c].pattern, cases[c].tweak, &w, err,
				sizeof(err)) < 0 ||
		    vm_init(&vx, &w.layout, tracker_find(cases[c].tracker)) < 0 ||
		    vm_init(&vy, &w.layout, tracker_find(cases[c].tracker)) < 0) {
			CHECK_FAIL("setup: %s", err);
			return;
		}
		n = start_actors(x, &w);
		memcpy(y, x, n * sizeof(*x));
		pattern_step_env(&w, &vx, &ex);
		pattern_step_env(&w, &vy, &ey);
		memset(&sx, 0, sizeof(sx));
		memset(&sy, 0, sizeof(sy));
		for (; events < 20000 && !differ; events++) {
			uint32_t i = (uint32_t)rng_below(&rng, n);
			uint64_t k = 1 + rng_below(&rng, 3);

			if (x[i].kind == ACTOR_INVALIDATOR || rng_below(&rng, 4) == 0) {
				actor_step(&x[i], &ex, &sx, NULL);
				actor_step(&y[i], &ey, &sy, NULL);
			} else {
				differ += access_by_steps(&x[i], &ex, &sx, k) !=
					  actor_vcpu_run(&y[i], &ey, &sy, k);
			}
			differ += !same_actor(&x[i], &y[i]);
			differ += memcmp(&sx, &sy, sizeof(sx)) != 0;
		}
		CHECK_EQ_U64(differ, 0, "%s/%s: runs and steps parted at event %u",
			     name, cases[c].tracker, events);
		CHECK(sy.faults > 100 && sy.invalidations > 10 && sy.retries > 0,
		      "%s/%s: no progress", name, cases[c].tracker);
		words = vm_image_words(&w.layout);
		ix = calloc(words, sizeof(*ix));
		iy = calloc(words, sizeof(*iy));
		vm_save_pages(&vx, ix);
		vm_save_pages(&vy, iy);
		CHECK(memcmp(ix, iy, words * sizeof(*ix)) == 0,
		      "%s/%s: the pages differ", name, cases[c].tracker);
		free(ix);
		free(iy);
		vm_destroy(&vy);
		vm_destroy(&vx);
		pattern_world_free(&w);
	}
}

int main(void)
{
	test_safe_trackers_never_miss();
	test_v12_misses_multislot();
	test_v12_safe_on_one_slot();
	test_alias_costs();
	test_private_costs();
	test_reproducible();
	test_smm();
	test_slot_flags();
	test_slot_flag_clears();
	test_vcpu_run_as_steps();
	return check_summary("test_sim");
}
