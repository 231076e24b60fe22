/* private (explore/scenario.c: private): a guest_memfd hole punch (two
 * phases, gfn only: range_add once per bound private slot) next to a shared
 * slot. The hva tracker has no key for private memory and must treat the
 * whole space as invalidated, so it retries the shared fault too.
 *   slot0 P: private gfn [0,2), own host pages [0,2), no hva
 *   slot1 S: shared  gfn [2,4) -> hva [2,4)
 *   inval0: guest_memfd gfn [0,2)
 *   vcpu0:  fault gfn 1 (P)           vcpu1: fault gfn 2 (S) */
#define NSLOTS 2
#define NHOST 4
#define NSPTE 4
#define NINVAL 1
#define SLOT_GFN(s) ((s) == 0 -> 0 : 2)
#define SLOT_HOST(s) ((s) == 0 -> 0 : 2)
#define SLOT_NPAGES(s) 2
#define SLOT_SPTE(s) ((s) == 0 -> 0 : 2)
#define SLOT_PRIVATE(s) ((s) == 0)

inline start_actors()
{
	run invalidator(0, GMEM, 0, 2);
	run vcpu(0, 0, 1);
	run vcpu(1, 1, 2)
}
