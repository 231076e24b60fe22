/* The tracker hooks against SPEC section 2, one situation at a time. */
#include <string.h>

#include "check.h"
#include "model/registry.h"

#define EXACT_AREA_ENTRIES 32 /* impl_exact's EXACT_ENTRIES */

static struct tracker_state fresh(void)
{
	struct tracker_state t;

	tracker_state_init(&t);
	return t;
}

static struct fault_key shared_key(uint64_t gfn, uint64_t hva)
{
	return (struct fault_key){ .gfn = gfn, .has_hva = true, .hva = hva };
}

/* One notifier covering hva [0,20) that overlaps two slots: gfn [0,10)
 * (hva 0..10) and gfn [100,110) (hva 10..20). */
static void two_slot_begin(const struct tracker_ops *ops, struct tracker_state *t)
{
	struct inval_ctx inv = { .handle = 1, .has_hva = true, .hva_start = 0,
				 .hva_end = 20 };

	ops->begin(t, &inv);
	ops->range_add(t, &inv, 0, 10);
	ops->range_add(t, &inv, 100, 110);
}

static void test_multislot(void)
{
	for (size_t i = 0; i < tracker_registry_len; i++) {
		const struct tracker_ops *ops = tracker_registry[i];
		struct tracker_state t = fresh();
		struct fault_key first = shared_key(5, 5);
		enum retry_verdict v;

		two_slot_begin(ops, &t);
		v = ops->retry(&t, &first, 0);
		if (strcmp(ops->name, "gfn") == 0)
			/* The v12 bug: only the last slot's range survives. */
			CHECK(v == RETRY_NONE, "%s: fault in the first slot got %d",
			      ops->name, v);
		else
			CHECK(v == RETRY_RANGE, "%s: fault in the first slot got %d",
			      ops->name, v);
		struct fault_key last = shared_key(105, 15);

		CHECK(ops->retry(&t, &last, 0) == RETRY_RANGE,
		      "%s: fault in the last slot not retried", ops->name);
	}
}

static void test_gap_between_slots(void)
{
	const struct tracker_ops *u = tracker_find("union");
	const struct tracker_ops *e = tracker_find("exact");
	const struct tracker_ops *h = tracker_find("hva");
	struct tracker_state tu = fresh(), te = fresh(), th = fresh();
	/* gfn 50 lies between the slots; its hva (say 500) is elsewhere. */
	struct fault_key gap = shared_key(50, 500);

	two_slot_begin(u, &tu);
	two_slot_begin(e, &te);
	two_slot_begin(h, &th);
	CHECK(u->retry(&tu, &gap, 0) == RETRY_RANGE, "union must cover the gap");
	CHECK(e->retry(&te, &gap, 0) == RETRY_NONE, "exact must not cover the gap");
	CHECK(h->retry(&th, &gap, 0) == RETRY_NONE, "hva must not cover the gap");
}

static void test_end_and_sequence(void)
{
	for (size_t i = 0; i < tracker_registry_len; i++) {
		const struct tracker_ops *ops = tracker_registry[i];
		struct tracker_state t = fresh();
		struct inval_ctx inv = { .handle = 1, .has_hva = true, .hva_end = 20 };
		struct fault_key k = shared_key(5, 5);

		two_slot_begin(ops, &t);
		ops->end(&t, &inv);
		CHECK_EQ_U64(t.seq, 1, "%s", ops->name);
		CHECK_EQ_U64(t.in_progress, 0, "%s", ops->name);
		CHECK(ops->retry(&t, &k, 0) == RETRY_SEQUENCE,
		      "%s: old snapshot must retry on sequence", ops->name);
		CHECK(ops->retry(&t, &k, 1) == RETRY_NONE,
		      "%s: fresh snapshot must not retry", ops->name);
		uint64_t w = 0;

		for (int k2 = 0; k2 < WARN_COUNT; k2++)
			w += t.warnings[k2];
		CHECK_EQ_U64(w, 0, "warnings in a well-formed invalidation");
	}
}

static void test_no_hva(void)
{
	const struct tracker_ops *h = tracker_find("hva");
	const struct tracker_ops *u = tracker_find("union");
	struct tracker_state th = fresh(), tu = fresh();
	struct inval_ctx gmem = { .handle = 1, .has_hva = false };
	struct fault_key far_shared = shared_key(9000, 9000);
	struct fault_key private_fault = { .gfn = 9000, .has_hva = false };

	h->begin(&th, &gmem);
	h->range_add(&th, &gmem, 100, 101);
	u->begin(&tu, &gmem);
	u->range_add(&tu, &gmem, 100, 101);
	/* Whole-space fallback: every fault retries while it is in flight. */
	CHECK(h->retry(&th, &far_shared, 0) == RETRY_RANGE, "hva no-hva fallback");
	CHECK(h->retry(&th, &private_fault, 0) == RETRY_RANGE, "hva private fault");
	CHECK(u->retry(&tu, &far_shared, 0) == RETRY_NONE, "union exact on gfn");
}

