#include "model/vm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		s->spte_base = sptes;
		sptes += s->npages;
		if (s->host_base + s->npages > host_pages)
			host_pages = s->host_base + s->npages;
	}
	l->n_host_pages = host_pages;
	l->n_sptes = sptes;
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
	vm->st = vm->st_own = st;
	gen_tree_init(&vm->gen, l->n_host_pages);
	gen_tree_init(&vm->attr, l->n_sptes);
	sparse_map_init(&vm->spte, l->n_sptes);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	if (!vm->st_own)
		return;
	gen_tree_destroy(&vm->gen);
	gen_tree_destroy(&vm->attr);
	sparse_map_destroy(&vm->spte);
	free(vm->st_own);
	vm->st = vm->st_own = NULL;
}

uint64_t vm_image_words(const struct vm_layout *l)
{
	return l->n_host_pages + 2 * l->n_sptes;
}

void vm_save_pages(const struct vm *vm, uint64_t *img)
{
	const struct vm_layout *l = vm->layout;
	uint64_t *spte = img + l->n_host_pages;

	gen_tree_save(&vm->gen, img, l->n_host_pages);
	gen_tree_save(&vm->attr, spte + l->n_sptes, l->n_sptes);
	for (uint64_t i = 0; i < l->n_sptes; i++) {
		uint32_t v;

		spte[i] = sparse_map_get(&vm->spte, i, &v) ? (uint64_t)v + 1
							   : SPTE_NONE;
	}
}

void vm_load_pages(struct vm *vm, const uint64_t *img)
{
	const struct vm_layout *l = vm->layout;
	const uint64_t *spte = img + l->n_host_pages;

	gen_tree_load(&vm->gen, img, l->n_host_pages);
	gen_tree_load(&vm->attr, spte + l->n_sptes, l->n_sptes);
	for (uint64_t i = 0; i < l->n_sptes; i++) {
		uint32_t old;

		if (spte[i] == SPTE_NONE)
			sparse_map_remove(&vm->spte, i);
		else
			sparse_map_set(&vm->spte, i, (uint32_t)(spte[i] - 1), &old);
	}
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

struct stale_count {
	const struct vm *vm;
	const struct memslot *slot;
	uint64_t stale;
};

/* An SPTE is stale when its version moved since it was installed. */
static void count_stale(void *ctx, uint64_t idx, uint32_t version)
{
	struct stale_count *c = ctx;
	const struct memslot *s = c->slot;

	if (version != vm_version(c->vm, s, s->base_gfn + (idx - s->spte_base)))
		c->stale++;
}

uint64_t vm_zap_sptes(struct vm *vm, const struct memslot *s,
		      uint64_t gfn_start, uint64_t gfn_end, uint64_t max,
		      uint64_t *zapped, uint64_t *next_gfn)
{
	struct stale_count c = { .vm = vm, .slot = s };
	uint64_t next;

	*zapped = sparse_map_walk_n(&vm->spte, slot_spte_index(s, gfn_start),
				    slot_spte_index(s, gfn_end), true, max,
				    count_stale, &c, &next);
	*next_gfn = gfn_start < gfn_end ? s->base_gfn + (next - s->spte_base)
					: gfn_end;
	return c.stale;
}

uint64_t vm_audit_stale_sptes(struct vm *vm)
{
	const struct vm_layout *l = vm->layout;
	uint64_t stale = 0;

	for (uint32_t i = 0; i < l->n_slots; i++) {
		const struct memslot *s = &l->slots[i];
		struct stale_count c = { .vm = vm, .slot = s };

		sparse_map_walk(&vm->spte, s->spte_base, s->spte_base + s->npages,
				false, count_stale, &c);
		stale += c.stale;
	}
	return stale;
}
