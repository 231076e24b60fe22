/* alias: two slots on the same host memory, far apart in gfn space, and a
 * slot with its own memory between them.
 *   slot0: gfn 0 -> hva 0    slot1: gfn 4 -> hva 1    slot2: gfn 8 -> hva 0
 *   inval0: notifier hva [0,1)     (the first alias's memory: slot0, slot2)
 *   vcpu0:  fault gfn 8 (slot2)    the far alias: same page, must retry
 *   vcpu1:  fault gfn 4 (slot1)    the middle: never stale; the union range
 *                                  [0,9) makes it retry spuriously */
#define NSLOTS 3
#define NHOST 2
#define NSPTE 3
#define NINVAL 1
#define SLOT_GFN(s) ((s) == 0 -> 0 : ((s) == 1 -> 4 : 8))
#define SLOT_HOST(s) ((s) == 1 -> 1 : 0)
#define SLOT_NPAGES(s) 1
#define SLOT_SPTE(s) (s)
#define SLOT_PRIVATE(s) false

inline start_actors()
{
	run invalidator(0, NOTIFIER, 0, 1);
	run vcpu(0, 2, 8);
	run vcpu(1, 1, 4)
}
