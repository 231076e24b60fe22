/* multislot (explore/scenario.c: multislot): one notifier invalidation
 * whose hva range spans two slots, adjacent in hva and in gfn, and one vCPU
 * faulting once in the first.
 *   slot0: gfn [0,2) -> hva [0,2)     slot1: gfn [2,4) -> hva [2,4)
 *   inval0: notifier hva [1,3)        (slot0 gfn 1, slot1 gfn 2)
 *   vcpu0:  fault gfn 1 (slot0)       covered: must retry while in flight
 * The v12 gfn tracker keeps only slot1's [2,3) and lets the fault through. */
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
	run invalidator(0, NOTIFIER, 1, 3);
	run vcpu(0, 0, 1)
}
