/* The VM the protocol runs on: memslots (the immutable layout) and the
 * mutable state KVM and the host share (tracker fields, SPTEs, host pages).
 *
 * Units: gfns and hvas are in pages. A shared (hva-backed) slot maps gfn g to
 * host page host_base + (g - base_gfn), and that host page index IS its hva,
 * so two slots with the same host_base alias the same memory.
 *
 * Private memory comes in two shapes. The kernel's (6.8+): a guest_memfd
 * slot (`gmem`) has an hva (host_base: the shared copy) AND a guest_memfd
 * binding (gmem_base: the private copy, host pages of its own) at the same
 * gfns; the gfn's memory attribute (kvm_mem_is_private()) says which copy
 * a fault maps. Notifiers reach the slot through its hva, guest_memfd
 * invalidations through its binding, and both range_add the same gfns.
 * The model's earlier shape (`private_mem`): private pages only
 * (host_base), no hva, always private; kept so a scenario can ask for it.
 *
 * Mutable state: a flat header (struct vm_state: tracker fields, oracle)
 * and one sparse map sized by what was ever touched, never by the guest:
 * the SPTEs and the versions of what they map (model/spte_map.h, keyed by
 * SPTE index). Every operation on it costs O(levels + SPTEs present in the
 * range), so a step on a 16 TiB guest costs what it costs on a 16 MiB one.
 * The guest_memfd slots' memory attribute is kept apart, as maximal runs
 * per SPTE position (model/run_map.h): a conversion costs O(log n + runs
 * it covers) and memory grows with the runs, not the span converted.
 * The threaded engine shares one struct vm between threads (see the map
 * for who may run concurrently). The explorer stores a state as the header
 * followed by a dense image of the map (vm_save_pages/vm_load_pages): its
 * worlds are a few pages, and equal states must be equal bytes.
 */
#ifndef MODEL_VM_H
#define MODEL_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/oracle.h"
#include "model/run_map.h"
#include "model/spte_map.h"
#include "model/tracker.h"

#define VM_MAX_SLOTS 64
#define VM_MAX_AS 2 /* x86 with SMM: two address spaces */
/* Sizes the maps accept (pages): a slot of 2^30 (4 TiB), a guest (one
 * address space's gfn span) of 2^32 (16 TiB). Host pages and SPTEs of a
 * layout stay below VM_MAX_KEYS. */
#define VM_MAX_SLOT_PAGES (1ULL << 30)
#define VM_MAX_GUEST_PAGES (1ULL << 32)
#define VM_MAX_KEYS (1ULL << 40)

struct memslot {
	uint32_t as_id;
	bool private_mem; /* the earlier shape: guest_memfd pages only, no hva */
	bool gmem;        /* the kernel's shape: an hva and a guest_memfd binding */
	bool init_private; /* gmem: every gfn starts private (a confidential
			    * guest's boot), else shared */
	uint8_t index;      /* its place in the layout; set by vm_layout_finish */
	uint64_t base_gfn;
	uint64_t npages;
	uint64_t host_base; /* first host page (== hva page for shared slots) */
	uint64_t gmem_base; /* gmem: first page of the private copy */
	uint64_t spte_base; /* index of this slot's first SPTE; set by vm_layout_finish */
};

/* The orders a walk visits slots in (model/actor.c next_slot): by address
 * space, then hva (a notifier: the interval tree), gfn (gfn-keyed walks)
 * or nothing (--slot-order=index); slot index breaks ties. */
enum walk_by { WALK_BY_HVA, WALK_BY_GFN, WALK_BY_INDEX, WALK_BY_COUNT };

struct vm_layout {
	uint32_t n_slots;
	uint32_t n_as;
	struct memslot slots[VM_MAX_SLOTS];
	uint64_t n_host_pages; /* derived by vm_layout_finish */
	uint64_t n_sptes;      /* derived by vm_layout_finish */
	/* Derived by vm_layout_finish: walk_order[b][k] is the k-th slot in
	 * order b, walk_rank[b][i] slot i's place in it (a walk finds its
	 * next slot without sorting every time). */
	uint8_t walk_order[WALK_BY_COUNT][VM_MAX_SLOTS];
	uint8_t walk_rank[WALK_BY_COUNT][VM_MAX_SLOTS];
	/* Derived by vm_layout_finish: slots [i, host_run_end[i]) follow
	 * one another in host memory (and, being in index order, in SPTE
	 * order), so a host change reaches them as one run (vm_bump_host);
	 * a slot with a guest_memfd binding is a run by itself. */
	uint8_t host_run_end[VM_MAX_SLOTS];
};

