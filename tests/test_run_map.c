/* The run map (model/run_map.h) against a per-key array: hand-picked
 * splits, merges and boundaries, random sets cross-checked key by key
 * with the runs kept maximal, a 2^40-key span costing a node or two, and
 * lock-free readers racing writers (labelled `threads`: TSan runs it). */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "model/run_map.h"
#include "tests/check.h"
#include "util/rng.h"

#define KEYS 2000

/* Boundaries a maximal run map over the array must hold. */
static uint64_t runs_of(const uint32_t *a, uint64_t n)
{
	uint64_t runs = 0;

	for (uint64_t k = 0; k < n; k++)
		runs += a[k] != (k ? a[k - 1] : 0);
	return runs;
}

static void check_all(const struct run_map *m, const uint32_t *a, uint64_t n,
		      const char *what)
{
	uint64_t bad = 0, first = 0;

	for (uint64_t k = 0; k < n; k++)
		if (run_map_get(m, k) != a[k] && bad++ == 0)
			first = k;
	CHECK_EQ_U64(bad, 0, "%s: keys differing, first %" PRIu64, what, first);
	CHECK_EQ_U64(run_map_count(m), runs_of(a, n), "%s: boundaries", what);
}

static void set_both(struct run_map *m, uint32_t *a, uint64_t lo, uint64_t hi,
		     uint32_t v)
{
	run_map_set(m, lo, hi, v);
	for (uint64_t k = lo; k < hi; k++)
		a[k] = v;
}

static void test_cases(void)
{
	struct run_map m;
	uint32_t a[100] = {0};

	CHECK(run_map_init(&m, 100) == 0);
	check_all(&m, a, 100, "empty");
	set_both(&m, a, 10, 20, 1); /* split one run into three */
	check_all(&m, a, 100, "split");
	CHECK_EQ_U64(run_map_count(&m), 2);
	set_both(&m, a, 20, 30, 1); /* extends the run: merge right */
	check_all(&m, a, 100, "extend right");
	CHECK_EQ_U64(run_map_count(&m), 2);
	set_both(&m, a, 5, 10, 1); /* merge left */
	check_all(&m, a, 100, "extend left");
	set_both(&m, a, 40, 50, 1);
	set_both(&m, a, 60, 70, 2);
	CHECK_EQ_U64(run_map_count(&m), 6);
	set_both(&m, a, 15, 65, 3); /* overwrite across runs */
	check_all(&m, a, 100, "overwrite across runs");
	CHECK_EQ_U64(run_map_count(&m), 4);
	set_both(&m, a, 15, 65, 0); /* back to 0 between the runs */
	check_all(&m, a, 100, "reset");
	set_both(&m, a, 10, 60, 1); /* fills the hole: one run again */
	check_all(&m, a, 100, "fill hole");
	set_both(&m, a, 0, 1, 7);  /* first key */
	set_both(&m, a, 99, 100, 7); /* last key: no boundary past the end */
	check_all(&m, a, 100, "edges");
	set_both(&m, a, 0, 100, 0); /* all back to the start */
	check_all(&m, a, 100, "whole");
	CHECK_EQ_U64(run_map_count(&m), 0);
	set_both(&m, a, 30, 30, 5); /* empty range: nothing */
	check_all(&m, a, 100, "empty range");
	run_map_destroy(&m);
}

/* Random sets, mostly short, a few wide, on few values so runs merge. */
static void test_random(uint64_t seed)
{
	struct run_map m;
	uint32_t *a = calloc(KEYS, sizeof(*a));
	uint64_t rng = rng_stream(seed, 7);

	check_seed = seed;
	CHECK(a && run_map_init(&m, KEYS) == 0);
	for (int op = 0; op < 3000; op++) {
		uint64_t lo = rng_below(&rng, KEYS);
		uint64_t len = rng_below(&rng, 8) ? 1 + rng_below(&rng, 20)
						  : 1 + rng_below(&rng, KEYS);
		uint64_t hi = lo + len > KEYS ? KEYS : lo + len;

		set_both(&m, a, lo, hi, (uint32_t)rng_below(&rng, 3));
		if (op % 100 == 0)
			check_all(&m, a, KEYS, "random");
	}
	check_all(&m, a, KEYS, "random, end");
	/* Memory follows the runs held, not the keys set. */
	CHECK(run_map_bytes(&m) < 64 * KEYS);
	run_map_destroy(&m);
	free(a);
	check_seed = 0;
}

