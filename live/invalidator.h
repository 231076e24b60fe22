/* The host thread that invalidates: madvise(MADV_DONTNEED) on one range in
 * a loop, which is an mmu-notifier invalidation of every memslot mapping
 * that memory (both aliases, when there are two). */
#ifndef LIVE_INVALIDATOR_H
#define LIVE_INVALIDATOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

struct live_invalidator {
	/* set by the caller */
	void *mem;
	uint64_t npages;
	bool touch;      /* populate the pages before each drop */
	uint64_t gap_us; /* pause after each drop */
	int cpu;         /* pin to this CPU; -1: not pinned */
	/* results, valid after stop */
	uint64_t count;   /* drops done */
	uint64_t drop_ns; /* time inside madvise, summed */
	/* private */
	pthread_t thread;
	atomic_bool stop;
};

/* Starts the thread with every signal blocked (the run deadline is aimed at
 * the vCPU thread). Returns 0 or -1. */
int live_invalidator_start(struct live_invalidator *inv);
/* Stops after the current drop and joins. */
void live_invalidator_stop(struct live_invalidator *inv);

#endif
