#include "model/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t walk_key(const struct memslot *s, enum walk_by b)
{
	return b == WALK_BY_HVA ? s->host_base : b == WALK_BY_GFN ? s->base_gfn : 0;
}

/* Is slot i before slot j in order b? */
static bool walks_before(const struct vm_layout *l, enum walk_by b, uint32_t i,
			 uint32_t j)
{
	const struct memslot *x = &l->slots[i], *y = &l->slots[j];

	if (x->as_id != y->as_id)
		return x->as_id < y->as_id;
	if (walk_key(x, b) != walk_key(y, b))
		return walk_key(x, b) < walk_key(y, b);
	return i < j;
}

static void sort_walk(struct vm_layout *l, enum walk_by b)
{
	uint8_t *o = l->walk_order[b];

	for (uint32_t k = 0; k < l->n_slots; k++) {
		uint32_t at = k;

		for (; at > 0 && walks_before(l, b, k, o[at - 1]); at--)
			o[at] = o[at - 1];
		o[at] = (uint8_t)k;
	}
	for (uint32_t k = 0; k < l->n_slots; k++)
		l->walk_rank[b][o[k]] = (uint8_t)k;
}

int vm_layout_finish(struct vm_layout *l, char *err, size_t errlen)
{
	uint64_t host_pages = 0, sptes = 0;

	if (l->n_slots == 0 || l->n_slots > VM_MAX_SLOTS) {
		snprintf(err, errlen, "layout: %u slots; expected 1..%d",
			 l->n_slots, VM_MAX_SLOTS);
		return -1;
	}
	if (l->n_as == 0 || l->n_as > VM_MAX_AS) {
		snprintf(err, errlen, "layout: %u address spaces; expected 1..%d",
			 l->n_as, VM_MAX_AS);
		return -1;
	}
	for (uint32_t i = 0; i < l->n_slots; i++) {
		struct memslot *s = &l->slots[i];

		if (s->npages == 0 || s->npages > VM_MAX_SLOT_PAGES) {
			snprintf(err, errlen, "layout: slot %u has %llu pages; "
				 "expected 1..2^30", i,
				 (unsigned long long)s->npages);
			return -1;
		}
		if (s->as_id >= l->n_as) {
			snprintf(err, errlen,
				 "layout: slot %u is in address space %u; expected 0..%u",
				 i, s->as_id, l->n_as - 1);
			return -1;
		}
		if (s->base_gfn >= VM_MAX_GUEST_PAGES ||
		    s->npages > VM_MAX_GUEST_PAGES - s->base_gfn) {
			snprintf(err, errlen, "layout: slot %u ends beyond gfn 2^32 "
				 "(16 TiB); expected a guest below it", i);
			return -1;
		}
		if (s->host_base >= VM_MAX_KEYS ||
		    s->npages > VM_MAX_KEYS - s->host_base) {
			snprintf(err, errlen, "layout: slot %u ends beyond host page "
				 "2^40; expected less", i);
			return -1;
		}
		for (uint32_t j = 0; j < i; j++) {
			const struct memslot *o = &l->slots[j];

			if (o->as_id == s->as_id &&
			    s->base_gfn < o->base_gfn + o->npages &&
			    o->base_gfn < s->base_gfn + s->npages) {
				snprintf(err, errlen,
					 "layout: slots %u and %u overlap in gfn space "
					 "(address space %u)", j, i, s->as_id);
				return -1;
			}
		}
		s->index = (uint8_t)i;
		s->spte_base = sptes;
		sptes += s->npages;
		if (s->gmem && (s->private_mem || s->gmem_base >= VM_MAX_KEYS ||
				s->npages > VM_MAX_KEYS - s->gmem_base)) {
			snprintf(err, errlen, "layout: slot %u: a guest_memfd binding "
				 "beyond host page 2^40, or on a slot without hva", i);
			return -1;
		}
		if (s->host_base + s->npages > host_pages)
			host_pages = s->host_base + s->npages;
		if (s->gmem && s->gmem_base + s->npages > host_pages)
			host_pages = s->gmem_base + s->npages;
	}
	l->n_host_pages = host_pages;
	l->n_sptes = sptes;
	for (uint32_t i = l->n_slots; i-- > 0;) {
		const struct memslot *s = &l->slots[i], *t = s + 1;

		l->host_run_end[i] = i + 1 < l->n_slots && !s->gmem && !t->gmem &&
					     t->host_base == s->host_base + s->npages
				     ? l->host_run_end[i + 1]
				     : (uint8_t)(i + 1);
	}
	for (int b = 0; b < WALK_BY_COUNT; b++)
		sort_walk(l, (enum walk_by)b);
	return 0;
}

