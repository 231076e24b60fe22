/* The latency histogram: bucket bounds and quantiles on known data. */
#include <stdlib.h>

#include "stress/latency_hist.h"
#include "tests/check.h"

int main(void)
{
	struct latency_hist *h = calloc(1, sizeof(*h)), *g = calloc(1, sizeof(*g));

	CHECK_EQ_U64(lat_quantile(h, 0.5), 0, "empty histogram");
	/* Below 16 ns every value has its own bucket: exact. */
	for (uint64_t v = 1; v <= 9; v++)
		lat_record(h, v);
	CHECK_EQ_U64(lat_quantile(h, 0.5), 5, "median of 1..9");
	CHECK_EQ_U64(lat_quantile(h, 0.0), 1, "minimum of 1..9");
	CHECK_EQ_U64(lat_quantile(h, 1.0), 9, "maximum of 1..9");

	/* 99 values of 1000 ns and one of 1 ms: p50 near 1000 within the
	 * 12.5 % bucket width, p99 still 1000, the max near 1 ms. */
	for (int i = 0; i < 99; i++)
		lat_record(g, 1000);
	lat_record(g, 1000000);
	uint64_t p50 = lat_quantile(g, 0.5), p99 = lat_quantile(g, 0.99),
		 mx = lat_quantile(g, 1.0);
	CHECK(p50 >= 960 && p50 <= 1024, "p50 of 1000s: got %llu", (unsigned long long)p50);
	CHECK(p99 == p50, "p99 with one outlier in 100: got %llu", (unsigned long long)p99);
	CHECK(mx >= 983040 && mx <= 1048576, "max ~1 ms: got %llu", (unsigned long long)mx);

	/* Merge adds counts. */
	lat_merge(h, g);
	CHECK_EQ_U64(h->count, 109, "merged count");
	/* Huge values do not overflow the table. */
	lat_record(h, UINT64_MAX);
	CHECK(lat_quantile(h, 1.0) > (1ull << 62), "max bucket");
	free(h);
	free(g);
	return check_summary("stress_test_latency");
}
