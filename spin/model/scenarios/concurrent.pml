/* concurrent: two notifier invalidations overlapping in hva and possibly in
 * time (in_progress reaches 2), one slot, and a fault on a page only the
 * first covers: the second's begin must not lose the first's range.
 *   slot0: gfn [0,3) -> hva [0,3)
 *   inval0: notifier hva [0,2)      inval1: notifier hva [1,3)
 *   vcpu0:  fault gfn 0 */
#define NSLOTS 1
#define NHOST 3
#define NSPTE 3
#define NINVAL 2
#define SLOT_GFN(s) 0
#define SLOT_HOST(s) 0
#define SLOT_NPAGES(s) 3
#define SLOT_SPTE(s) 0
#define SLOT_PRIVATE(s) false

inline start_actors()
{
	run invalidator(0, NOTIFIER, 0, 2);
	run invalidator(1, NOTIFIER, 1, 3);
	run vcpu(0, 0, 0)
}
