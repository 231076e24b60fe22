/* The sparse page maps against dense arrays: random operations on keys in
 * a few small windows of a large key space (so walks cross empty subtrees
 * and node boundaries), then every key compared. Also: a range operation
 * on a 2^40-key map allocates nothing for the span it covers. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "model/sparse_map.h"
#include "model/spte_map.h"
#include "tests/check.h"
#include "util/rng.h"

#define WINDOWS 4
#define WIN_KEYS 300
#define KEYS (WINDOWS * WIN_KEYS)

/* Window w's keys sit at w * 2^33 + 1000: far apart, not aligned. */
static uint64_t key_of(unsigned i)
{
	return (uint64_t)(i / WIN_KEYS) * (1ULL << 33) + 1000 + i % WIN_KEYS;
}

struct seen {
	uint64_t n, sum;
	uint64_t last;
	int ordered;
};

static void note(void *ctx, uint64_t key, uint32_t val)
{
	struct seen *s = ctx;

	s->ordered &= s->n == 0 || key > s->last;
	s->last = key;
	s->n++;
	s->sum += key ^ val;
}

static void test_sparse_map(uint64_t seed)
{
	struct sparse_map m;
	uint32_t val[KEYS];
	int present[KEYS] = { 0 };
	uint64_t rng = seed;

	check_seed = seed;
	sparse_map_init(&m, WINDOWS * (1ULL << 33));
	for (int op = 0; op < 20000; op++) {
		unsigned i = (unsigned)rng_below(&rng, KEYS), j;
		uint32_t v = (uint32_t)rng_next(&rng), old;
		struct seen want = { 0, 0, 0, 1 }, got = { 0, 0, 0, 1 };

		switch (rng_below(&rng, 5)) {
		case 0:
		case 1: {
			int had = sparse_map_set(&m, key_of(i), v, &old);

			CHECK(had == present[i], "set: presence of key %u", i);
			if (had && present[i])
				CHECK_EQ_U64(old, val[i], "set: old value of key %u", i);
			present[i] = 1;
			val[i] = v;
			break;
		}
		case 2:
			sparse_map_add(&m, key_of(i), 3);
			val[i] = present[i] ? val[i] + 3 : 3;
			present[i] = 1;
			break;
		case 3:
			sparse_map_remove(&m, key_of(i));
			present[i] = 0;
			break;
		case 4: /* a walk over [i, j), clearing half the time */
			j = i + (unsigned)rng_below(&rng, KEYS - i) + 1;
			int clear = (int)rng_below(&rng, 2);

			for (unsigned k = i; k < j; k++)
				if (present[k])
					note(&want, key_of(k), val[k]);
			sparse_map_walk(&m, key_of(i), key_of(j - 1) + 1, clear,
					note, &got);
			CHECK_EQ_U64(got.n, want.n, "walk [%u, %u): entries", i, j);
			CHECK_EQ_U64(got.sum, want.sum, "walk [%u, %u): keys/values", i, j);
			CHECK(got.ordered, "walk [%u, %u): not in key order", i, j);
			if (clear)
				for (unsigned k = i; k < j; k++)
					present[k] = 0;
			break;
		}
	}
	uint64_t n = 0;

	for (unsigned i = 0; i < KEYS; i++) {
		uint32_t v = 0;
		int got = sparse_map_get(&m, key_of(i), &v);

		n += present[i];
		CHECK(got == present[i], "key %u: presence", i);
		if (got && present[i])
			CHECK_EQ_U64(v, val[i], "key %u: value", i);
	}
	CHECK_EQ_U64(sparse_map_count(&m), n, "count of present entries");
	sparse_map_destroy(&m);
	check_seed = 0;
}

/* What a walk of the SPTE map saw. */
struct spte_seen {
	uint64_t n, sum, last;
	int ordered;
};

static void note_spte(void *ctx, uint64_t key, uint32_t spte, uint32_t ver)
{
	struct spte_seen *s = ctx;

	s->ordered &= s->n == 0 || key > s->last;
	s->last = key;
	s->n++;
	s->sum += key ^ ((uint64_t)spte << 32 | ver);
}

