#include "model/spte_map.h"

#include <string.h>

#include "model/radix.h"
#include "model/types.h"

/* The live bit a slot at `level` holds for a leaf with first key base
 * below it: the bit of base's slot in the node one level down, where the
 * leaf sits or its path goes on. A leaf hung above level 2 carries the bit
 * it would have uncompressed, so a split under the slot leaves its mask
 * right for the new node. */
static inline uint32_t live_bit(uint64_t base, unsigned level)
{
	return 1u << radix_digit(base, level - 1);
}

void spte_map_init(struct spte_map *m, uint64_t n_keys)
{
	arena_init(&m->arena);
	m->n_keys = n_keys;
	m->levels = radix_levels(n_keys);
	m->root_live = 0;
	m->one_entry = m->levels > 4;
	m->loads = 1;
	m->bumps_begun = m->bumps_done = 0;
	memset(&m->root_, 0, sizeof(m->root_));
}

void spte_map_destroy(struct spte_map *m)
{
	arena_destroy(&m->arena);
}

size_t spte_map_bytes(const struct spte_map *m)
{
	return m->arena.bytes;
}

/* ---- making paths -------------------------------------------------------- */

/* Follows key's path from the root while it exists, recording in path[l]
 * the slot taken at level l: returns the leaf of key's sixteen positions
 * (*l: its parent's level; it may be a one-entry leaf of another of
 * them), or NULL at the slot that is empty or holds another leaf (*n, *l:
 * that slot's node and level). The arena's lock is held (every node was
 * published under it: relaxed loads see them). */
static struct spm_leaf *follow(const struct spte_map *m, uint64_t key,
			       struct spm_node **n, unsigned *l,
			       struct spm_slot **path)
{
	*n = spm_root_(m);
	for (*l = m->levels;; --*l) {
		struct spm_slot *sl = &(*n)->slot[radix_digit(key, *l)];
		void *c = __atomic_load_n(&sl->child, __ATOMIC_RELAXED);

		path[*l] = sl;
		if (!radix_is_node(c)) {
			struct spm_leaf *leaf = c;

			return leaf && spm_base_(leaf) == radix_leaf_base(key) ? leaf : NULL;
		}
		*n = radix_node(c);
	}
}

/* A full leaf in the place of the one-entry leaf `one` (slot: where it
 * hangs), its digit handed back to it (SPM_REDIR). */
static struct spm_leaf *grow_leaf(struct spte_map *m, struct spm_slot *slot,
				  struct spm_leaf *one)
{
	struct spm_leaf *full = arena_alloc_locked(&m->arena, sizeof(*full));
	unsigned d = one->kind & (RADIX_FAN - 1);

	full->base = one->base; /* SPM_PARTIAL too */
	full->kind = SPM_REDIR | d;
	__builtin_memcpy(&full->e[d], &one, sizeof(one));
	__atomic_store_n(&slot->child, full, __ATOMIC_RELEASE);
	return full;
}

/* The leaf holding key's entry, created if missing; path[l] = the slot
 * taken at level l, from the leaf's parent's level up (the levels below
 * it stay unset when the leaf hangs high). A missing leaf goes in the
 * empty slot where the path stops, or, when another leaf sits there,
 * splits it: inner nodes down to the level where the two keys part (add
 * counters zero: the counters above still cover the old leaf; live bits
 * set along its path: its entries may be present), the old leaf hung from
 * the last one. Made as one zeroed block (inner nodes first), linked,
 * published with one release store. The new leaf is a one-entry leaf when
 * it hangs above level 2 (nothing else within 256 positions) in a large
 * map (one_entry), else full.
 * A one-entry leaf of another of key's sixteen grows (grow_leaf()). *top:
 * the leaf's parent's level. */
static struct spm_leaf *make_leaf(struct spte_map *m, uint64_t key,
				  struct spm_slot **path, unsigned *top)
{
	const struct spm_leaf *owner;
	struct spm_node *n;
	struct spm_leaf *leaf;
	unsigned l, d = radix_digit(key, 1);

