/* The explorer's own tests: the visited set, and the findings issue 2 asks
 * the explorer to show (multislot/gfn violates with the reviewer's trace,
 * hva/union/exact never violate), each on the fully explored space. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/explore.h"
#include "explore/state_set.h"
#include "explore/world.h"
#include "model/registry.h"
#include "tests/check.h"

static void test_state_set(void)
{
	struct state_set s;
	uint64_t rec[3] = { 1, 2, 3 };
	uint32_t idx, again;

	CHECK(state_set_init(&s, 5001, 0) == 0, "init");
	CHECK(state_set_add(&s, rec, sizeof(rec), STATE_NONE, 0, &idx) ==
		      STATE_ADDED, "first add");
	CHECK(state_set_add(&s, rec, sizeof(rec), 7, 1, &again) == STATE_SEEN,
	      "same bytes must be found");
	CHECK(again == idx, "expected index %u, got %u", idx, again);
	CHECK(state_set_add(&s, rec, sizeof(rec) - 8, 0, 0, &again) ==
		      STATE_ADDED, "a prefix is another record");
	/* Past the first table and arena sizes, and up to the limit. */
	for (uint64_t i = 0; i < 4999; i++) {
		rec[2] = 100 + i;
		CHECK(state_set_add(&s, rec, sizeof(rec), 0, 2, &idx) ==
			      STATE_ADDED, "record %" PRIu64 " should be new", i);
	}
	CHECK(s.n == 5001, "expected 5001 records, got %u", s.n);
	rec[2] = 100 + 1234;
	CHECK(state_set_add(&s, rec, sizeof(rec), 0, 2, &idx) == STATE_SEEN &&
		      idx == 1236, "record 1234 after growth: index %u", idx);
	CHECK(s.parent[idx] == 0 && s.via[idx] == 2, "parent/via kept");
	rec[2] = 999999;
	CHECK(state_set_add(&s, rec, sizeof(rec), 0, 2, &idx) == STATE_FULL &&
		      idx == STATE_NONE, "limit must refuse a new record");
	state_set_free(&s);
}

/* The stored form must give back the exact bytes, zeros included. */
static void test_world_codec(void)
{
	struct world_shape ws;
	uint64_t rec[64], back[64];
	unsigned char enc[sizeof(rec) + 16];

	world_shape_init(&ws, 40, 1); /* VM block not a multiple of 8 */
	CHECK(ws.rec_bytes <= sizeof(rec) && ws.rec_bytes % 8 == 0,
	      "record of %zu bytes", ws.rec_bytes);
	CHECK(world_encoded_max(&ws) <= sizeof(enc), "encoded max");
	memset(rec, 0, sizeof(rec));
	for (size_t i = 0; i < ws.rec_bytes / 8; i += 3)
		rec[i] = 0x0101010101010101ULL * (i + 1);
	rec[ws.rec_bytes / 8 - 1] = 1; /* the flags word */
	uint32_t len = world_encode(&ws, rec, enc);

	CHECK(len < ws.rec_bytes, "encoded %u bytes of %zu", len, ws.rec_bytes);
	memset(back, 0xaa, sizeof(back));
	world_decode(&ws, enc, back);
	CHECK(memcmp(rec, back, ws.rec_bytes) == 0, "decode differs");
}

/* The tracker's private block is state: two worlds that differ only in one
 * private word are two states, while worlds that differ only in warn-once
 * counters (observations) are one. (The old exact[] area was canonicalised
 * by handle, so a tracker reusing it would have had worlds merged.) */
