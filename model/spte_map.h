/* The SPTEs of a VM and the versions of what they map, in one sparse radix
 * tree keyed by SPTE index (model/radix.h): per position a presence bit,
 * the installed SPTE (the version it was installed from) and the leaf part
 * of the position's version. A fault's whole path (is the SPTE present,
 * track and snapshot the version, check it, install) reads one path of one
 * tree: on a randomly faulted 4 TiB guest that is one cold walk per fault,
 * not three (SPTEs, host-page generations, attribute generations were
 * three trees).
 *
 * Versions (SPEC section 3, model/vm.h): a position's version moves when
 * the host changes the page it maps (phase 2 of an invalidation: every
 * position mapping that host page, aliases and SMM mirrors included, is
 * bumped) and when its gfn's attributes change. The sum of two counters
 * per position in the earlier model (host page + attribute) becomes one
 * counter per position bumped by both: the same events move it by the
 * same amounts, and only equality between reads of one position matters.
 *
 * Range bumps: every node slot carries an add counter; bumping [lo, hi)
 * adds 1 to the counters of the O(16 x levels) existing children that tile
 * the range (a segment tree without push-down), and a position's version
 * is the sum of the counters on its path plus its leaf entry. A bump
 * passes over missing parts of the tree, so a position counts the bumps
 * after it was tracked (spte_map_track() creates its path), and its
 * version is that count plus a constant. Every read of a position happens
 * after its tracking (a fault tracks the position before it snapshots the
 * version, and SPTEs are only installed from snapshots), so the equalities
 * the model tests come out as with one counter per position from the
 * start. Memory grows with the positions ever tracked.
 *
 * Present SPTEs: every slot also holds its child's live mask (`live`):
 * bit i set when the child's slot i may lead to present SPTEs (a leaf
 * child: the bit its slot would have one level down, see live_bit() in
 * spte_map.c), nonzero when the child may hold any; the root's mask is
 * in the map. Zaps and audits visit present SPTEs only, and read of a
 * node only the slots on their way: O(levels) lines per SPTE visited,
 * absent runs cost nothing. Invariant: an SPTE present => the live bits
 * on its path are set. A bit may be set over an empty child (a split or
 * a race left it); walks that clear drop such bits as they pass.
 *
 * Concurrency, as KVM's SPTEs and the host's pages are used:
 *   get / version           any time (racy like READ_ONCE)
 *   track / set             concurrent with each other (faults, mmu_lock
 *                           for read); presence bits and live bits are
 *                           set leaf first, then up the path
 *   bump                    any time (phase 2 runs without mmu_lock): only
 *                           atomic adds to counters
 *   walk with clear         exclusive with set (mmu_lock for write)
 * Nodes are only ever added (model/arena.h). A version read that overlaps
 * bumps returns a count between the counts at its start and at its end;
 * counts move by one, so that value was the count at some instant of the
 * read: reads and bumps are linearisable as one counter per position.
 * Path compression: a leaf may hang above level 2; a second key
 * under it splits it into inner nodes (add counters zero, live bits set
 * over the old leaf) down to the level where the two part, made under the
 * arena's lock and published with one release store. The old leaf stays
 * where it is in memory, so a set or bump that found it by the old path
 * still lands in it, and sums do not move (the counters above still cover
 * it, the new ones are zero). A one-entry leaf that grows (see SPM_ONE
 * below) stays the same way: the full leaf put in its place, also under
 * the lock with one release store, sends its position back to it.
 */
#ifndef MODEL_SPTE_MAP_H
#define MODEL_SPTE_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/arena.h"
#include "model/radix.h"

/* Nodes (here for the inline lookups below; only spte_map.c writes their
 * structure). A slot's child pointer, add counter and live mask sit side
 * by side in 16 bytes and an inner node is 64-byte aligned
 * (model/arena.h): a lookup reads one cache line per level, and marking a
 * new SPTE present writes the lines the lookup read. A position's SPTE and
 * version sit side by side too. */