void vm_attach(struct vm *vm, struct vm_state *st)
{
	vm->st = st;
}

int vm_init(struct vm *vm, const struct vm_layout *l,
	    const struct tracker_ops *ops)
{
	struct vm_state *st;

	memset(vm, 0, sizeof(*vm));
	vm->layout = l;
	vm->ops = ops;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	tracker_state_init(&st->tracker);
	if (run_map_init(&vm->attr, l->n_sptes)) {
		free(st);
		return -ENOMEM;
	}
	vm->st = vm->st_own = st;
	/* A layout has at most VM_MAX_SLOTS x VM_MAX_SLOT_PAGES SPTEs; the
	 * map takes positions below its leaves' partial bit (spte_map.h). */
	_Static_assert((uint64_t)VM_MAX_SLOTS * VM_MAX_SLOT_PAGES <= SPM_PARTIAL,
		       "SPTE positions must stay below SPM_PARTIAL");
	spte_map_init(&vm->map, l->n_sptes);
	/* Absent a conversion every position reads 0: a slot that boots
	 * private is one run. */
	for (uint32_t k = 0; k < l->n_slots; k++) {
		const struct memslot *s = &l->slots[k];

		if (s->gmem && s->init_private)
			run_map_set(&vm->attr, s->spte_base,
				    s->spte_base + s->npages, 1);
	}
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (!vm->st_own)
		return;
	spte_map_destroy(&vm->map);
	run_map_destroy(&vm->attr);
	free(vm->st_own);
	vm->st = vm->st_own = NULL;
}

uint64_t vm_image_words(const struct vm_layout *l)
{
	return 3 * l->n_sptes;
}

void vm_save_pages(const struct vm *vm, uint64_t *img)
{
	uint64_t n = vm->layout->n_sptes;

	spte_map_save(&vm->map, img, img + n, n);
	/* The attribute itself, not how it is stored (set or default), so
	 * that equal worlds are equal bytes. */
	for (uint32_t k = 0; k < vm->layout->n_slots; k++) {
		const struct memslot *s = &vm->layout->slots[k];

		for (uint64_t g = 0; g < s->npages; g++)
			img[2 * n + s->spte_base + g] =
				vm_gfn_private(vm, s, s->base_gfn + g);
	}
}

void vm_load_pages(struct vm *vm, const uint64_t *img)
{
	uint64_t n = vm->layout->n_sptes;

	spte_map_load(&vm->map, img, img + n, n);
	for (uint32_t k = 0; k < vm->layout->n_slots; k++) {
		const struct memslot *s = &vm->layout->slots[k];
		const uint64_t *priv = img + 2 * n + s->spte_base;

		vm->slot_may_hold[k] = 0;
		for (uint64_t g = 0; g < s->npages && !vm->slot_may_hold[k]; g++)
			vm->slot_may_hold[k] = img[n + s->spte_base + g] != 0;
		if (!s->gmem)
			continue;
		/* One set per run of the image. */
		for (uint64_t g = 0, end; g < s->npages; g = end) {
			for (end = g + 1; end < s->npages && priv[end] == priv[g];)
				end++;
			run_map_set(&vm->attr, s->spte_base + g,
				    s->spte_base + end, (uint32_t)priv[g]);
		}
	}
}

bool vm_gmem_private_(const struct vm *vm, const struct memslot *s,
		      uint64_t gfn)
{
	return run_map_get(&vm->attr, slot_spte_index(s, gfn)) != 0;
}