/* The whole 2^40-key space flipped many times holds a node or two. */
static void test_span_costs_nothing(void)
{
	const uint64_t n = 1ULL << 40;
	struct run_map m;

	CHECK(run_map_init(&m, n) == 0);
	for (uint64_t i = 0; i < 1000; i++)
		run_map_set(&m, 12345, n - 6789, i & 1 ? 0 : 1);
	CHECK_EQ_U64(run_map_count(&m), 0);
	run_map_set(&m, 12345, n - 6789, 1);
	CHECK_EQ_U64(run_map_count(&m), 2);
	CHECK_EQ_U64(run_map_get(&m, 12344), 0);
	CHECK_EQ_U64(run_map_get(&m, 12345), 1);
	CHECK_EQ_U64(run_map_get(&m, n - 6790), 1);
	CHECK_EQ_U64(run_map_get(&m, n - 6789), 0);
	CHECK(run_map_bytes(&m) < 8192);
	run_map_destroy(&m);
}

/* Writers set random ranges of their own half of the keys to ever larger
 * values, so each key only grows: a reader that ever sees a key go back
 * read a torn tree. The halves share the tree, so the writers contend on
 * its lock and reshape each other's paths. */
#define RACE_KEYS 512
#define WRITERS 2
#define READERS 2
#define WRITES 20000

struct race {
	struct run_map m;
	int writing;
	uint64_t backwards;
};

struct writer {
	struct race *r;
	uint64_t id;
};

static void *race_writer(void *p)
{
	const struct writer *w = p;
	const uint64_t span = RACE_KEYS / WRITERS, base = w->id * span;
	uint64_t rng = rng_stream(99, w->id);

	for (uint32_t i = 1; i <= WRITES; i++) {
		uint64_t lo = rng_below(&rng, span);
		uint64_t hi = lo + 1 + rng_below(&rng, 48);

		run_map_set(&w->r->m, base + lo, base + (hi > span ? span : hi), i);
	}
	__atomic_fetch_sub(&w->r->writing, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *race_reader(void *p)
{
	struct race *r = p;
	uint32_t seen[RACE_KEYS] = {0};
	uint64_t back = 0;

	while (__atomic_load_n(&r->writing, __ATOMIC_ACQUIRE))
		for (uint64_t k = 0; k < RACE_KEYS; k++) {
			uint32_t v = run_map_get(&r->m, k);

			back += v < seen[k];
			seen[k] = v;
		}
	__atomic_fetch_add(&r->backwards, back, __ATOMIC_RELAXED);
	return NULL;
}

static void test_race(void)
{
	struct race r;
	struct writer w[WRITERS];
	pthread_t wt[WRITERS], rt[READERS];

	memset(&r, 0, sizeof(r));
	r.writing = WRITERS;
	CHECK(run_map_init(&r.m, RACE_KEYS) == 0);
	for (int i = 0; i < READERS; i++)
		pthread_create(&rt[i], NULL, race_reader, &r);
	for (int i = 0; i < WRITERS; i++) {
		w[i] = (struct writer){ .r = &r, .id = (uint64_t)i };
		pthread_create(&wt[i], NULL, race_writer, &w[i]);
	}
	for (int i = 0; i < WRITERS; i++)
		pthread_join(wt[i], NULL);
	for (int i = 0; i < READERS; i++)
		pthread_join(rt[i], NULL);
	CHECK_EQ_U64(r.backwards, 0, "reads that went back in time");
	run_map_destroy(&r.m);
}

int main(void)
{
	test_cases();
	for (uint64_t seed = 1; seed <= 4; seed++)
		test_random(seed);
	test_span_costs_nothing();
	test_race();
	return check_summary("test_run_map");
}