	arena_lock(&m->arena);
	leaf = follow(m, key, &n, &l, path);
	if (leaf && !spm_find_(leaf, key, &owner)) {
		leaf = grow_leaf(m, path[l], leaf);
	} else if (!leaf) {
		struct spm_slot *slot = path[l];
		void *old = __atomic_load_n(&slot->child, __ATOMIC_RELAXED);
		uint64_t base = radix_leaf_base(key), old_base = 0;
		unsigned split = l;
		struct spm_node *in, *first;
		bool one;

		if (old) {
			old_base = spm_base_(old);
			split = radix_split_level(old_base, base);
		}
		one = m->one_entry && split > 2;
		first = in = arena_alloc_locked(&m->arena,
						(l - split) * sizeof(struct spm_node) +
							(one ? SPM_ONE_BYTES
							     : sizeof(struct spm_leaf)));
		leaf = (struct spm_leaf *)(in + (l - split));
		leaf->base = one ? base | SPM_PARTIAL : base;
		leaf->kind = one ? SPM_ONE | d : SPM_FULL;
		for (unsigned k = l - 1; k >= split; k--, in++) {
			struct spm_slot *mine = &in->slot[radix_digit(key, k)];

			path[k] = mine;
			if (k > split) {
				mine->child = radix_node_ref(in + 1);
				/* The old leaf is below: its entries may be
				 * present. */
				mine->live = live_bit(old_base, k);
			} else {
				struct spm_slot *theirs = &in->slot[radix_digit(old_base, k)];

				mine->child = leaf;
				theirs->child = old;
				theirs->live = live_bit(old_base, k);
			}
		}
		__atomic_store_n(&slot->child,
				 split < l ? radix_node_ref(first) : (void *)leaf,
				 __ATOMIC_RELEASE);
		l = split;
	}
	arena_unlock(&m->arena);
	*top = l;
	return leaf;
}

uint32_t spte_map_track_slow_(struct spte_map *m, uint64_t key,
			      struct spte_cursor *c)
{
	struct spm_slot *path[RADIX_MAX_LEVELS + 1];
	uint64_t done = __atomic_load_n(&m->bumps_done, __ATOMIC_ACQUIRE);
	uint64_t begun = __atomic_load_n(&m->bumps_begun, __ATOMIC_ACQUIRE);
	struct spm_entry *e;
	struct spm_leaf *leaf;
	uint32_t sum = 0;
	unsigned top;

	c->loads = 0; /* levels == 1: every position has its entry, found */
	if (m->levels == 1)
		return spte_map_version(m, key);
	/* Path first, then the sum: every counter read then is one the
	 * position's bumps land on from now on. The slots make_leaf()
	 * passed are the path a new walk would take, but for inner nodes a
	 * racing split may hang below path[top], whose counters are zero
	 * then; a bump counted there and not here is one that overlapped
	 * this read: the sum is still the count at some instant of it (a
	 * bump moves one counter of a position's path). */
	leaf = make_leaf(m, key, path, &top);
	for (unsigned l = top; l <= m->levels; l++)
		sum += __atomic_load_n(&path[l]->add, __ATOMIC_RELAXED);
	e = spm_find_(leaf, key, &c->owner);
	c->e = e;
	c->bumps = begun == done ? begun : SPTE_CURSOR_BUSY;
	c->loads = m->loads;
	c->bit = 1u << radix_digit(key, 1);
	return sum + __atomic_load_n(&e->ver, __ATOMIC_RELAXED);
}

static void set_live(uint32_t *mask, uint32_t bit)
{
	if (!(READ_ONCE(*mask) & bit))
		__atomic_fetch_or(mask, bit, __ATOMIC_RELAXED);
}

/* Sets the presence bit of key's entry (in leaf, its owner), then the live bits of its path:
 * in each slot of path[top .. levels] the bit of the child's slot on the
 * path, then the root's. Atomic ors: faults mark concurrently. */