static void visit_count(void *ctx, uint64_t key, uint32_t spte, uint32_t ver)
{
	(void)ctx;
	(void)key;
	(void)spte;
	(void)ver;
}

/* Versions (track, bump, version) and SPTEs (set, get, walks with a limit,
 * next) of one map against dense arrays. */
static void test_spte_map(uint64_t seed)
{
	struct spte_map t;
	uint32_t ver[KEYS] = { 0 }, val[KEYS] = { 0 };
	int tracked[KEYS] = { 0 }, present[KEYS] = { 0 };
	/* A cursor per key (spte_map_track_at), kept across splits and
	 * grown leaves, with the version it was taken at and the bumps
	 * made then. */
	struct spte_cursor cur[KEYS] = { 0 };
	uint32_t cur_ver[KEYS] = { 0 };
	uint64_t cur_bumps[KEYS] = { 0 }, bumps = 0;
	uint64_t rng = seed;

	check_seed = seed;
	spte_map_init(&t, WINDOWS * (1ULL << 33));
	for (int op = 0; op < 20000; op++) {
		unsigned i = (unsigned)rng_below(&rng, KEYS);
		unsigned j = i + (unsigned)rng_below(&rng, KEYS - i) + 1;
		uint64_t lo, hi, max, next, want_next;
		struct spte_seen want = { 0, 0, 0, 1 }, got = { 0, 0, 0, 1 };
		uint32_t v = (uint32_t)rng_next(&rng), old;
		unsigned k, left;
		int clear;

		switch (rng_below(&rng, 7)) {
		case 0:
			ver[i] = cur_ver[i] = spte_map_track_at(&t, key_of(i), &cur[i]);
			cur_bumps[i] = bumps;
			tracked[i] = 1;
			break;
		case 1: /* a bump, sometimes reaching far past the keys */
			lo = key_of(i);
			hi = rng_below(&rng, 4) ? key_of(j - 1) + 1
						: key_of(j - 1) + (1ULL << 32);
			spte_map_bump(&t, lo, hi);
			bumps++;
			for (k = 0; k < KEYS; k++)
				if (tracked[k] && key_of(k) >= lo && key_of(k) < hi)
					ver[k]++;
			break;
		case 2:
			if (tracked[i])
				CHECK_EQ_U64(spte_map_version(&t, key_of(i)), ver[i],
					     "version of key %u after op %d", i, op);
			/* Unmoved exactly when no bump came since the cursor. */
			if (cur[i].loads)
				CHECK(spte_map_unmoved(&t, &cur[i]) ==
					      (cur_bumps[i] == bumps) &&
					      (cur_bumps[i] != bumps ||
					       cur_ver[i] == ver[i]),
				      "cursor of key %u after op %d: unmoved", i, op);
			break;
		case 3: { /* an install tracks the position; with the key's
			   * cursor, however old, when it has one */
			int had = cur[i].loads && rng_below(&rng, 2)
					  ? spte_map_set_at(&t, key_of(i), &cur[i], v, &old)
					  : spte_map_set(&t, key_of(i), v, &old);

			CHECK(had == present[i], "set: presence of key %u", i);
			if (had && present[i])
				CHECK_EQ_U64(old, val[i], "set: old value of key %u", i);
			if (!tracked[i])
				ver[i] = spte_map_version(&t, key_of(i));
			tracked[i] = present[i] = 1;
			val[i] = v;
			break;
		}
		case 4: /* a walk over [i, j) of at most max SPTEs */
			clear = (int)rng_below(&rng, 2);
			max = rng_below(&rng, 3) ? rng_below(&rng, 8) : UINT64_MAX;
			want_next = key_of(j - 1) + 1;
			left = 0;
			for (k = i; k < j; k++) {
				if (!present[k])
					continue;
				if (want.n == max) {
					want_next = key_of(k);
					break;
				}
				note_spte(&want, key_of(k), val[k], ver[k]);
				if (clear)
					present[k] = 0;
				left++;
			}
			CHECK_EQ_U64(spte_map_walk(&t, key_of(i), key_of(j - 1) + 1,
						   clear, max, note_spte, &got, &next),
				     left, "walk [%u, %u) max %" PRIu64 ": visited", i, j, max);
			CHECK_EQ_U64(got.n, want.n, "walk [%u, %u): SPTEs", i, j);
			CHECK_EQ_U64(got.sum, want.sum, "walk [%u, %u): keys/values/versions", i, j);
			CHECK(got.ordered, "walk [%u, %u): not in key order", i, j);
			CHECK_EQ_U64(next, want_next, "walk [%u, %u): next", i, j);
			break;
		case 5:
			want_next = key_of(j - 1) + 1;
			for (k = i; k < j; k++)
				if (present[k]) {
					want_next = key_of(k);
					break;
				}
			CHECK_EQ_U64(spte_map_next(&t, key_of(i), key_of(j - 1) + 1),
				     want_next, "next in [%u, %u)", i, j);
			break;
		case 6: /* get follows the live bits walks leave behind */
			old = 0;
			CHECK(spte_map_get(&t, key_of(i), &old) == present[i],
			      "get: presence of key %u after op %d", i, op);
			if (present[i])
				CHECK_EQ_U64(old, val[i], "get: SPTE of key %u", i);
			break;
		}
	}
	for (unsigned i = 0; i < KEYS; i++) {
		uint32_t got = 0;

		if (tracked[i])
			CHECK_EQ_U64(spte_map_version(&t, key_of(i)), ver[i], "key %u", i);
		CHECK(spte_map_get(&t, key_of(i), &got) == present[i], "key %u: presence", i);
		if (present[i])
			CHECK_EQ_U64(got, val[i], "key %u: SPTE", i);
	}
	spte_map_destroy(&t);
	check_seed = 0;
}