static void test_private_block_is_state(void)
{
	struct scenario sc;
	struct scenario_world w;
	struct world_shape ws;
	struct state_set set;
	struct vm vm;
	unsigned char *a, *b, *enc;
	uint32_t idx;
	char err[256] = "";

	if (scenario_find("alias", &sc, err, sizeof(err)) < 0 ||
	    scenario_build(&sc, &w, err, sizeof(err)) < 0 ||
	    vm_init(&vm, &w.layout, tracker_find("union")) < 0) {
		CHECK_FAIL("alias world: %s", err);
		return;
	}
	world_shape_init(&ws, sizeof(struct vm_state) +
			 vm_image_words(&w.layout) * sizeof(uint64_t),
			 w.n_actors);
	a = calloc(1, ws.rec_bytes);
	b = calloc(1, ws.rec_bytes);
	enc = calloc(1, world_encoded_max(&ws));
	CHECK(a && b && enc && state_set_init(&set, 16, 0) == 0, "alloc");
	if (!a || !b || !enc)
		goto out;
	memcpy(world_vm(&ws, a), vm.st, sizeof(struct vm_state));
	vm_save_pages(&vm, world_vm(&ws, a)->data);
	scenario_init_actors(&w, world_actors(&ws, a));
	for (int word = 0; word < TRACKER_PRIV_WORDS; word += 37) {
		memcpy(b, a, ws.rec_bytes);
		world_vm(&ws, b)->tracker.priv[word] = 16 + (uint64_t)word;
		world_canon(&ws, b, -1);
		CHECK(state_set_add(&set, enc, world_encode(&ws, b, enc),
				    STATE_NONE, 0, &idx) == STATE_ADDED,
		      "private word %d: merged with another world", word);
	}
	world_canon(&ws, a, -1);
	CHECK(state_set_add(&set, enc, world_encode(&ws, a, enc), STATE_NONE,
			    0, &idx) == STATE_ADDED, "the plain world is new");
	memcpy(b, a, ws.rec_bytes);
	world_vm(&ws, b)->tracker.warnings[WARN_NO_RANGE_BEFORE_END] = 3;
	world_canon(&ws, b, -1);
	CHECK(state_set_add(&set, enc, world_encode(&ws, b, enc), STATE_NONE,
			    0, &idx) == STATE_SEEN, "warnings must not split worlds");
	state_set_free(&set);
out:
	free(a);
	free(b);
	free(enc);
	vm_destroy(&vm);
}

static bool is_reference_safe(const char *tracker)
{
	/* Every registered tracker but the one kept to show a bug. */
	return !tracker_find(tracker)->expected_unsafe;
}

static void explore_with(const char *sc_name, const char *tr_name, bool early,
			 bool atomic_walks, struct scenario_world *w,
			 struct explore_result *r)
{
	/* The world points at its scenario: one store per call site's
	 * lifetime is enough, as each test finishes with a world before
	 * loading the next. */
	static struct scenario sc;
	struct explore_options opt = { .early_check = early,
				       .atomic_walks = atomic_walks };
	char err[512];

	memset(r, 0, sizeof(*r));
	if (scenario_find(sc_name, &sc, err, sizeof(err)) < 0 ||
	    scenario_build(&sc, w, err, sizeof(err)) < 0 ||
	    explore_run(w, tracker_find(tr_name), &opt, r, err, sizeof(err)) < 0) {
		CHECK_FAIL("%s/%s: %s", sc_name, tr_name, err);
		memset(r, 0, sizeof(*r));
	}
}

static void explore_one(const char *sc_name, const char *tr_name, bool early,
			struct scenario_world *w, struct explore_result *r)
{
	explore_with(sc_name, tr_name, early, false, w, r);
}

/* Every scenario, every tracker, pre-checks on and off: the whole space is
 * explored, the oracle and the end audit agree, and the three safe trackers
 * never install a stale SPTE. */
static void test_safe_trackers(void)
{
	const char *const *names = tracker_names();

	const char *const *scs = scenario_names();

	CHECK(scs[0] != NULL, "no scenario files in %s", scenario_dir());
	for (size_t s = 0; scs[s]; s++)
		for (size_t t = 0; names[t]; t++)
			for (int e = 0; e < 2; e++) {
				struct scenario_world w;
				struct explore_result r;
				const char *sc = scs[s];

				explore_one(sc, names[t], e, &w, &r);
				CHECK(r.complete, "%s/%s early=%d: not fully "
				      "explored (%" PRIu64 " states)", sc,
				      names[t], e, r.states);
				CHECK(r.states > 1 && r.terminal_states > 0,
				      "%s/%s: %" PRIu64 " states, %" PRIu64
				      " terminal", sc, names[t], r.states,
				      r.terminal_states);
				CHECK(r.inconsistencies == 0, "%s/%s: audit and "
				      "oracle disagree in %" PRIu64 " states",
				      sc, names[t], r.inconsistencies);
				if (is_reference_safe(names[t])) {
					CHECK(r.violations == 0 &&
						      r.stale_terminal_states == 0 &&
						      r.cex_len == 0,
					      "%s/%s early=%d: expected no violation, "
					      "got %" PRIu64 " (audit %" PRIu64 ")",
					      sc, names[t], e, r.violations,
					      r.stale_terminal_states);
				}
				explore_result_free(&r);
			}
}