static void mark_present(struct spte_map *m, struct spm_leaf *leaf,
			 struct spm_slot **path, unsigned top, uint64_t key)
{
	uint32_t bit = 1u << radix_digit(key, 1);
	uint64_t base = radix_leaf_base(key);

	if (READ_ONCE(leaf->present) & bit)
		return;
	__atomic_fetch_or(&leaf->present, bit, __ATOMIC_RELAXED);
	if (m->levels == 1)
		return;
	for (unsigned l = top; l <= m->levels; l++)
		set_live(&path[l]->live, live_bit(base, l));
	set_live(&m->root_live, 1u << radix_digit(base, m->levels));
}

/* The leaf holding key's entry found without the lock (NULL when
 * missing), path[] and *top as make_leaf's. A split racing with it hangs a new inner node under a
 * recorded slot, with live bits set along the leaf's path, and the bit
 * the recorded slot gets for the leaf is the one of that new node's slot
 * leading to it (live_bit()): marking the recorded slots is still
 * enough. */
static struct spm_leaf *find_path(const struct spte_map *m, uint64_t key,
				  struct spm_slot **path, unsigned *top)
{
	struct spm_node *n = spm_root_(m);

	for (unsigned l = m->levels;; l--) {
		struct spm_slot *sl = &n->slot[radix_digit(key, l)];
		void *c = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);

		path[l] = sl;
		if (!radix_is_node(c)) {
			struct spm_leaf *leaf = c;
			const struct spm_leaf *owner;

			*top = l;
			return leaf && spm_find_(leaf, key, &owner) ? leaf : NULL;
		}
		n = radix_node(c);
	}
}

bool spte_map_set(struct spte_map *m, uint64_t key, uint32_t val,
		  uint32_t *old)
{
	struct spm_slot *path[RADIX_MAX_LEVELS + 1];
	unsigned top = 1, d = radix_digit(key, 1);
	struct spm_leaf *leaf = spm_root_(m);
	const struct spm_leaf *owner;
	struct spm_entry *e;

	/* A fault installs where it tracked the version: the leaf is
	 * usually there, and only the path's slots are needed. */
	if (m->levels > 1 && !(leaf = find_path(m, key, path, &top)))
		leaf = make_leaf(m, key, path, &top);
	e = spm_find_(leaf, key, &owner);
	bool had = READ_ONCE(owner->present) & (1u << d);

	if (had)
		*old = READ_ONCE(e->spte);
	WRITE_ONCE(e->spte, val);
	if (!had)
		mark_present(m, (struct spm_leaf *)owner, path, top, key);
	return had;
}

bool spte_map_set_absent_(struct spte_map *m, uint64_t key,
			  const struct spte_cursor *c, uint32_t val)
{
	struct spm_slot *path[RADIX_MAX_LEVELS + 1];
	unsigned top = 1;

	WRITE_ONCE(c->e->spte, val);
	/* The leaf's path as it is now: a split since the tracking hangs
	 * new nodes in it, with their live bits set over the leaf. */
	if (m->levels > 1 && !find_path(m, key, path, &top))
		return spte_map_set(m, key, val, &(uint32_t){ 0 });
	mark_present(m, (struct spm_leaf *)c->owner, path, top, key);
	return false;
}

/* ---- bumps --------------------------------------------------------------- */

/* The bit of the position a leaf holds apart (SPM_ONE, SPM_REDIR: its
 * entry is e[0] of a one-entry leaf, its presence bit there too), or 0 (a
 * full leaf). */
static inline uint32_t apart_bit(const struct spm_leaf *leaf)
{
	return leaf->kind ? 1u << (leaf->kind & (RADIX_FAN - 1)) : 0;
}

/* The one-entry leaf holding that position. */
static inline struct spm_leaf *apart_leaf(struct spm_leaf *leaf)
{
	return leaf->kind & SPM_REDIR ? spm_redir_(leaf) : leaf;
}

