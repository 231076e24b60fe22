#include "model/arena.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/mman.h>

/* 2 MiB, aligned, from mmap: fresh zero pages, an untouched tail costs
 * address space only, and a chunk can be one transparent huge page. A big
 * guest's map is ~100 MiB of nodes touched at random: with 4 KiB pages
 * nearly every level of a lookup was a TLB miss. */
#define CHUNK_BYTES (2u << 20)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	unsigned char data[] __attribute__((aligned(64))); /* lines start here */
};

void arena_init(struct arena *a)
{
	a->lock = 0;
	a->chunks = NULL;
	a->used = 0;
	a->bytes = 0;
}

void arena_destroy(struct arena *a)
{
	struct arena_chunk *c = a->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		munmap(c, sizeof(*c) + c->size);
	}
	a->chunks = NULL;
	a->used = 0;
	a->bytes = 0;
}

/* `bytes` (a multiple of CHUNK_BYTES) of zeroed memory starting on a CHUNK_BYTES boundary, or NULL. */
static void *map_chunk(size_t bytes, bool huge)
{
	size_t len = (bytes + CHUNK_BYTES - 1) & ~(size_t)(CHUNK_BYTES - 1);
	unsigned char *p = mmap(NULL, len + CHUNK_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t start, end;

	if (p == MAP_FAILED)
		return NULL;
	start = ((uintptr_t)p + CHUNK_BYTES - 1) & ~(uintptr_t)(CHUNK_BYTES - 1);
	end = start + len;
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + len + CHUNK_BYTES > end)
		munmap((void *)end, (uintptr_t)p + len + CHUNK_BYTES - end);
#ifdef MADV_HUGEPAGE
	if (huge) /* a hint: may be refused */
		madvise((void *)start, len, MADV_HUGEPAGE);
#else
	(void)huge;
#endif
	return (void *)start;
}

static void *alloc_locked(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->chunks;
	size_t align = size % 64 == 0 ? 64 : 8;
	size_t at;
	void *p;

	size = (size + 7) & ~(size_t)7;
	at = (a->used + align - 1) & ~(align - 1); /* data[] is 64-aligned */
	if (!c || at + size > c->size) {
		size_t len = (sizeof(*c) + size + CHUNK_BYTES - 1) &
			     ~(size_t)(CHUNK_BYTES - 1);

		/* Huge pages from the second chunk on: a small map stays
		 * a few 4 KiB pages, not 2 MiB. */
		c = map_chunk(len, a->chunks != NULL);
		if (!c) {
			fprintf(stderr, "model: out of memory for page maps "
				"(%zu bytes in use)\n", a->bytes);
			abort();
		}
		c->size = len - sizeof(*c);
		c->next = a->chunks;
		a->chunks = c;
		a->bytes += len;
		at = 0;
	}
	p = c->data + at;
	a->used = at + size;
	return p;
}

void *arena_alloc(struct arena *a, size_t size)
{
	void *p;

	arena_lock(a);
	p = alloc_locked(a, size);
	arena_unlock(a);
	return p;
}

void arena_lock_wait_(struct arena *a)
{
	/* Another thread is making a node (or mapping a chunk): wait, and
	 * give the CPU away now and then in case it was preempted. */
	for (unsigned spins = 1;; spins++) {
		if (!__atomic_load_n(&a->lock, __ATOMIC_RELAXED) &&
		    !__atomic_exchange_n(&a->lock, 1, __ATOMIC_ACQUIRE))
			return;
		if (spins % 64 == 0)
			sched_yield();
		else
			__builtin_ia32_pause();
	}
}

void *arena_alloc_locked(struct arena *a, size_t size)
{
	return alloc_locked(a, size);
}