struct spm_entry {
	uint32_t spte; /* the installed version (valid when present) */
	uint32_t ver;  /* leaf part of the position's version */
};

/* A leaf's kind. A full leaf holds an entry per position of its sixteen.
 * A one-entry leaf (SPM_ONE | d, 32 bytes, e[0] only) holds position d's
 * alone: a leaf hung above level 2 (a page faulted where nothing near was)
 * usually stays alone in a large map, and on a randomly faulted 4 TiB
 * guest those are most of the map (144 bytes of a full leaf per page). A
 * map of up to 2^16 positions (9 MiB of full leaves at most) makes full
 * leaves only: there the first page of a region is soon followed by its
 * neighbours, and growing leaves would only cost time. A second position
 * of its sixteen makes a full leaf in its place (SPM_REDIR | d), whose
 * e[d] holds the one-entry leaf's address instead of an entry: position
 * d stays where it was, so a set or bump that found the one-entry leaf by
 * the old path still lands in the right place. A kind never changes. A
 * leaf that is not SPM_FULL has SPM_PARTIAL set in `base` (positions are
 * below 2^63): a lookup in a full leaf compares `base` as it always did,
 * and reads the kind only when that fails. */
#define SPM_FULL 0u
#define SPM_ONE 0x10u
#define SPM_REDIR 0x20u
#define SPM_PARTIAL (1ULL << 63)
#define SPM_ONE_BYTES 32u /* offsetof(e[1]), rounded: one line, never two */

struct spm_leaf {
	uint64_t base;    /* its first position (| SPM_PARTIAL) */
	uint32_t present; /* bit i: position base + i holds an SPTE (only the
			   * bits of positions whose entry is here) */
	uint32_t kind;    /* SPM_FULL, SPM_ONE | d or SPM_REDIR | d */
	struct spm_entry e[RADIX_FAN]; /* a one-entry leaf: e[0] only */
};

/* A leaf's first position. */
static inline uint64_t spm_base_(const struct spm_leaf *leaf)
{
	return leaf->base & ~SPM_PARTIAL;
}

/* The one-entry leaf a SPM_REDIR leaf hands its digit to. */
static inline struct spm_leaf *spm_redir_(const struct spm_leaf *leaf)
{
	struct spm_leaf *one;

	__builtin_memcpy(&one, &leaf->e[leaf->kind & (RADIX_FAN - 1)], sizeof(one));
	return one;
}

/* The entry of key in leaf (a leaf found on key's path), and in *owner
 * the leaf whose `present` holds its bit; NULL when the leaf holds no
 * entry for key (another leaf's, or a one-entry leaf of another
 * position). */
static inline struct spm_entry *spm_find_(const struct spm_leaf *leaf,
					  uint64_t key,
					  const struct spm_leaf **owner)
{
	unsigned d = radix_digit(key, 1);
	uint32_t k;

	*owner = leaf;
	if (__builtin_expect(leaf->base == radix_leaf_base(key), 1))
		return (struct spm_entry *)&leaf->e[d];
	if (leaf->base != (radix_leaf_base(key) | SPM_PARTIAL))
		return NULL;
	k = leaf->kind;
	if ((k & (RADIX_FAN - 1)) != d)
		return k & SPM_ONE ? NULL : (struct spm_entry *)&leaf->e[d];
	if (k & SPM_REDIR)
		*owner = leaf = spm_redir_(leaf);
	return (struct spm_entry *)&leaf->e[0];
}

struct spm_slot {
	void *child;   /* NULL, an inner node one level down (tagged), or a leaf */
	uint32_t add;  /* version bumps covering all of the child */
	uint32_t live; /* the child's live mask: which of its slots may lead
			* to present SPTEs (nonzero: the child may) */
};

struct spm_node {
	struct spm_slot slot[RADIX_FAN];
};

