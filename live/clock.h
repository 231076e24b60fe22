/* The monotonic clock, for run lengths and the cost figures the model's
 * step counts are derived from (never for pass/fail). */
#ifndef LIVE_CLOCK_H
#define LIVE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t live_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static inline double live_now_seconds(void)
{
	return (double)live_now_ns() * 1e-9;
}

#endif