/* The review's bug, as a KVM reviewer would read the trace: the fault in
 * slot 0 passes its locked check with in_progress == 1, seq unchanged, and a
 * range that covers only slot 1's part of the invalidation. */
static void test_multislot_gfn(void)
{
	for (int e = 0; e < 2; e++) {
		struct scenario_world w;
		struct explore_result r;
		const struct memslot *s1;

		explore_one("multislot", "gfn", e, &w, &r);
		s1 = &w.layout.slots[1];
		CHECK(r.complete, "early=%d: not fully explored", e);
		CHECK(r.violations >= 1, "early=%d: expected a violation, got 0", e);
		CHECK(r.stale_terminal_states >= 1, "early=%d: the end audit "
		      "should flag the stale SPTE too", e);
		CHECK(r.cex_len >= 3, "early=%d: trace of %u steps", e, r.cex_len);
		if (!r.cex_len)
			continue;
		const struct explore_step *last = &r.cex[r.cex_len - 1];
		bool inval_began = false;

		for (uint32_t k = 0; k + 1 < r.cex_len; k++)
			inval_began |= strcmp(r.cex[k].actor_name, "inval0") == 0;
		CHECK(inval_began, "early=%d: the invalidation never ran", e);
		CHECK(strcmp(last->actor_name, "vcpu0") == 0,
		      "last step by %s, expected vcpu0", last->actor_name);
		CHECK(last->violation && last->checked && last->locked_check &&
			      last->verdict == RETRY_NONE && last->truly_stale,
		      "last step must be a locked check that says go on a "
		      "truly stale page (violation=%d checked=%d locked=%d "
		      "verdict=%d stale=%d)", last->violation, last->checked,
		      last->locked_check, last->verdict, last->truly_stale);
		CHECK(last->in_progress == 1, "in_progress %" PRId64 ", expected 1",
		      last->in_progress);
		CHECK(last->seq == 0, "seq %" PRIu64 ", expected 0 (no end yet)",
		      last->seq);
		CHECK(last->range_start >= s1->base_gfn &&
			      last->range_end <= s1->base_gfn + s1->npages &&
			      last->range_start < last->range_end,
		      "range [%" PRIu64 ",%" PRIu64 ") should lie in slot 1 "
		      "[%" PRIu64 ",%" PRIu64 ")", last->range_start,
		      last->range_end, s1->base_gfn, s1->base_gfn + s1->npages);
		/* BFS: no shorter schedule exists, with or without pre-checks
		 * the minimum is read seq, resolve, invalidation phase 1,
		 * locked check (plus the pre-checks when on). */
		CHECK(r.cex_len == (e ? 6u : 4u), "early=%d: shortest schedule "
		      "has %u steps, expected %u", e, r.cex_len, e ? 6u : 4u);
		explore_result_free(&r);
	}
}

/* smm: the walk adds as0's ranges then as1's under one begin, and the v12
 * patch loses all but as1's last slot. concurrent, nested: the override also
 * bites when the spanning invalidation is the outermost one. */
static void test_gfn_misses(const char *sc)
{
	struct scenario_world w;
	struct explore_result r;

	explore_one(sc, "gfn", true, &w, &r);
	CHECK(r.violations >= 1 && r.cex_len > 0, "%s/gfn: expected a violation", sc);
	explore_result_free(&r);
}

/* What separates the safe trackers: spurious range retries. */
static uint64_t spurious_range_with(const char *sc, const char *tr,
				    bool atomic_walks)
{
	struct scenario_world w;
	struct explore_result r;
	uint64_t n;

	explore_with(sc, tr, true, atomic_walks, &w, &r);
	n = r.spurious_range_transitions;
	explore_result_free(&r);
	return n;
}

static uint64_t spurious_range(const char *sc, const char *tr)
{
	return spurious_range_with(sc, tr, false);
}