/* Loads the image (ver, spte: n positions) into t, checks save gives it
 * back, then bumps [lo, hi) and checks every position moved by one there
 * and only there. vout, sout: scratch of n words each. */
static void check_image_round_trip(struct spte_map *t, const uint64_t *ver,
				   const uint64_t *spte, uint64_t *vout,
				   uint64_t *sout, unsigned n, uint64_t lo,
				   uint64_t hi)
{
	spte_map_load(t, ver, spte, n);
	spte_map_save(t, vout, sout, n);
	CHECK(memcmp(ver, vout, n * sizeof(*ver)) == 0, "versions: load then save");
	CHECK(memcmp(spte, sout, n * sizeof(*spte)) == 0, "SPTEs: load then save");
	spte_map_bump(t, lo, hi);
	spte_map_save(t, vout, sout, n);
	for (unsigned i = 0; i < n; i++)
		CHECK_EQ_U64(vout[i], ver[i] + (i >= lo && i < hi), "position %u after bump", i);
}

/* A load moves entries (a partial leaf is dropped): a cursor taken before
 * it is void, and an install through it still lands where the load put
 * the position. */
static void test_cursor_over_load(void)
{
	enum { N = 32 };
	const uint64_t key = (9ULL << 24) + 5; /* a one-entry leaf */
	uint64_t ver[N] = { 0 }, spte[N] = { 0 };
	struct spte_cursor c;
	struct spte_map t;
	uint32_t v = 0, old = 0;

	spte_map_init(&t, 1ULL << 36);
	CHECK_EQ_U64(spte_map_track_at(&t, key, &c), 0, "tracked");
	CHECK(spte_cursor_valid(&t, &c) && spte_map_unmoved(&t, &c), "fresh cursor");
	spte_map_load(&t, ver, spte, N);
	CHECK(!spte_cursor_valid(&t, &c) && !spte_map_unmoved(&t, &c),
	      "a load voids the cursor");
	CHECK(!spte_map_set_at(&t, key, &c, 4, &old), "install after the load");
	CHECK(spte_map_get(&t, key, &v) && v == 4, "the install is where a lookup looks");
	spte_map_destroy(&t);
}