/* bump_leaf() of a leaf that is not full. */
static void bump_partial(struct spm_leaf *leaf, uint64_t lo, uint64_t hi)
{
	uint64_t base = spm_base_(leaf);
	uint32_t want, apart = apart_bit(leaf);

	if (base >= hi || base + RADIX_FAN <= lo)
		return;
	want = radix_range_mask(base, 1, lo, hi);
	if (want & apart)
		__atomic_fetch_add(&apart_leaf(leaf)->e[0].ver, 1, __ATOMIC_RELAXED);
	if (leaf->kind & SPM_ONE)
		return;
	for (want &= ~apart; want; want &= want - 1)
		__atomic_fetch_add(&leaf->e[__builtin_ctz(want)].ver, 1, __ATOMIC_RELAXED);
}

/* A leaf's part of a bump (it may hang above level 2: check overlap). */
static void bump_leaf(struct spm_leaf *leaf, uint64_t lo, uint64_t hi)
{
	uint64_t base = leaf->base;

	if (base & SPM_PARTIAL) {
		bump_partial(leaf, lo, hi);
		return;
	}
	if (base >= hi || base + RADIX_FAN <= lo)
		return;
	for (uint32_t want = radix_range_mask(base, 1, lo, hi); want; want &= want - 1)
		__atomic_fetch_add(&leaf->e[__builtin_ctz(want)].ver, 1, __ATOMIC_RELAXED);
}

/* A counter is added to only over an existing child: a position under a
 * missing one is not tracked yet, and counts only the bumps after its
 * tracking anyway, so a bump touches what exists. */
static void bump(struct spm_node *node, unsigned level, uint64_t base,
		 uint64_t lo, uint64_t hi)
{
	uint32_t want;
	unsigned shift;

	/* Down without a call per level while the range lies in one child,
	 * an inner node it does not cover (a small range: most levels). */
	for (;;) {
		uint64_t cb;
		void *c;
		unsigned i;

		want = radix_range_mask(base, level, lo, hi);
		shift = RADIX_BITS * (level - 1);
		if (want & (want - 1))
			break;
		i = (unsigned)__builtin_ctz(want);
		cb = base + ((uint64_t)i << shift);
		c = __atomic_load_n(&node->slot[i].child, __ATOMIC_ACQUIRE);
		if (!radix_is_node(c) || (lo <= cb && cb + (1ULL << shift) <= hi))
			break;
		base = cb;
		node = radix_node(c);
		level--;
	}
	/* The range covers every child in want but its first and last,
	 * which it may cover in part (its edges): those are descended, the
	 * others take the bump in their counter. */
	unsigned first = (unsigned)__builtin_ctz(want), last = 31 - (unsigned)__builtin_clz(want);
	uint32_t edges = 0;

	if (lo > base + ((uint64_t)first << shift))
		edges |= 1u << first;
	if (hi < base + ((uint64_t)last << shift) + (1ULL << shift))
		edges |= 1u << last;
	for (uint32_t m = want & ~edges; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);

		if (__atomic_load_n(&node->slot[i].child, __ATOMIC_RELAXED))
			__atomic_fetch_add(&node->slot[i].add, 1, __ATOMIC_RELAXED);
	}
	for (; edges; edges &= edges - 1) {
		unsigned i = (unsigned)__builtin_ctz(edges);
		uint64_t cb = base + ((uint64_t)i << shift);
		void *c = __atomic_load_n(&node->slot[i].child, __ATOMIC_ACQUIRE);

		if (!radix_is_node(c)) {
			if (c)
				bump_leaf(c, lo, hi);
		} else {
			bump(radix_node(c), level - 1, cb, lo, hi);
		}
	}
}