static void test_spurious_retries(void)
{
	/* alias: union's range spans the gap between A and B, covering M. */
	CHECK(spurious_range("alias", "union") > 0, "alias/union: expected "
	      "spurious range retries of the fault in M");
	/* hva is exact on aliases when the walk is one lock hold (as in
	 * alias.scn, whose slots never hold two SPTEs, so its walks never
	 * yield). With yields its range (the whole hva range from begin)
	 * also retries faults on a slot the walk has not reached yet, which
	 * the walk would have zapped anyway: yield.scn, where the walk can
	 * drop mmu_lock inside slot 0. */
	CHECK(spurious_range_with("alias", "hva", true) == 0,
	      "alias/hva, atomic walks: exact on aliases");
	CHECK(spurious_range("alias", "hva") == 0, "alias/hva: exact on aliases");
	CHECK(spurious_range_with("yield", "hva", true) == 0,
	      "yield/hva, atomic walks");
	CHECK(spurious_range("yield", "hva") > 0, "yield/hva with yields: "
	      "expected retries ahead of the walk");
	CHECK(spurious_range("alias", "exact") == 0, "alias/exact");
	/* private: hva has no key for guest_memfd work and retries all. */
	CHECK(spurious_range("private", "hva") > 0, "private/hva: expected the "
	      "whole-space fallback to retry the shared fault");
	CHECK(spurious_range("private", "union") == 0, "private/union");
	CHECK(spurious_range("private", "exact") == 0, "private/exact");
}

/* The yields are interleaving points: with them the explorer reaches states
 * it cannot without, and the v12 patch misses while the walk has dropped
 * mmu_lock, before any page changed (no phase 2 in the counterexample). */
static void test_yields(void)
{
	struct scenario_world w;
	struct explore_result with, without;
	bool before_phase2 = true;

	explore_with("yield", "gfn", false, false, &w, &with);
	explore_with("yield", "gfn", false, true, &w, &without);
	CHECK(with.states > without.states, "yield/gfn: %" PRIu64 " states with "
	      "yields, %" PRIu64 " without", with.states, without.states);
	CHECK(with.violations > without.violations && with.cex_len > 0,
	      "yield/gfn: %" PRIu64 " violations with yields, %" PRIu64
	      " without", with.violations, without.violations);
	for (uint32_t i = 0; i < with.cex_len; i++)
		if (strstr(with.cex[i].what, "phase 2"))
			before_phase2 = false;
	CHECK(before_phase2, "yield/gfn: the shortest miss should need no phase 2");
	explore_result_free(&with);
	explore_result_free(&without);
	/* A gfn zap that yields: hva's whole-space range retries both faults
	 * while it runs, and every such retry is a true positive now that the
	 * oracle covers gfn-only work. */
	explore_with("gfn_zap", "hva", true, false, &w, &with);
	CHECK(with.violations == 0 && with.spurious_range_transitions == 0 &&
		      with.retry_transitions > 0,
	      "gfn_zap/hva: %" PRIu64 " violations, %" PRIu64 " spurious range, %"
	      PRIu64 " retries", with.violations, with.spurious_range_transitions,
	      with.retry_transitions);
	explore_result_free(&with);
}

/* Same input, same search: counts and schedule are a function of the model. */
static void test_deterministic(void)
{
	struct scenario_world w;
	struct explore_result a, b;

	explore_one("concurrent", "gfn", true, &w, &a);
	explore_one("concurrent", "gfn", true, &w, &b);
	CHECK(a.states == b.states && a.transitions == b.transitions &&
		      a.violations == b.violations && a.cex_len == b.cex_len,
	      "two runs differ: states %" PRIu64 "/%" PRIu64, a.states, b.states);
	explore_result_free(&a);
	explore_result_free(&b);
}

static void test_verdict_api(void)
{
	struct explore_verdict v;
	char err[512];

	CHECK(explore_verdict("multislot", "gfn", false, &v, err,
			      sizeof(err)) == 0, "%s", err);
	CHECK(!v.safe && v.complete && v.violations > 0 && v.states > 0,
	      "multislot/gfn: safe=%d violations=%" PRIu64, v.safe, v.violations);
	CHECK(explore_verdict("multislot", "union", false, &v, err,
			      sizeof(err)) == 0, "%s", err);
	CHECK(v.safe && v.shortest == 0, "multislot/union: safe=%d", v.safe);
	CHECK(explore_verdict("nosuch", "gfn", false, &v, err, sizeof(err)) < 0 &&
		      strstr(err, "nosuch") && strstr(err, "multislot"),
	      "unknown scenario message: %s", err);
	CHECK(explore_verdict("alias", "nosuch", false, &v, err, sizeof(err)) < 0 &&
		      strstr(err, "nosuch") && strstr(err, "union"),
	      "unknown tracker message: %s", err);
}

int main(void)
{
	test_state_set();
	test_world_codec();
	test_private_block_is_state();
	test_safe_trackers();
	test_multislot_gfn();
	test_gfn_misses("smm");
	test_gfn_misses("concurrent");
	test_gfn_misses("nested");
	test_spurious_retries();
	test_yields();
	test_deterministic();
	test_verdict_api();
	return check_summary("explore");
}