/* Explorer images: load then save gives the image back, and a loaded map
 * bumps every position (all are tracked). */
static void test_images(void)
{
	enum { N = 40 };
	uint64_t ver[N], spte[N], vout[N], sout[N];
	struct spte_map t;

	for (unsigned i = 0; i < N; i++) {
		ver[i] = i * 7 % 5;
		spte[i] = i % 3 ? 0 : i % 4 + 1;
	}
	spte_map_init(&t, N);
	spte_map_bump(&t, 0, N); /* lands on nothing: no position tracked yet */
	check_image_round_trip(&t, ver, spte, vout, sout, N, 3, 37);
	CHECK_EQ_U64(spte_map_next(&t, 1, N), 3, "first present SPTE after a load");
	spte_map_load(&t, ver, spte, N); /* counters of the bump are cleared */
	spte_map_save(&t, vout, sout, N);
	CHECK(memcmp(ver, vout, sizeof(ver)) == 0, "versions: reload");
	spte_map_destroy(&t);
}

/* One-entry leaves (model/spte_map.h): a page alone in a large map costs
 * a one-entry leaf; a second page of its sixteen grows it into a full
 * leaf that hands the first back to it, and versions, SPTEs, bumps, walks
 * (with limits) and images see one map through all of it. */
static void test_one_entry_leaves(void)
{
	enum { SCATTERED = 20000 };
	const uint64_t a = (5ULL << 20) + 3, b = a + 4, c = a + 256;
	struct spte_map t;
	struct spte_seen got = { 0, 0, 0, 1 };
	uint64_t next;
	uint32_t v = 0;

	spte_map_init(&t, 1ULL << 36);
	CHECK_EQ_U64(spte_map_track(&t, a), 0, "a: fresh");
	spte_map_set(&t, a, 7, &(uint32_t){ 0 });
	spte_map_bump(&t, a, a + 1);
	CHECK_EQ_U64(spte_map_track(&t, b), 0, "b: fresh, a's sixteen");
	CHECK_EQ_U64(spte_map_version(&t, a), 1, "a: kept its bump");
	spte_map_bump(&t, a - 3, a + 13); /* a and b, in one leaf's range */
	CHECK_EQ_U64(spte_map_version(&t, a), 2, "a: bumped through the full leaf");
	CHECK_EQ_U64(spte_map_version(&t, b), 1, "b: bumped");
	CHECK(!spte_map_get(&t, b, &v), "b: no SPTE yet");
	CHECK(!spte_map_set(&t, b, 9, &v), "b: first install");
	CHECK(spte_map_set(&t, a, 8, &v) && v == 7, "a: replaced, old SPTE 7");
	CHECK_EQ_U64(spte_map_track(&t, c), 0, "c: splits a's leaf off");
	spte_map_bump(&t, a, c + 1);
	CHECK_EQ_U64(spte_map_version(&t, a) * 100 + spte_map_version(&t, b) * 10 +
			     spte_map_version(&t, c),
		     321, "versions of a, b, c after a split");
	CHECK_EQ_U64(spte_map_walk(&t, 0, 1ULL << 36, false, 1, note_spte, &got, &next),
		     1, "a walk of one SPTE");
	CHECK_EQ_U64(got.last * 10 + (next == b), a * 10 + 1, "visits a, next is b");
	CHECK_EQ_U64(spte_map_walk(&t, a, b + 1, true, UINT64_MAX, note_spte, &got, NULL),
		     2, "a clearing walk over a and b");
	CHECK(!spte_map_get(&t, a, &v) && !spte_map_get(&t, b, &v), "a, b: zapped");
	CHECK_EQ_U64(spte_map_next(&t, 0, 1ULL << 36), 1ULL << 36, "none left");
	spte_map_destroy(&t);

	/* Scattered pages: one-entry leaves, not 144-byte full ones. */
	spte_map_init(&t, 1ULL << 36);
	for (uint64_t i = 0; i < SCATTERED; i++)
		spte_map_set(&t, (i << 20) + i % 16, 1, &v);
	CHECK(spte_map_bytes(&t) < SCATTERED * sizeof(struct spm_leaf),
	      "%zu bytes for %d scattered pages", spte_map_bytes(&t), SCATTERED);
	CHECK_EQ_U64(spte_map_walk(&t, 0, 1ULL << 36, true, UINT64_MAX, visit_count,
				   NULL, NULL),
		     SCATTERED, "every scattered SPTE visited");
	spte_map_destroy(&t);
}

