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

		if (s->npages == 0) {
			snprintf(err, errlen, "layout: slot %u has zero pages", i);
			return -1;
		}
		if (s->as_id >= l->n_as) {
			snprintf(err, errlen,
				 "layout: slot %u is in address space %u; expected 0..%u",
				 i, s->as_id, l->n_as - 1);
			return -1;
		}
		if (s->base_gfn + s->npages < s->base_gfn ||
		    s->host_base + s->npages < s->host_base) {
			snprintf(err, errlen, "layout: slot %u wraps around", i);
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
	vm->gen = st->data;
	vm->spte = st->data + vm->layout->n_host_pages;
}

int vm_init(struct vm *vm, const struct vm_layout *l,
	    const struct tracker_ops *ops)
{
	size_t words = l->n_host_pages + l->n_sptes;
	struct vm_state *st;

	memset(vm, 0, sizeof(*vm));
	vm->layout = l;
	vm->ops = ops;
	vm->state_bytes = sizeof(*st) + words * sizeof(uint64_t);
	st = calloc(1, vm->state_bytes);
	if (!st)
		return -ENOMEM;
	st->tracker.range_start = INVALID_KEY;
	st->tracker.range_end = INVALID_KEY;
	vm_attach(vm, st);
	return 0;
}

void vm_destroy(struct vm *vm)
{
	free(vm->st);
	vm->st = NULL;
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

uint64_t vm_audit_stale_sptes(const struct vm *vm)
{
	const struct vm_layout *l = vm->layout;
	uint64_t stale = 0;

	for (uint32_t i = 0; i < l->n_slots; i++) {
		const struct memslot *s = &l->slots[i];

		for (uint64_t p = 0; p < s->npages; p++) {
			uint64_t e = READ_ONCE(vm->spte[s->spte_base + p]);

			if (e != SPTE_NONE &&
			    e - 1 != READ_ONCE(vm->gen[s->host_base + p]))
				stale++;
		}
	}
	return stale;
}