/* The flat part of the mutable state. In the explorer's records the page
 * image (vm_save_pages) follows it: data[] marks where. */
struct vm_state {
	struct tracker_state tracker;
	struct oracle_state oracle;
	uint32_t next_handle;
	uint64_t data[];
};

/* An SPTE holds the version of what it was installed from. A position's
 * version moves when the host changes the page it maps (its host page's
 * generation, SPEC section 3: every position mapping the page moves) and
 * when a gfn-only change (an MTRR/APICv zap or a memory-attribute
 * conversion) alters how its gfn may be mapped. It only grows, so an SPTE
 * is current iff its version is the position's. In the dense page image
 * an SPTE is that version plus one, 0 = not present. */
#define SPTE_NONE 0

struct vm {
	const struct vm_layout *layout;
	const struct tracker_ops *ops;
	struct vm_state *st;
	struct vm_state *st_own;  /* vm_init's header (vm_attach may move st) */
	struct spte_map map;      /* per SPTE index: the SPTE and its version */
	struct run_map attr;      /* per SPTE index of a gmem slot: the
				   * private attribute (1/0), as runs */
	/* Per slot: 0 when it holds no present SPTE, so a zap skips it
	 * without walking the map (a multislot invalidation crosses every
	 * slot, most of them empty). Set by an install that finds it clear
	 * (mmu_lock for read: a plain store, and a load of a line installs
	 * only read once it is set, not a shared counter every install
	 * writes), cleared by a zap that leaves the whole slot empty (for
	 * write: no install runs then). Derived from the map, not part of
	 * the state: vm_load_pages rebuilds it. */
	uint8_t slot_may_hold[VM_MAX_SLOTS];
	pthread_rwlock_t *mmu_lock; /* NULL when steps run one at a time */
};

/* Checks the layout (slots non-empty and at most VM_MAX_SLOT_PAGES, no two
 * slots of one address space overlapping in gfn space, address spaces in
 * range, gfns below VM_MAX_GUEST_PAGES) and derives the host page and SPTE
 * counts. Returns 0, or -1 with a message naming the slot and the limit. */
int vm_layout_finish(struct vm_layout *l, char *err, size_t errlen);

/* Allocates zeroed state for a finished layout. Returns 0 or -1 (ENOMEM). */
int vm_init(struct vm *vm, const struct vm_layout *l,
	    const struct tracker_ops *ops);
void vm_destroy(struct vm *vm);
/* Points the header at another block (an explorer record). */
void vm_attach(struct vm *vm, struct vm_state *st);

/* The dense page image: version[n_sptes], spte[n_sptes], priv[n_sptes]
 * (the private attribute), one uint64_t
 * each; a canonical function of the state (equal states, equal bytes). For
 * the explorer's tiny worlds only: it is as large as the guest. */
uint64_t vm_image_words(const struct vm_layout *l);
void vm_save_pages(const struct vm *vm, uint64_t *img);
/* Replaces the page state with the image's. Loaded positions are all
 * tracked, so versions then move exactly as one counter per position
 * would. */
void vm_load_pages(struct vm *vm, const uint64_t *img);

/* Slot holding (as_id, gfn), or -1. */
int vm_slot_of(const struct vm_layout *l, uint32_t as_id, uint64_t gfn);

/* Host page and SPTE index of gfn in slot s. */
static inline uint64_t slot_host_page(const struct memslot *s, uint64_t gfn)
{
	return s->host_base + (gfn - s->base_gfn);
}
static inline uint64_t slot_spte_index(const struct memslot *s, uint64_t gfn)
{
	return s->spte_base + (gfn - s->base_gfn);
}

/* The private copy's page of gfn in a slot that has one. */
static inline uint64_t slot_private_page(const struct memslot *s, uint64_t gfn)
{
	return (s->gmem ? s->gmem_base : s->host_base) + (gfn - s->base_gfn);
}
static inline bool slot_has_private(const struct memslot *s)
{
	return s->gmem || s->private_mem;
}

bool vm_gmem_private_(const struct vm *vm, const struct memslot *s,
		      uint64_t gfn);
/* kvm_mem_is_private(): whether a fault on gfn maps the private copy. A
 * slot without a guest_memfd binding only has its shared copy. Read
 * without mmu_lock (as the kernel reads the attribute xarray); the lookup
 * is out of line, so the fault path of other slots stays short. */
static inline bool vm_gfn_private(const struct vm *vm, const struct memslot *s,
				  uint64_t gfn)
{
	return s->gmem ? vm_gmem_private_(vm, s, gfn) : s->private_mem;
}
/* KVM_SET_MEMORY_ATTRIBUTES' xarray store on a gmem slot's gfns:
 * O(log runs + runs covered), whatever the span. Slots without a binding
 * keep their one copy. */
