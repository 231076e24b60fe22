#include "live/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double live_median(const double *v, size_t n)
{
	double *s, m;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		if (isnan(v[i]))
			return NAN;
	s = malloc(n * sizeof(*s));
	if (!s)
		return NAN;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return m;
}

void live_range(const double *v, size_t n, double *min, double *max)
{
	*min = *max = NAN;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || v[i] < *min)
			*min = v[i];
		if (i == 0 || v[i] > *max)
			*max = v[i];
	}
}
