/* The host-side ways of invalidating guest memory that `bench live --sweep`
 * compares. Each one is an mmu-notifier invalidation of every memslot that
 * maps the memory, but they differ in how long the notifier range stays
 * open and in what they leave behind:
 *
 *   dontneed  madvise(MADV_DONTNEED): one range, pages freed
 *   mprotect  mprotect() alternating read-only / read-write: one range per
 *             page-table walk, pages kept
 *   remap     munmap() then mmap(MAP_FIXED_NOREPLACE) of fresh memory
 *   pageout   madvise(MADV_PAGEOUT): reclaim, one notifier range per page
 *             (needs swap for anonymous memory)
 *   punch     fallocate(PUNCH_HOLE) on a memfd backing (MAP_SHARED)
 *
 * A kernel may lack one (old madvise advice, no memfd) or it may do nothing
 * here (pageout without swap): live_mech_probe() tries it on a scratch
 * mapping first, so the sweep can skip it with a note instead of measuring
 * an invalidation that never happened.
 */
#ifndef LIVE_MECHANISM_H
#define LIVE_MECHANISM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum live_mech {
	LM_DONTNEED,
	LM_MPROTECT,
	LM_REMAP,
	LM_PAGEOUT,
	LM_PUNCH,
	LM_COUNT
};
extern const char *const live_mech_names[LM_COUNT];

/* Host memory for a slot: anonymous private, or a memfd mapped shared. */
struct live_mem {
	void *p;
	uint64_t npages;
	int fd;        /* -1: anonymous */
	bool readonly; /* mprotect: the state the last call left */
};

/* Allocates without transparent huge pages (one 2 MiB host page would turn
 * 512 guest faults into one). Returns 0 or -1 (errno set). */
int live_mem_alloc(struct live_mem *m, uint64_t npages, bool memfd);
void live_mem_free(struct live_mem *m);

/* Whether the mechanism needs a memfd backing. */
bool live_mech_memfd(enum live_mech k);
/* Whether it frees the pages (so the invalidator repopulates them before
 * the next one; mprotect keeps them, and writing a read-only page would
 * fault). */
bool live_mech_frees(enum live_mech k);

/* One invalidation of the whole of m. Returns 0, or -1 with errno. */
int live_mech_invalidate(enum live_mech k, struct live_mem *m);

/* Tries k on a small scratch mapping: 0 when it invalidates here, 1 when
 * it is unsupported or has no effect (reason in note, one line). */
int live_mech_probe(enum live_mech k, char *note, size_t len);

#endif
