/* The host thread that invalidates: one mechanism (live/mechanism.h,
 * madvise(MADV_DONTNEED) by default) on one range in a loop, which is an
 * mmu-notifier invalidation of every memslot mapping that memory (both
 * aliases, when there are two). */
#ifndef LIVE_INVALIDATOR_H
#define LIVE_INVALIDATOR_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "live/mechanism.h"

struct live_invalidator {
	/* set by the caller */
	struct live_mem *mem; /* the range invalidated, whole */
	int mech;        /* enum live_mech */
	bool touch;      /* populate the pages before each drop (mechanisms
			  * that free them only) */
	uint64_t gap_us; /* pause after each drop */
	int cpu;         /* pin to this CPU; -1: not pinned */
	/* results, valid after stop */
	uint64_t count;   /* drops done */
	uint64_t drop_ns; /* time inside the mechanism's calls, summed */
	int error;        /* errno of a failed call (the thread stops) */
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
