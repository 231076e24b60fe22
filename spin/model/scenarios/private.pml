/* private: a guest_memfd hole punch (two-phase, gfn only: range_add once
 * per bound private slot) and a fault on the private slot. The hva tracker
 * has no key here and must treat the whole space as invalidated.
 *   slot0: private, gfn [0,2), its own host pages [0,2), no hva
 *   inval0: guest_memfd gfn [0,2)
 *   vcpu0:  fault gfn 1 */
#define NSLOTS 1
#define NHOST 2
#define NSPTE 2
#define NINVAL 1
#define SLOT_GFN(s) 0
#define SLOT_HOST(s) 0
#define SLOT_NPAGES(s) 2
#define SLOT_SPTE(s) 0
#define SLOT_PRIVATE(s) true

inline start_actors()
{
	run invalidator(0, GMEM, 0, 2);
	run vcpu(0, 0, 1)
}
