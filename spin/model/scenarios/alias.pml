/* alias (explore/scenario.c: alias): A and B share host memory far apart in
 * gfn space; M between them has its own.
 *   slot0 A: gfn [0,2)   -> hva [0,2)
 *   slot1 M: gfn [8,10)  -> hva [2,4)
 *   slot2 B: gfn [16,18) -> hva [0,2)
 *   inval0: notifier hva [0,2)      (A's memory, hence B's too)
 *   vcpu0:  fault gfn 16 (B)        same page as A's: must retry
 *   vcpu1:  fault gfn 8 (M)         never stale; union's range [0,18)
 *                                   makes it retry spuriously */
#define NSLOTS 3
#define NHOST 4
#define NSPTE 6
#define NINVAL 1
#define SLOT_GFN(s) ((s) == 0 -> 0 : ((s) == 1 -> 8 : 16))
#define SLOT_HOST(s) ((s) == 1 -> 2 : 0)
#define SLOT_NPAGES(s) 2
#define SLOT_SPTE(s) (2 * (s))
#define SLOT_PRIVATE(s) false

inline start_actors()
{
	run invalidator(0, NOTIFIER, 0, 2);
	run vcpu(0, 2, 16);
	run vcpu(1, 1, 8)
}
