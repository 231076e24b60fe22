/* Shape shared by the two sparse page maps (model/spte_map.h,
 * model/sparse_map.h): a radix tree of 16-way nodes over a key space fixed at
 * init, deep enough for its largest key. Sixteen ways keep a node of a
 * scattered key small (a 4 TiB guest faulted at random pages needs one path
 * per page); a 4096-page guest is three levels and a few KiB.
 *
 * Level 1 is the leaf level; the root is at level `levels` (a leaf when
 * levels == 1). A child at level l covers 16^(l-1) keys.
 *
 * Path compression: a child slot holds NULL, an inner node exactly one
 * level down, tagged with bit 0, or a leaf, which may hang at any level
 * and carries its first key. The node is the tagged one: a lookup goes on
 * while bit 0 is set and asks whether it found anything (NULL) only once,
 * after the loop (the tag comes off in the address arithmetic). A new
 * key in an empty subtree is one leaf, not a chain of single-child nodes
 * down to level 1; a second key under such a
 * leaf splits it into inner nodes down to the level where the two differ.
 * A scattered key (a 4 TiB guest faulted at random) costs one leaf and a
 * short path, not levels x a node.
 */
#ifndef MODEL_RADIX_H
#define MODEL_RADIX_H

#include <stdint.h>

#define RADIX_BITS 4
#define RADIX_FAN (1u << RADIX_BITS)
#define RADIX_FAN_MASK ((1u << RADIX_FAN) - 1) /* every child */
#define RADIX_MAX_LEVELS 16 /* 64-bit keys */

/* Levels needed for keys [0, n_keys). */
static inline unsigned radix_levels(uint64_t n_keys)
{
	unsigned bits = n_keys > 1 ? 64 - (unsigned)__builtin_clzll(n_keys - 1) : 1;

	return (bits + RADIX_BITS - 1) / RADIX_BITS;
}

/* Slot contents (see path compression above). */
static inline int radix_is_node(const void *p)
{
	return (int)((uintptr_t)p & 1);
}
static inline int radix_is_leaf(const void *p)
{
	return p && !radix_is_node(p);
}
/* The node a slot's tagged reference names, and back. */
static inline void *radix_node(const void *p)
{
	return (void *)((uintptr_t)p - 1);
}
static inline void *radix_node_ref(void *node)
{
	return (void *)((uintptr_t)node + 1);
}
/* First key of key's leaf. */
static inline uint64_t radix_leaf_base(uint64_t key)
{
	return key & ~(uint64_t)(RADIX_FAN - 1);
}
/* Level of the node where the paths of two leaves (bases a != b) part:
 * the highest level whose digits differ, >= 2. */
static inline unsigned radix_split_level(uint64_t a, uint64_t b)
{
	return (63 - (unsigned)__builtin_clzll(a ^ b)) / RADIX_BITS + 1;
}

/* Index of key's child at `level`. */
static inline unsigned radix_digit(uint64_t key, unsigned level)
{
	return (unsigned)(key >> (RADIX_BITS * (level - 1))) & (RADIX_FAN - 1);
}

/* Keys under one child of a node at `level`. */
static inline uint64_t radix_child_span(unsigned level)
{
	return 1ULL << (RADIX_BITS * (level - 1));
}

/* Children of the node at `level` covering keys [base, base + 16 * span)
 * that overlap [lo, hi), as a bit mask. Requires lo < hi and an overlap.
 * Shifts, not divisions: a zap or a bump computes this at every level. */
static inline uint32_t radix_range_mask(uint64_t base, unsigned level,
					uint64_t lo, uint64_t hi)
{
	unsigned shift = RADIX_BITS * (level - 1);
	uint64_t first = lo > base ? (lo - base) >> shift : 0;
	uint64_t last = (hi - 1 - base) >> shift;

	if (last > RADIX_FAN - 1)
		last = RADIX_FAN - 1;
	return (uint32_t)(((2u << last) - 1) & ~((1u << first) - 1));
}

#endif