void spte_map_bump(struct spte_map *m, uint64_t lo, uint64_t hi)
{
	if (hi > m->n_keys)
		hi = m->n_keys;
	if (lo >= hi)
		return;
	/* Begun before the first counter moves (the fence: a reader that
	 * sees a counter moved sees this too), done after the last. */
	__atomic_fetch_add(&m->bumps_begun, 1, __ATOMIC_SEQ_CST);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	if (m->levels == 1)
		bump_leaf(spm_root_(m), lo, hi);
	else
		bump(spm_root_(m), m->levels, 0, lo, hi);
	__atomic_fetch_add(&m->bumps_done, 1, __ATOMIC_RELEASE);
}

/* ---- walks --------------------------------------------------------------- */

/* One walk's parameters and progress. */
struct walk_ctx {
	uint64_t lo, hi;
	bool clear;
	spte_map_fn fn;
	void *ctx;
	uint64_t left; /* SPTEs it may still visit */
	uint64_t next; /* the first present SPTE it did not visit, or hi */
	bool stopped;  /* found it: visit nothing more */
};

/* Visits position key (entry e) for a walk, or stops it there when it
 * may visit no more: returns whether it visited. */
static inline bool visit(struct walk_ctx *w, uint64_t key,
			 const struct spm_entry *e, uint32_t sum)
{
	if (!w->left) {
		w->next = key;
		w->stopped = true;
		return false;
	}
	w->left--;
	w->fn(w->ctx, key, READ_ONCE(e->spte),
	      sum + __atomic_load_n(&e->ver, __ATOMIC_RELAXED));
	return true;
}

/* walk_leaf() of a leaf that is not full: the position it holds apart
 * (apart_bit()) is visited in key order with the others, its entry and
 * presence bit read and cleared in its one-entry leaf. */
static bool walk_partial(struct spm_leaf *leaf, uint32_t sum, struct walk_ctx *w)
{
	uint64_t base = spm_base_(leaf);
	uint32_t apart = apart_bit(leaf), want, done = 0;
	struct spm_leaf *one = apart_leaf(leaf);
	uint32_t present = READ_ONCE(leaf->present) | READ_ONCE(one->present);

	if (base >= w->hi || base + RADIX_FAN <= w->lo) /* a compressed leaf */
		return present != 0;
	want = radix_range_mask(base, 1, w->lo, w->hi);
	for (uint32_t m = present & want; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);

		if (!visit(w, base + i, apart & (1u << i) ? &one->e[0] : &leaf->e[i],
			   sum))
			break;
		done |= 1u << i;
	}
	if (w->clear && done) {
		present &= ~done;
		if (done & apart)
			WRITE_ONCE(one->present, present & apart);
		if (done & ~apart)
			WRITE_ONCE(leaf->present, present & ~apart);
	}
	return present != 0;
}

/* A leaf's part of a walk; sum: the add counters above it. Returns whether
 * it may still hold present SPTEs. */
static bool walk_leaf(struct spm_leaf *leaf, uint32_t sum, struct walk_ctx *w)
{
	uint64_t base = leaf->base;
	uint32_t present, want, done = 0;

	if (base & SPM_PARTIAL)
		return walk_partial(leaf, sum, w);
	present = READ_ONCE(leaf->present);
	if (base >= w->hi || base + RADIX_FAN <= w->lo) /* a compressed leaf */
		return present != 0;
	want = radix_range_mask(base, 1, w->lo, w->hi);
	for (uint32_t m = present & want; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);

		if (!visit(w, base + i, &leaf->e[i], sum))
			break;
		done |= 1u << i;
	}
	if (w->clear && done) {
		present &= ~done;
		WRITE_ONCE(leaf->present, present);
	}
	return present != 0;
}

static uint32_t walk_node(struct spm_node *node, unsigned level, uint64_t base,
			  uint32_t sum, uint32_t live, uint32_t want,
			  unsigned shift, struct walk_ctx *w);

