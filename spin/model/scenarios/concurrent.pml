/* concurrent (explore/scenario.c: concurrent): two notifier invalidations
 * that may overlap in time (in_progress reaches 2) over the multislot
 * layout; the first end must not lose the second's range.
 *   slot0: gfn [0,2) -> hva [0,2)     slot1: gfn [2,4) -> hva [2,4)
 *   inval0: notifier hva [0,2)        inval1: notifier hva [1,3)
 *   vcpu0:  fault gfn 1 (slot0), covered by both
 * inval1 alone is the multislot case, so gfn can miss here too. */
#define NSLOTS 2
#define NHOST 4
#define NSPTE 4
#define NINVAL 2
#define SLOT_GFN(s) ((s) == 0 -> 0 : 2)
#define SLOT_HOST(s) ((s) == 0 -> 0 : 2)
#define SLOT_NPAGES(s) 2
#define SLOT_SPTE(s) ((s) == 0 -> 0 : 2)
#define SLOT_PRIVATE(s) false

inline start_actors()
{
	run invalidator(0, NOTIFIER, 0, 2);
	run invalidator(1, NOTIFIER, 1, 3);
	run vcpu(0, 0, 1)
}
