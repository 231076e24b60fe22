/* Basic types and the kernel-style accessors the model shares. */
#ifndef MODEL_TYPES_H
#define MODEL_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* KVM's INVALID_GPA: "no range recorded yet". */
#define INVALID_KEY UINT64_MAX
/* The widest range: what the original hva code passed as (0, -1ul) for
 * invalidations that have no hva. */
#define WHOLE_SPACE_START 0ULL
#define WHOLE_SPACE_END UINT64_MAX

/* Fields read without mmu_lock (the lock-free pre-check, the oracle's early
 * classification) are accessed like the kernel does, so that the threaded
 * engine is data-race free in the C11 sense and ThreadSanitizer stays quiet.
 * Relaxed atomics compile to plain moves on x86. */
#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)
/* KVM orders "seq++ before in_progress--" with smp_wmb() and the fault's
 * "read seq before anything else" with smp_rmb(). The same orderings are
 * expressed as a release store and an acquire load, which ThreadSanitizer
 * understands (it does not model standalone fences). */
#define smp_store_release(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define smp_load_acquire(x) __atomic_load_n(&(x), __ATOMIC_ACQUIRE)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
