#include "stress/latency_hist.h"

/* Values below 2^(LAT_SUB_BITS+1) get a bucket each; above, bucket
 * (msb - LAT_SUB_BITS) * 8 + the 3 bits after the msb. */
static unsigned bucket_of(uint64_t v)
{
	unsigned msb, shift;

	if (v < (2u << LAT_SUB_BITS))
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - LAT_SUB_BITS;
	return ((shift + 1) << LAT_SUB_BITS) +
	       (unsigned)((v >> shift) & ((1u << LAT_SUB_BITS) - 1));
}

static uint64_t bucket_low(unsigned b)
{
	unsigned shift;

	if (b < (2u << LAT_SUB_BITS))
		return b;
	shift = (b >> LAT_SUB_BITS) - 1;
	return ((uint64_t)((1u << LAT_SUB_BITS) | (b & ((1u << LAT_SUB_BITS) - 1))))
	       << shift;
}

void lat_record(struct latency_hist *h, uint64_t ns)
{
	h->bucket[bucket_of(ns)]++;
	h->count++;
}

void lat_merge(struct latency_hist *into, const struct latency_hist *from)
{
	for (unsigned i = 0; i < LAT_BUCKETS; i++)
		into->bucket[i] += from->bucket[i];
	into->count += from->count;
}

uint64_t lat_quantile(const struct latency_hist *h, double q)
{
	uint64_t rank, seen = 0;

	if (!h->count)
		return 0;
	if (q < 0)
		q = 0;
	rank = (uint64_t)(q * (double)(h->count - 1));
	for (unsigned b = 0; b < LAT_BUCKETS; b++) {
		seen += h->bucket[b];
		if (seen > rank) {
			uint64_t lo = bucket_low(b), hi = bucket_low(b + 1);

			return b + 1 < LAT_BUCKETS && hi > lo ? lo + (hi - lo - 1) / 2 : lo;
		}
	}
	return bucket_low(LAT_BUCKETS - 1);
}