void vm_set_private(struct vm *vm, const struct memslot *s, uint64_t gfn_start,
		    uint64_t gfn_end, bool priv);

/* The version (SPTE_NONE above) of gfn in slot s: one per SPTE position,
 * whichever copy of a guest_memfd slot the gfn maps (a change of either
 * copy moves it, see vm_bump_host). */
static inline uint32_t vm_version(const struct vm *vm, const struct memslot *s,
				  uint64_t gfn)
{
	return spte_map_version(&vm->map, slot_spte_index(s, gfn));
}
/* The same, tracking the position first (a fault resolving the page);
 * *c remembers where, for the fault's check and install below. */
static inline uint32_t vm_track_version(struct vm *vm, const struct memslot *s,
					uint64_t gfn, struct spte_cursor *c)
{
	return spte_map_track_at(&vm->map, slot_spte_index(s, gfn), c);
}
/* The version of the position c was tracked for, when that is the
 * version vm_track_version() returned for sure: true, no walk. */
static inline bool vm_version_unmoved(const struct vm *vm,
				      const struct spte_cursor *c)
{
	return spte_map_unmoved(&vm->map, c);
}
/* The attributes of slot s's gfns [gfn_start, gfn_end) change. */
static inline void vm_bump_attr(struct vm *vm, const struct memslot *s,
				uint64_t gfn_start, uint64_t gfn_end)
{
	spte_map_bump(&vm->map, slot_spte_index(s, gfn_start),
		      slot_spte_index(s, gfn_end));
}
/* The host changed pages [start, end): every position mapping one of them,
 * through any slot (aliases, SMM mirrors) and either copy of a guest_memfd
 * slot, moves. O(slots x levels). */
void vm_bump_host(struct vm *vm, uint64_t start, uint64_t end);

/* The SPTE of gfn in slot s: true and *version when present. */
static inline bool vm_spte_get(const struct vm *vm, const struct memslot *s,
			       uint64_t gfn, uint32_t *version)
{
	return spte_map_get(&vm->map, slot_spte_index(s, gfn), version);
}
/* Installs it from `version` (c: from the fault's vm_track_version() of
 * gfn); true and *old when one was present. */
static inline bool vm_spte_set(struct vm *vm, const struct memslot *s,
			       uint64_t gfn, const struct spte_cursor *c,
			       uint32_t version, uint32_t *old)
{
	uint32_t was; /* the out-of-line install's own: *old stays a register */
	bool had;

	/* A replacement needs neither the slot nor the position: they are
	 * found only past it (spte_map_set_at() would take the position as
	 * an argument, found first). */
	if (spte_map_replace_at(&vm->map, c, version, old))
		return true;
	had = spte_map_install_at(&vm->map, slot_spte_index(s, gfn), c,
				  version, &was);
	if (had)
		*old = was;
	if (!had && !__atomic_load_n(&vm->slot_may_hold[s->index], __ATOMIC_RELAXED))
		__atomic_store_n(&vm->slot_may_hold[s->index], 1, __ATOMIC_RELAXED);
	return had;
}

uint64_t vm_zap_walk_(struct vm *vm, const struct memslot *s,
		      uint64_t gfn_start, uint64_t gfn_end, uint64_t max,
		      uint64_t *zapped, uint64_t *next_gfn);
/* Zaps the first `max` present SPTEs (UINT64_MAX: all) of slot s's gfns
 * [gfn_start, gfn_end), in gfn order (write lock held); *zapped gets how
 * many, *next_gfn the gfn of the first present SPTE left in the range, or
 * gfn_end. Returns how many of the zapped were already stale: lost
 * invalidations that a later one happened to clean up, which the end
 * audit would never see. O(levels) per SPTE zapped: absent runs cost
 * nothing, and a slot without present SPTEs (most of those a multislot
 * invalidation crosses) costs no walk at all. */
static inline uint64_t vm_zap_sptes(struct vm *vm, const struct memslot *s,
				    uint64_t gfn_start, uint64_t gfn_end,
				    uint64_t max, uint64_t *zapped,
				    uint64_t *next_gfn)
{
	if (!vm->slot_may_hold[s->index]) {
		*zapped = 0;
		*next_gfn = gfn_end;
		return 0;
	}
	return vm_zap_walk_(vm, s, gfn_start, gfn_end, max, zapped, next_gfn);
}

/* End-of-run audit: installed SPTEs whose version has moved since.
 * Walks the present SPTEs only. Not concurrent with steps. */
uint64_t vm_audit_stale_sptes(struct vm *vm);

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
