/* yield (explore/scenario.c: yield): one notifier invalidation covering two
 * slots whole, so each slot's zap has a yield point (with YIELD), and two
 * vCPUs, one behind the walk and one ahead of it.
 *   slot0: gfn [0,2) -> hva [0,2)     slot1: gfn [2,4) -> hva [2,4)
 *   inval0: notifier hva [0,4)
 *   vcpu0:  fault gfn 0 (slot0)       behind the walk once slot0 is zapped
 *   vcpu1:  fault gfn 3 (slot1)       ahead of the walk until slot1 is added
 * While the walk has dropped mmu_lock inside slot1's zap, the v12 gfn
 * tracker holds only slot1's range and lets vcpu0's fault through. */
#define NSLOTS 2
#define NHOST 4
#define NSPTE 4
#define NINVAL 1
#define SLOT_GFN(s) ((s) == 0 -> 0 : 2)
#define SLOT_HOST(s) ((s) == 0 -> 0 : 2)
#define SLOT_NPAGES(s) 2
#define SLOT_SPTE(s) ((s) == 0 -> 0 : 2)
#define SLOT_PRIVATE(s) false

inline start_actors()
{
	run invalidator(0, NOTIFIER, 0, 4);
	run vcpu(0, 0, 0);
	run vcpu(1, 1, 3)
}