/* Walks the inner node at `level` whose first key is base; sum: the add
 * counters above it; live: its live mask (held in its parent's slot).
 * Only the slots in range whose live bit is set are read: one line per
 * node on the way to a present SPTE, not the node's sixteen flags.
 * Returns the node's mask after the walk: a clearing walk drops the bits
 * of children it found empty; bits out of range, or past where the walk
 * stopped, stay as they were (a later walk over the rest clears them). */
static uint32_t walk(struct spm_node *node, unsigned level, uint64_t base,
		     uint32_t sum, uint32_t live, struct walk_ctx *w)
{
	/* The single-child descent: per level passed, its slot, the mask
	 * read there (the child's) and the node's own mask and bit. */
	struct spm_slot *chain[RADIX_MAX_LEVELS];
	uint32_t chain_sub[RADIX_MAX_LEVELS], chain_live[RADIX_MAX_LEVELS];
	uint32_t chain_bit[RADIX_MAX_LEVELS], want;
	unsigned shift, depth = 0;

	/* Down without a call per level while one live slot in range leads
	 * on to an inner node (a zap of a small range, or of a slot whose
	 * positions sit under one subtree: most levels). */
	for (;;) {
		uint32_t m;
		unsigned i;
		void *c;

		want = radix_range_mask(base, level, w->lo, w->hi);
		shift = RADIX_BITS * (level - 1);
		m = want & live;
		if (!m || (m & (m - 1)))
			break;
		i = (unsigned)__builtin_ctz(m);
		c = __atomic_load_n(&node->slot[i].child, __ATOMIC_ACQUIRE);
		if (!radix_is_node(c))
			break;
		chain[depth] = &node->slot[i];
		chain_live[depth] = live;
		chain_bit[depth] = m;
		live = chain_sub[depth] = READ_ONCE(node->slot[i].live);
		sum += READ_ONCE(node->slot[i].add);
		depth++;
		base += (uint64_t)i << shift;
		node = radix_node(c);
		level--;
	}
	live = walk_node(node, level, base, sum, live, want, shift, w);
	/* Back up: the masks as walk_node() leaves a slot's. */
	while (depth--) {
		uint32_t now = live;

		live = chain_live[depth];
		if (w->clear) {
			if (now != chain_sub[depth])
				WRITE_ONCE(chain[depth]->live, now);
			if (!now)
				live &= ~chain_bit[depth];
		}
	}
	return live;
}

/* walk()'s part at one node: every live slot in range (want). */
static uint32_t walk_node(struct spm_node *node, unsigned level, uint64_t base,
			  uint32_t sum, uint32_t live, uint32_t want,
			  unsigned shift, struct walk_ctx *w)
{
	for (uint32_t m = want & live; m; m &= m - 1) {
		unsigned i = (unsigned)__builtin_ctz(m);
		struct spm_slot *sl = &node->slot[i];
		uint64_t cb = base + ((uint64_t)i << shift);
		uint32_t sub, now;
		void *c;

		if (w->stopped)
			break;
		c = __atomic_load_n(&sl->child, __ATOMIC_ACQUIRE);
		sub = READ_ONCE(sl->live);
		if (!c)
			now = 0;
		else if (!radix_is_node(c))
			now = walk_leaf(c, sum + READ_ONCE(sl->add), w) ? sub : 0;
		else
			now = walk(radix_node(c), level - 1, cb, sum + READ_ONCE(sl->add), sub, w);
		if (w->clear) {
			if (now != sub)
				WRITE_ONCE(sl->live, now);
			if (!now)
				live &= ~(1u << i);
		}
	}
	return live;
}