static void test_warnings(void)
{
	for (size_t i = 0; i < tracker_registry_len; i++) {
		const struct tracker_ops *ops = tracker_registry[i];
		struct tracker_state t = fresh();
		struct inval_ctx inv = { .handle = 1, .has_hva = true, .hva_end = 1 };

		ops->range_add(&t, &inv, 0, 1);
		CHECK_EQ_U64(t.warnings[WARN_ADD_OUTSIDE_BEGIN_END], 1, "%s", ops->name);
	}
	/* gfn-keyed: a check between begin and range_add (lock dropped in
	 * between: a KVM bug) warns and retries. */
	const char *gfn_keyed[] = { "gfn", "union" };

	for (size_t i = 0; i < 2; i++) {
		const struct tracker_ops *ops = tracker_find(gfn_keyed[i]);
		struct tracker_state t = fresh();
		struct inval_ctx a = { .handle = 1 }, b = { .handle = 2 };
		struct fault_key k = shared_key(5, 5);

		ops->begin(&t, &a);
		CHECK(ops->retry(&t, &k, 0) == RETRY_RANGE, "%s", ops->name);
		CHECK_EQ_U64(t.warnings[WARN_RANGE_INVALID_IN_PROGRESS], 1, "%s", ops->name);
		/* Nested begin, then the outer one ends with no range added. */
		ops->begin(&t, &b);
		ops->end(&t, &a);
		CHECK_EQ_U64(t.warnings[WARN_NO_RANGE_BEFORE_END], 1, "%s", ops->name);
	}
}

static void test_nested_exact(void)
{
	const struct tracker_ops *e = tracker_find("exact");
	struct tracker_state t = fresh();
	struct inval_ctx a = { .handle = 1 }, b = { .handle = 2 };
	struct fault_key in_a = shared_key(5, 5), in_b = shared_key(205, 205);

	e->begin(&t, &a);
	e->range_add(&t, &a, 0, 10);
	e->begin(&t, &b);
	e->range_add(&t, &b, 200, 210);
	e->end(&t, &a);
	CHECK(e->retry(&t, &in_a, 2) == RETRY_SEQUENCE, "a's range left, seq moved");
	CHECK(e->retry(&t, &in_a, 1) == RETRY_NONE, "a's range must be gone");
	CHECK(e->retry(&t, &in_b, 1) == RETRY_RANGE, "b's range must stay");
}

/* More invalidations in flight than exact's area holds (the engines never
 * get there): it must degrade to retrying everything, never to a miss. */
static void test_exact_full(void)
{
	const struct tracker_ops *e = tracker_find("exact");
	struct tracker_state t = fresh();
	struct fault_key k = shared_key(5000, 5000);

	char state[2048];

	for (uint32_t h = 1; h <= EXACT_AREA_ENTRIES + 1; h++) {
		struct inval_ctx inv = { .handle = h };

		e->begin(&t, &inv);
		e->range_add(&t, &inv, 5000 + 10 * h, 5001 + 10 * h);
	}
	e->describe(&t, state, sizeof(state));
	CHECK(strstr(state, "+1 unrecorded"), "the area never filled up: %s", state);
	/* gfn 5000 is in no recorded range, but one range went unrecorded. */
	CHECK(e->retry(&t, &k, 0) == RETRY_RANGE, "exact missed with a lost range");
	for (uint32_t h = 1; h <= EXACT_AREA_ENTRIES + 1; h++) {
		struct inval_ctx inv = { .handle = h };

		e->end(&t, &inv);
	}
	CHECK(e->retry(&t, &k, t.seq) == RETRY_NONE, "nothing in flight any more");
}

/* What model/tracker.h promises of every registered tracker: all hooks,
 * a declared private share that fits (kernel-faithful: one cache line), a
 * describe() that says something, and no writes beyond the declared words
 * even when eight invalidations with four ranges each are in flight. */
static void test_contract(void)
{
	for (size_t i = 0; i < tracker_registry_len; i++) {
		const struct tracker_ops *ops = tracker_registry[i];
		struct tracker_state t = fresh();
		char state[512];
		uint32_t limit = ops->instrument ? TRACKER_PRIV_WORDS
						 : TRACKER_KERNEL_PRIV_WORDS;

		CHECK(ops->name && ops->description && ops->begin &&
		      ops->range_add && ops->end && ops->retry && ops->describe,
		      "%s: a mandatory hook is missing", ops->name);
		if (!ops->describe || !ops->begin)
			continue;
		CHECK(ops->priv_words <= limit, "%s: priv_words %u, at most %u "
		      "for a%s tracker", ops->name, ops->priv_words, limit,
		      ops->instrument ? "n instrument" : " kernel-faithful");
		for (uint32_t h = 1; h <= 8; h++) {
			struct inval_ctx inv = { .handle = h, .has_hva = true,
						 .hva_start = 100 * h,
						 .hva_end = 100 * h + 50 };

			ops->begin(&t, &inv);
			for (uint64_t k = 0; k < 4; k++)
				ops->range_add(&t, &inv, 1000 * h + 100 * k,
					       1000 * h + 100 * k + 10);
			CHECK(tracker_priv_undeclared(ops, &t) < 0,
			      "%s: wrote private word %d, declares %u", ops->name,
			      tracker_priv_undeclared(ops, &t), ops->priv_words);
		}
		state[0] = '\0';
		ops->describe(&t, state, sizeof(state));
		CHECK(state[0] != '\0', "%s: describe() said nothing", ops->name);
		for (uint32_t h = 8; h >= 1; h--) {
			struct inval_ctx inv = { .handle = h };

			ops->end(&t, &inv);
		}
		CHECK(t.in_progress == 0 && tracker_priv_undeclared(ops, &t) < 0,
		      "%s: after every end", ops->name);
	}
}

int main(void)
{
	test_contract();
	test_exact_full();
	test_multislot();
	test_gap_between_slots();
	test_end_and_sequence();
	test_no_hva();
	test_warnings();
	test_nested_exact();
	return check_summary("test_trackers");
}
