#include "model/arena.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* 2 MiB, aligned, from mmap: fresh zero pages, an untouched tail costs
 * address space only, and a chunk can be one transparent huge page. A big
 * guest's map is ~100 MiB of nodes touched at random: with 4 KiB pages
 * nearly every level of a lookup was a TLB miss. */
#define CHUNK_BYTES (2u << 20)
/* The first chunk: 4 KiB pages, all made present by one call. A small map
 * (a test's, the explorer's) stays small; a map that outgrows it moves on
 * to huge-page chunks. Faulting pages in one by one cost the short runs of
 * the VM presets more than their steps (each run builds fresh maps, and a
 * page fault is expensive in a VM). */
#define FIRST_CHUNK_BYTES (256u << 10)

struct arena_chunk {
	struct arena_chunk *next;
	size_t size;
	size_t dirty; /* in the chunk cache: bytes of data[] that were used */
	unsigned char data[] __attribute__((aligned(64))); /* lines start here */
};

/* Chunks of destroyed arenas, kept for the next arena of this process
 * (the engines build fresh maps per tracker and per source, one after the
 * other). Fresh memory costs a page fault per page and, in a VM whose
 * host takes freed guest memory back (free page reporting), a fault on
 * the host too: in perf that was a quarter of a 4 TiB numa run. A cached
 * chunk is zeroed in user space, only as far as it was used. Only the two
 * standard sizes are kept, up to CACHE_MAX; this holds no more than the
 * process's peak already did. */
#define CACHE_MAX ((size_t)512 << 20)
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct arena_chunk *cache[2]; /* [0]: first chunks, [1]: huge */
static size_t cache_bytes;

void arena_init(struct arena *a)
{
	a->lock = 0;
	a->chunks = NULL;
	a->used = 0;
	a->bytes = 0;
}

static int cache_class(size_t len)
{
	return len == FIRST_CHUNK_BYTES ? 0 : len == CHUNK_BYTES ? 1 : -1;
}

void arena_destroy(struct arena *a)
{
	struct arena_chunk *c = a->chunks, *next;

	for (; c; c = next) {
		size_t len = sizeof(*c) + c->size;
		int k = cache_class(len);

		next = c->next;
		c->dirty = c == a->chunks ? a->used : c->size;
		pthread_mutex_lock(&cache_lock);
		if (k >= 0 && cache_bytes + len <= CACHE_MAX) {
			c->next = cache[k];
			cache[k] = c;
			cache_bytes += len;
			c = NULL;
		}
		pthread_mutex_unlock(&cache_lock);
		if (c)
			munmap(c, len);
	}
	a->chunks = NULL;
	a->used = 0;
	a->bytes = 0;
}

/* `bytes` of zeroed memory, or NULL. huge: bytes is a multiple of
 * CHUNK_BYTES and the memory starts on a CHUNK_BYTES boundary, hinted to be
 * transparent huge pages; else made present at once where the kernel can
 * (MADV_POPULATE_WRITE, Linux 5.14; a hint too). */
static void *map_chunk(size_t bytes, bool huge)
{
	unsigned char *p;
	uintptr_t start, end;

	if (!huge) {
		p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return NULL;
#ifdef MADV_POPULATE_WRITE
		madvise(p, bytes, MADV_POPULATE_WRITE);
#endif
		return p;
	}
	p = mmap(NULL, bytes + CHUNK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	start = ((uintptr_t)p + CHUNK_BYTES - 1) & ~(uintptr_t)(CHUNK_BYTES - 1);
	end = start + bytes;
	if (start > (uintptr_t)p)
		munmap(p, start - (uintptr_t)p);
	if ((uintptr_t)p + bytes + CHUNK_BYTES > end)
		munmap((void *)end, (uintptr_t)p + bytes + CHUNK_BYTES - end);
#ifdef MADV_HUGEPAGE
	madvise((void *)start, bytes, MADV_HUGEPAGE);
#endif
	return (void *)start;
}

static void *alloc_locked(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->chunks;
	size_t align = size % 64 == 0 ? 64 : size % 32 == 0 ? 32 : 8;
	size_t at;
	void *p;

	size = (size + 7) & ~(size_t)7;
	at = (a->used + align - 1) & ~(align - 1); /* data[] is 64-aligned */
	if (!c || at + size > c->size) {
		bool huge = a->chunks != NULL ||
			    sizeof(*c) + size > FIRST_CHUNK_BYTES;
		size_t unit = huge ? CHUNK_BYTES : FIRST_CHUNK_BYTES;
		size_t len = (sizeof(*c) + size + unit - 1) & ~(unit - 1);
		int k = cache_class(len);

		c = NULL;
		if (k >= 0) {
			pthread_mutex_lock(&cache_lock);
			if ((c = cache[k])) {
				cache[k] = c->next;
				cache_bytes -= len;
			}
			pthread_mutex_unlock(&cache_lock);
			if (c)
				memset(c->data, 0, c->dirty);
		}
		if (!c)
			c = map_chunk(len, huge);
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