uint64_t spte_map_walk(struct spte_map *m, uint64_t lo, uint64_t hi, bool clear,
		       uint64_t max, spte_map_fn fn, void *ctx, uint64_t *next)
{
	struct walk_ctx w = { .clear = clear, .fn = fn, .ctx = ctx, .left = max };

	if (hi > m->n_keys)
		hi = m->n_keys;
	w.lo = lo;
	w.hi = w.next = hi;
	if (lo < hi) {
		if (m->levels == 1)
			walk_leaf(spm_root_(m), 0, &w);
		else {
			uint32_t live = READ_ONCE(m->root_live);
			uint32_t now = walk(spm_root_(m), m->levels, 0, 0, live, &w);

			if (clear && now != live)
				WRITE_ONCE(m->root_live, now);
		}
	}
	if (next)
		*next = lo < hi ? w.next : lo;
	return max - w.left;
}

static void visit_none(void *ctx, uint64_t key, uint32_t spte, uint32_t version)
{
	(void)ctx;
	(void)key;
	(void)spte;
	(void)version;
}

uint64_t spte_map_next(struct spte_map *m, uint64_t lo, uint64_t hi)
{
	uint64_t next;

	spte_map_walk(m, lo, hi, false, 0, visit_none, NULL, &next);
	return next;
}

/* ---- explorer images ----------------------------------------------------- */

void spte_map_save(const struct spte_map *m, uint64_t *ver, uint64_t *spte,
		   uint64_t n)
{
	for (uint64_t p = 0; p < n; p++) {
		uint32_t v;

		ver[p] = spte_map_version(m, p);
		spte[p] = spte_map_get(m, p, &v) ? (uint64_t)v + 1 : 0;
	}
}

/* Returns whether the leaf holds a present SPTE. */
static bool load_leaf(struct spm_leaf *leaf, uint64_t base, const uint64_t *ver,
		      const uint64_t *spte, uint64_t count)
{
	leaf->base = base;
	leaf->present = 0;
	leaf->kind = SPM_FULL;
	for (unsigned i = 0; i < RADIX_FAN; i++) {
		bool in = base + i < count;

		leaf->e[i].ver = in ? (uint32_t)ver[base + i] : 0;
		leaf->e[i].spte = in && spte[base + i] ? (uint32_t)(spte[base + i] - 1) : 0;
		if (in && spte[base + i])
			leaf->present |= 1u << i;
	}
	return leaf->present != 0;
}

/* Rebuilds uncompressed: every leaf a full one at level 1 (a compressed
 * or partial one is dropped, its positions reloaded from the image like
 * all others); live masks exact. Returns the node's live mask. */
static uint32_t load(struct spte_map *m, struct spm_node *node, unsigned level,
		 uint64_t base, const uint64_t *ver, const uint64_t *spte,
		 uint64_t count)
{
	uint64_t span = radix_child_span(level);
	uint32_t mask = 0;

	for (unsigned i = 0; i < RADIX_FAN; i++) {
		struct spm_slot *sl = &node->slot[i];
		uint64_t cb = base + i * span;
		void *c = sl->child;

		sl->add = 0;
		sl->live = 0;
		if (radix_is_leaf(c) &&
		    (level > 2 || ((struct spm_leaf *)c)->kind != SPM_FULL))
			c = sl->child = NULL;
		if (cb >= count && !c)
			continue;
		if (level == 2) {
			if (!c) {
				c = arena_alloc(&m->arena, sizeof(struct spm_leaf));
				sl->child = c;
			}
			sl->live = load_leaf(c, cb, ver, spte, count)
				? live_bit(cb, level) : 0;
		} else {
			if (!c)
				sl->child = radix_node_ref(
					c = arena_alloc(&m->arena, sizeof(struct spm_node)));
			else
				c = radix_node(c);
			sl->live = load(m, c, level - 1, cb, ver, spte, count);
		}
		if (sl->live)
			mask |= 1u << i;
	}
	return mask;
}

void spte_map_load(struct spte_map *m, const uint64_t *ver,
		   const uint64_t *spte, uint64_t n)
{
	m->loads++; /* a partial leaf is dropped: its entries move */
	if (m->levels == 1)
		load_leaf(spm_root_(m), 0, ver, spte, n);
	else
		m->root_live = load(m, spm_root_(m), m->levels, 0, ver, spte, n);
}