/* An image loaded over one-entry leaves, grown ones among them, hung at
 * level 2 and above: load rebuilds full leaves, save gives the image. */
static void test_images_over_one_entry_leaves(void)
{
	enum { N = 512 };
	static uint64_t ver[N], spte[N], vout[N], sout[N];
	struct spte_map t;

	for (unsigned i = 0; i < N; i++) {
		ver[i] = i * 7 % 5;
		spte[i] = i % 3 ? 0 : i % 4 + 1;
	}
	spte_map_init(&t, 1ULL << 20);
	spte_map_set(&t, 5, 1, &(uint32_t){ 0 });   /* one-entry, high */
	spte_map_track(&t, 20);                     /* 5's hangs at level 2 */
	spte_map_track(&t, 7);                      /* grows 5's */
	spte_map_set(&t, 300, 1, &(uint32_t){ 0 }); /* one-entry at level 3 */
	check_image_round_trip(&t, ver, spte, vout, sout, N, 4, 301);
	spte_map_destroy(&t);
}

/* Range operations cost what is present, not what is spanned: a walk and a
 * bump over 2^40 keys allocate no node memory beyond the root's chunk. */
static void test_span_costs_nothing(void)
{
	struct sparse_map m;
	struct spte_map t;
	struct seen got = { 0, 0, 0, 1 };
	struct spte_seen tgot = { 0, 0, 0, 1 };
	size_t before;

	sparse_map_init(&m, 1ULL << 40);
	spte_map_init(&t, 1ULL << 40);
	before = sparse_map_bytes(&m) + spte_map_bytes(&t);
	sparse_map_walk(&m, 0, 1ULL << 40, true, note, &got);
	spte_map_walk(&t, 0, 1ULL << 40, true, UINT64_MAX, note_spte, &tgot, NULL);
	spte_map_bump(&t, 1, (1ULL << 40) - 1);
	CHECK_EQ_U64(got.n + tgot.n, 0, "walk over an empty map");
	CHECK_EQ_U64(sparse_map_bytes(&m) + spte_map_bytes(&t), before,
		     "bytes after whole-space walk and bump");
	sparse_map_set(&m, (1ULL << 40) - 1, 5, &(uint32_t){ 0 });
	CHECK_EQ_U64(spte_map_track(&t, (1ULL << 40) - 1), 0, "fresh position");
	spte_map_bump(&t, 1, 1ULL << 40);
	CHECK_EQ_U64(spte_map_version(&t, (1ULL << 40) - 1), 1, "last position bumped");
	spte_map_set(&t, (1ULL << 40) - 1, 1, &(uint32_t){ 0 });
	CHECK_EQ_U64(spte_map_next(&t, 0, 1ULL << 40), (1ULL << 40) - 1,
		     "the one SPTE, found across 2^40 keys");
	sparse_map_walk(&m, 0, 1ULL << 40, false, note, &got);
	CHECK_EQ_U64(got.n, 1, "the one entry, found across 2^40 keys");
	sparse_map_destroy(&m);
	spte_map_destroy(&t);
}

int main(void)
{
	for (uint64_t seed = 1; seed <= 4; seed++) {
		test_sparse_map(seed);
		test_spte_map(seed);
	}
	test_images();
	test_cursor_over_load();
	test_one_entry_leaves();
	test_images_over_one_entry_leaves();
	test_span_costs_nothing();
	return check_summary("test_page_maps");
}
