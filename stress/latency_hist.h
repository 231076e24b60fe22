/* Fault latency histogram: log2 buckets split in 8 linear sub-buckets
 * (12.5 % resolution), fixed size, no allocation, one per thread and merged
 * at the end, so recording costs an index computation and an increment. */
#ifndef STRESS_LATENCY_HIST_H
#define STRESS_LATENCY_HIST_H

#include <stdint.h>

#define LAT_SUB_BITS 3
#define LAT_BUCKETS (64 << LAT_SUB_BITS)

struct latency_hist {
	uint64_t count;
	uint64_t bucket[LAT_BUCKETS];
};

void lat_record(struct latency_hist *h, uint64_t ns);
void lat_merge(struct latency_hist *into, const struct latency_hist *from);
/* Value at quantile q in [0, 1]: the midpoint of the bucket holding it
 * (exact below 16 ns). 0 when empty. */
uint64_t lat_quantile(const struct latency_hist *h, double q);

#endif