struct spte_map {
	struct arena arena;
	unsigned levels;
	uint32_t root_live; /* the root's live mask (levels > 1) */
	bool one_entry;     /* leaves hung high start as one-entry leaves */
	uint32_t loads;     /* 1 + spte_map_load()s so far: cursors of before
			     * are void */
	uint64_t n_keys;    /* positions are [0, n_keys) */
	/* Bumps begun and done (see struct spte_cursor), on a cache line of
	 * their own: invalidators write them, every fault reads one. */
	char line_[64];
	uint64_t bumps_begun;
	uint64_t bumps_done;
	char line_end_[48];
	/* The root (a node, or the leaf when levels == 1), in the map
	 * itself: a lookup finds its first slot from the map's address, one
	 * dependent load fewer on every fault's walk. 16-byte aligned (what
	 * malloc gives), so a slot never straddles two lines; the root's
	 * lines are in every walk, hot, so it need not start one. */
	union {
		struct spm_node node;
		struct spm_leaf leaf;
	} root_ __attribute__((aligned(16)));
};

/* The root node, or the root leaf when levels == 1. */
static inline void *spm_root_(const struct spte_map *m)
{
	return (void *)&m->root_;
}

void spte_map_init(struct spte_map *m, uint64_t n_keys);
void spte_map_destroy(struct spte_map *m);

/* key's entry, or NULL when it was never created; *sum gets the add
 * counters on the path (the version's part above the leaf), *owner the
 * leaf holding its presence bit. */
static inline struct spm_entry *spte_map_entry_(const struct spte_map *m,
						uint64_t key, uint32_t *sum,
						const struct spm_leaf **owner)
{
	const void *n = spm_root_(m);
	const struct spm_leaf *leaf;
	uint32_t s = 0;

	if (m->levels > 1) {
		n = radix_node_ref((void *)n);
		for (unsigned shift = RADIX_BITS * (m->levels - 1);; shift -= RADIX_BITS) {
			const struct spm_slot *sl =
				&((const struct spm_node *)radix_node(n))
					 ->slot[(key >> shift) & (RADIX_FAN - 1)];

			/* The counter first: read after the child, it would
			 * need the slot's address kept apart from n. The
			 * order does not matter: the counter covers
			 * whichever child hangs there (a split keeps it),
			 * so either way the sum is a count at some instant
			 * of the read. */
			s += __atomic_load_n(&sl->add, __ATOMIC_RELAXED);
			n = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);
			if (!radix_is_node(n))
				break;
		}
	}
	*sum = s;
	leaf = n;
	return leaf ? spm_find_(leaf, key, owner) : NULL;
}

/* The SPTE at key: true and *val (the version it was installed from) when
 * present. Follows the live bits, not only the children: an absent SPTE
 * is usually known absent high in the tree, where the nodes are few and
 * cached (a fault's first look at a page of a 4 TiB guest, after
 * invalidations zapped around it). An SPTE being installed concurrently
 * may read absent until its live bits are set: the read is ordered before
 * the install, as any racy read may be. */
static inline bool spte_map_get(const struct spte_map *m, uint64_t key,
				uint32_t *val)
{
	const void *n = spm_root_(m);
	const struct spm_leaf *leaf, *owner;
	const struct spm_entry *e;
	unsigned d = radix_digit(key, 1);

	if (m->levels > 1) {
		uint32_t live = __atomic_load_n(&m->root_live, __ATOMIC_RELAXED);

		n = radix_node_ref((void *)n);
		for (unsigned shift = RADIX_BITS * (m->levels - 1);; shift -= RADIX_BITS) {
			unsigned i = (unsigned)(key >> shift) & (RADIX_FAN - 1);
			const struct spm_slot *sl =
				&((const struct spm_node *)radix_node(n))->slot[i];

			if (!(live & (1u << i)))
				return false;
			n = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);
			if (!radix_is_node(n))
				break;
			live = __atomic_load_n(&sl->live, __ATOMIC_RELAXED);
		}
	}
	leaf = n;
	if (!leaf || !(e = spm_find_(leaf, key, &owner)) ||
	    !(__atomic_load_n(&owner->present, __ATOMIC_RELAXED) & (1u << d)))
		return false;
	*val = __atomic_load_n(&e->spte, __ATOMIC_RELAXED);
	return true;
}

