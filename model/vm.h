/* The VM the protocol runs on: memslots (the immutable layout) and the
 * mutable state KVM and the host share (tracker fields, SPTEs, host pages).
 *
 * Units: gfns and hvas are in pages. A shared (hva-backed) slot maps gfn g to
 * host page host_base + (g - base_gfn), and that host page index IS its hva,
 * so two slots with the same host_base alias the same memory. Private
 * (guest_memfd) slots get host pages too (so the oracle can track them) but
 * have no hva: notifier invalidations never reach them.
 *
 * All mutable state lives in one contiguous block (struct vm_state plus its
 * arrays) so the explorer can copy, compare and hash a whole state with
 * memcpy/memcmp, and the threaded engine shares it between threads as is.
 */
#ifndef MODEL_VM_H
#define MODEL_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/oracle.h"
#include "model/tracker.h"

#define VM_MAX_SLOTS 64
#define VM_MAX_AS 2 /* x86 with SMM: two address spaces */

struct memslot {
	uint32_t as_id;
	bool private_mem; /* guest_memfd: no hva */
	uint64_t base_gfn;
	uint64_t npages;
	uint64_t host_base; /* first host page (== hva page for shared slots) */
	uint64_t spte_base; /* index of this slot's first SPTE; set by vm_layout_finish */
};

struct vm_layout {
	uint32_t n_slots;
	uint32_t n_as;
	struct memslot slots[VM_MAX_SLOTS];
	uint64_t n_host_pages; /* derived by vm_layout_finish */
	uint64_t n_sptes;      /* derived by vm_layout_finish */
};

/* Mutable state, one block: header then gen[n_host_pages], spte[n_sptes]. */
struct vm_state {
	struct tracker_state tracker;
	struct oracle_state oracle;
	uint32_t next_handle;
	uint64_t data[]; /* gen then spte */
};

/* An SPTE is the generation of the host page it was installed from, plus one
 * (0 = not present). The host page itself follows from the slot mapping. */
#define SPTE_NONE 0

struct vm {
	const struct vm_layout *layout;
	const struct tracker_ops *ops;
	struct vm_state *st;
	size_t state_bytes;
	uint64_t *gen;  /* per host page: bumped when the host changes it */
	uint64_t *spte; /* per slot page */
	pthread_rwlock_t *mmu_lock; /* NULL when steps run one at a time */
};

/* Checks the layout (slots non-empty, no two slots of one address space
 * overlapping in gfn space, address spaces in range) and derives the host
 * page and SPTE counts. Returns 0, or -1 with a message naming the slot. */
int vm_layout_finish(struct vm_layout *l, char *err, size_t errlen);

/* Allocates zeroed state for a finished layout. Returns 0 or -1 (ENOMEM). */
int vm_init(struct vm *vm, const struct vm_layout *l,
	    const struct tracker_ops *ops);
void vm_destroy(struct vm *vm);
/* Points gen/spte at a state block of the same layout (explorer restores). */
void vm_attach(struct vm *vm, struct vm_state *st);

/* Slot holding (as_id, gfn), or -1. */
int vm_slot_of(const struct vm_layout *l, uint32_t as_id, uint64_t gfn);

static inline uint64_t slot_host_page(const struct memslot *s, uint64_t gfn)
{
	return s->host_base + (gfn - s->base_gfn);
}

/* End-of-run audit: installed SPTEs whose host page has changed since. */
uint64_t vm_audit_stale_sptes(const struct vm *vm);

/* Write/read side of mmu_lock; no-ops when the engine is single-threaded. */
static inline void mmu_write_lock(struct vm *vm)
{
	if (vm->mmu_lock)
		pthread_rwlock_wrlock(vm->mmu_lock);
}
static inline void mmu_write_unlock(struct vm *vm)
{
	if (vm->mmu_lock)
		pthread_rwlock_unlock(vm->mmu_lock);
}
static inline void mmu_read_lock(struct vm *vm)
{
	if (vm->mmu_lock)
		pthread_rwlock_rdlock(vm->mmu_lock);
}
static inline void mmu_read_unlock(struct vm *vm)
{
	if (vm->mmu_lock)
		pthread_rwlock_unlock(vm->mmu_lock);
}

#endif