void vm_set_private(struct vm *vm, const struct memslot *s, uint64_t gfn_start,
		    uint64_t gfn_end, bool priv)
{
	if (s->gmem && gfn_start < gfn_end)
		run_map_set(&vm->attr, slot_spte_index(s, gfn_start),
			    slot_spte_index(s, gfn_end), priv);
}

/* Adds the positions whose host pages [base, base + npages) hold pages of
 * [start, end), SPTE spte_base onwards, to the pending run, bumping the run
 * when they do not extend it. */
static void bump_copy(struct vm *vm, uint64_t base, uint64_t npages,
		      uint64_t spte_base, uint64_t start, uint64_t end,
		      uint64_t *run_lo, uint64_t *run_hi)
{
	uint64_t lo = start > base ? start : base;
	uint64_t hi = end < base + npages ? end : base + npages;

	if (lo >= hi)
		return;
	lo = spte_base + (lo - base);
	hi = spte_base + (hi - base);
	if (*run_lo < *run_hi && lo == *run_hi) {
		*run_hi = hi;
		return;
	}
	spte_map_bump(&vm->map, *run_lo, *run_hi);
	*run_lo = lo;
	*run_hi = hi;
}

/* Slots adjacent in host memory and in index (multislot's, a VM's RAM
 * split at a hole) are one run of host pages and of SPTEs
 * (host_run_end): intersected and bumped once, not per slot. Runs whose
 * SPTEs follow one another are bumped together too. A guest_memfd slot's
 * position moves when either of its copies changes: the version is per
 * position, not per copy (docs/model.md, "Fidelity"). */
void vm_bump_host(struct vm *vm, uint64_t start, uint64_t end)
{
	const struct vm_layout *l = vm->layout;
	uint64_t run_lo = 0, run_hi = 0; /* SPTE positions, pending */

	for (uint32_t i = 0; i < l->n_slots; i = l->host_run_end[i]) {
		const struct memslot *s = &l->slots[i];
		const struct memslot *last = &l->slots[l->host_run_end[i] - 1];
		uint64_t pages = last->host_base + last->npages - s->host_base;

		bump_copy(vm, s->host_base, pages, s->spte_base, start, end,
			  &run_lo, &run_hi);
		if (s->gmem)
			bump_copy(vm, s->gmem_base, s->npages, s->spte_base, start,
				  end, &run_lo, &run_hi);
	}
	spte_map_bump(&vm->map, run_lo, run_hi);
}

int vm_slot_of(const struct vm_layout *l, uint32_t as_id, uint64_t gfn)
{
	for (uint32_t i = 0; i < l->n_slots; i++) {
		const struct memslot *s = &l->slots[i];

		if (s->as_id == as_id && gfn >= s->base_gfn &&
		    gfn < s->base_gfn + s->npages)
			return (int)i;
	}
	return -1;
}

/* An SPTE is stale when its position's version moved since it was
 * installed. */
static void count_stale(void *ctx, uint64_t idx, uint32_t spte, uint32_t version)
{
	(void)idx;
	*(uint64_t *)ctx += spte != version;
}

uint64_t vm_zap_walk_(struct vm *vm, const struct memslot *s,
		      uint64_t gfn_start, uint64_t gfn_end, uint64_t max,
		      uint64_t *zapped, uint64_t *next_gfn)
{
	uint64_t stale = 0, next;

	*zapped = spte_map_walk(&vm->map, slot_spte_index(s, gfn_start),
				slot_spte_index(s, gfn_end), true, max,
				count_stale, &stale, &next);
	*next_gfn = gfn_start < gfn_end ? s->base_gfn + (next - s->spte_base)
					: gfn_end;
	/* Write lock held: no install runs. A walk that left none in the
	 * whole slot leaves it empty. */
	if (gfn_start <= s->base_gfn && gfn_end >= s->base_gfn + s->npages &&
	    *next_gfn == gfn_end)
		vm->slot_may_hold[s->index] = 0;
	return stale;
}

uint64_t vm_audit_stale_sptes(struct vm *vm)
{
	uint64_t stale = 0;

	spte_map_walk(&vm->map, 0, vm->layout->n_sptes, false, UINT64_MAX,
		      count_stale, &stale, NULL);
	return stale;
}