/* The position's version (a position never tracked reads a partial sum). */
static inline uint32_t spte_map_version(const struct spte_map *m, uint64_t key)
{
	uint32_t sum;
	const struct spm_leaf *owner;
	const struct spm_entry *e = spte_map_entry_(m, key, &sum, &owner);

	return e ? sum + __atomic_load_n(&e->ver, __ATOMIC_RELAXED) : sum;
}

/* What tracking a position learnt, so that the fault's check and install
 * need no walk of their own (a fault tracks once, then checks and installs
 * the same position): its entry and the leaf holding its presence bit,
 * which stay where they are until a load (see above), and the map's bump
 * count at the version read. A cache, not state: a zeroed cursor (what the
 * explorer's canonical actor holds) or one from before a load only costs
 * the walks it would have saved.
 *
 * The bump count: spte_map_bump() adds one to bumps_begun before its
 * counters and to bumps_done after. A version read after seeing the two
 * equal (every bump begun was done) is exact; if bumps_begun is still the
 * same later, no bump began in between, so the version has not moved:
 * a seqlock whose readers never retry, they walk instead. */
struct spte_cursor {
	struct spm_entry *e;
	const struct spm_leaf *owner;
	uint64_t bumps;             /* bumps_begun then, or SPTE_CURSOR_BUSY */
	uint32_t loads;             /* m->loads then; 0: empty */
	uint32_t bit;               /* the position's bit in owner->present */
};

#define SPTE_CURSOR_BUSY UINT64_MAX /* a bump was in progress at the read */

uint32_t spte_map_track_slow_(struct spte_map *m, uint64_t key,
			      struct spte_cursor *c);

/* Tracks the position (creates its path), then returns its version and
 * fills *c. A position already tracked costs one lookup. */
static inline uint32_t spte_map_track_at(struct spte_map *m, uint64_t key,
					 struct spte_cursor *c)
{
	uint64_t done = __atomic_load_n(&m->bumps_done, __ATOMIC_ACQUIRE);
	uint64_t begun = __atomic_load_n(&m->bumps_begun, __ATOMIC_ACQUIRE);
	const struct spm_leaf *owner;
	uint32_t sum;
	struct spm_entry *e = spte_map_entry_(m, key, &sum, &owner);

	if (!e)
		return spte_map_track_slow_(m, key, c);
	c->e = e;
	c->owner = owner;
	c->bumps = begun == done ? begun : SPTE_CURSOR_BUSY;
	c->loads = m->loads;
	c->bit = 1u << radix_digit(key, 1);
	return sum + __atomic_load_n(&e->ver, __ATOMIC_RELAXED);
}

/* The same without a cursor. */
static inline uint32_t spte_map_track(struct spte_map *m, uint64_t key)
{
	struct spte_cursor c;

	return spte_map_track_at(m, key, &c);
}

/* Whether the cursor's entry is still the position's (no load since). */
static inline bool spte_cursor_valid(const struct spte_map *m,
				     const struct spte_cursor *c)
{
	return c->loads == m->loads;
}

/* True when the position's version is for sure still the one
 * spte_map_track_at() returned with c (no bump began since); false when
 * it may have moved: read it again. The fence pairs with the one in
 * spte_map_bump(): a version read that saw a bump's counter makes this
 * read see that bump begun. */
static inline bool spte_map_unmoved(const struct spte_map *m,
				    const struct spte_cursor *c)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return spte_cursor_valid(m, c) &&
	       c->bumps == __atomic_load_n(&m->bumps_begun, __ATOMIC_RELAXED);
}

