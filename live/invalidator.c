#define _GNU_SOURCE /* CPU affinity */
#include "live/invalidator.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <time.h>

#include "live/clock.h"

#define PAGE 4096ULL

static void *invalidator_main(void *arg)
{
	struct live_invalidator *inv = arg;
	struct timespec gap = { .tv_sec = (time_t)(inv->gap_us / 1000000),
				.tv_nsec = (long)(inv->gap_us % 1000000) * 1000 };

	if (inv->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(inv->cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	/* The default slack (50 us) would stretch every short pause. */
	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	/* mprotect keeps the pages: populate them once, while writable. */
	if (!live_mech_frees((enum live_mech)inv->mech))
		for (uint64_t i = 0; i < inv->mem->npages; i++)
			((volatile char *)inv->mem->p)[i * PAGE] = 1;
	while (!atomic_load_explicit(&inv->stop, memory_order_relaxed)) {
		uint64_t t0;
		int rc;

		if (inv->touch && live_mech_frees((enum live_mech)inv->mech))
			for (uint64_t i = 0; i < inv->mem->npages; i++)
				((volatile char *)inv->mem->p)[i * PAGE] = 1;
		t0 = live_now_ns();
		rc = live_mech_invalidate((enum live_mech)inv->mech, inv->mem);
		inv->drop_ns += live_now_ns() - t0;
		if (rc < 0) {
			inv->error = errno ? errno : EIO;
			break;
		}
		inv->count++;
		if (inv->gap_us)
			nanosleep(&gap, NULL);
	}
	return NULL;
}

int live_invalidator_start(struct live_invalidator *inv)
{
	sigset_t all, old;
	int rc;

	atomic_store(&inv->stop, false);
	inv->count = 0;
	inv->drop_ns = 0;
	inv->error = 0;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&inv->thread, NULL, invalidator_main, inv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc == 0 ? 0 : -1;
}

void live_invalidator_stop(struct live_invalidator *inv)
{
	atomic_store(&inv->stop, true);
	pthread_join(inv->thread, NULL);
}