/* Installs the SPTE (present, value val), tracking the position if it was
 * not. Returns whether one was present before, and its old value in *old
 * then. One lookup, which records the path the live bits go on: a fault
 * installs where no SPTE is (a present one is served without a fault), so
 * a lookup that only served replacements would be a second walk for most
 * installs. */
bool spte_map_set(struct spte_map *m, uint64_t key, uint32_t val,
		  uint32_t *old);

bool spte_map_set_absent_(struct spte_map *m, uint64_t key,
			  const struct spte_cursor *c, uint32_t val);

/* The common case of spte_map_set_at() below: the cursor is valid and an
 * SPTE is present there. Then it replaces it (true, and *old); otherwise
 * it does nothing and returns false. It needs no key, so a caller can
 * find one for the other cases only. */
static inline bool spte_map_replace_at(struct spte_map *m,
				       const struct spte_cursor *c,
				       uint32_t val, uint32_t *old)
{
	if (!spte_cursor_valid(m, c) ||
	    !(__atomic_load_n(&c->owner->present, __ATOMIC_RELAXED) & c->bit))
		return false;
	*old = __atomic_load_n(&c->e->spte, __ATOMIC_RELAXED);
	__atomic_store_n(&c->e->spte, val, __ATOMIC_RELAXED);
	return true;
}

/* The rest of spte_map_set_at(), where spte_map_replace_at() said false:
 * an install where none is walks only to set the live bits; a void
 * cursor, a whole spte_map_set(). */
static inline bool spte_map_install_at(struct spte_map *m, uint64_t key,
				       const struct spte_cursor *c,
				       uint32_t val, uint32_t *old)
{
	return spte_cursor_valid(m, c) ? spte_map_set_absent_(m, key, c, val)
				       : spte_map_set(m, key, val, old);
}

/* spte_map_set() of the position c was filled for. */
static inline bool spte_map_set_at(struct spte_map *m, uint64_t key,
				   const struct spte_cursor *c, uint32_t val,
				   uint32_t *old)
{
	return spte_map_replace_at(m, c, val, old) ||
	       spte_map_install_at(m, key, c, val, old);
}

/* The versions of positions [lo, hi) move by one. */
void spte_map_bump(struct spte_map *m, uint64_t lo, uint64_t hi);

/* Calls fn for the first `max` present SPTEs (UINT64_MAX: all) in [lo, hi),
 * in key order, with the SPTE and the position's current version; with
 * `clear` they are made absent as they are visited. Returns how many it
 * visited; *next (may be NULL) gets the first present key in [lo, hi) it
 * did not visit, or hi when none is left (lo when the range is empty).
 * O(levels) per SPTE visited plus one descent to *next, whatever the
 * range's size: a zap that may stop after N SPTEs (a lock hold's budget)
 * learns in the same walk whether any remain. */
typedef void (*spte_map_fn)(void *ctx, uint64_t key, uint32_t spte,
			    uint32_t version);
uint64_t spte_map_walk(struct spte_map *m, uint64_t lo, uint64_t hi, bool clear,
		       uint64_t max, spte_map_fn fn, void *ctx, uint64_t *next);

/* The first present key in [lo, hi), or hi (at most n_keys) when none. */
uint64_t spte_map_next(struct spte_map *m, uint64_t lo, uint64_t hi);

/* Dense image of positions [0, n) (n <= n_keys), for the explorer's
 * canonical state: save writes every version and every SPTE (value + 1,
 * 0: absent); load rebuilds the tree uncompressed with every position
 * tracked, add counters zero. Not concurrent. */
void spte_map_save(const struct spte_map *m, uint64_t *ver, uint64_t *spte,
		   uint64_t n);
void spte_map_load(struct spte_map *m, const uint64_t *ver,
		   const uint64_t *spte, uint64_t n);

/* Bytes of node memory held (grows with the positions ever tracked). */
size_t spte_map_bytes(const struct spte_map *m);

#endif
