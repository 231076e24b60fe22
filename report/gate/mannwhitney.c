#include "report/gate/mannwhitney.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;

	return (x > y) - (x < y);
}

/* Number of arrangements of m x-values among n y-values giving each U:
 * f(m, n, u) = f(m-1, n, u-n) + f(m, n-1, u) (the largest value is an x, or
 * a y). Small m, n only, so a table is fine. Returns P(U >= u). */
static double exact_sf(int m, int n, int u)
{
	int umax = m * n;
	double *f = calloc((size_t)(m + 1) * (n + 1) * (umax + 1), sizeof(*f));
	double total = 0, tail = 0;

#define F(i, j, k) f[((size_t)(i) * (n + 1) + (j)) * (umax + 1) + (k)]
	if (!f)
		return NAN;
	for (int i = 0; i <= m; i++) {
		for (int j = 0; j <= n; j++) {
			for (int k = 0; k <= i * j; k++) {
				if (i == 0 || j == 0) {
					F(i, j, k) = k == 0;
					continue;
				}
				F(i, j, k) = (k >= j ? F(i - 1, j, k - j) : 0) +
					     F(i, j - 1, k);
			}
		}
	}
	for (int k = 0; k <= umax; k++) {
		total += F(m, n, k);
		if (k >= u)
			tail += F(m, n, k);
	}
#undef F
	free(f);
	return tail / total;
}

int mwu_test(const double *x, size_t nx, const double *y, size_t ny,
	     struct mwu_result *out)
{
	size_t n = nx + ny;
	struct ranked *r;
	double rank_sum_x = 0, tie_term = 0;
	bool ties = false;

	if (nx == 0 || ny == 0 || nx > MWU_MAX_N || ny > MWU_MAX_N)
		return -1;
	r = malloc(n * sizeof(*r));
	if (!r)
		return -1;
	for (size_t i = 0; i < nx; i++)
		r[i] = (struct ranked){ x[i], 1 };
	for (size_t i = 0; i < ny; i++)
		r[nx + i] = (struct ranked){ y[i], 0 };
	qsort(r, n, sizeof(*r), cmp_ranked);
	/* Average ranks over ties; t^3 - t per tie group for the variance. */
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && r[j + 1].v == r[i].v)
			j++;
		double t = (double)(j - i + 1), avg = (double)(i + j) / 2 + 1;

		if (t > 1) {
			ties = true;
			tie_term += t * t * t - t;
		}
		for (size_t k = i; k <= j; k++)
			if (r[k].from_x)
				rank_sum_x += avg;
		i = j + 1;
	}
	free(r);

	double n1 = (double)nx, n2 = (double)ny, nn = (double)n;
	double u1 = rank_sum_x - n1 * (n1 + 1) / 2, u2 = n1 * n2 - u1;
	double u = u1 > u2 ? u1 : u2; /* two-sided: the larger tail */

	out->u1 = u1;
	out->exact = !ties && nx <= MWU_EXACT_MAX && ny <= MWU_EXACT_MAX;
	if (out->exact) {
		out->p = 2 * exact_sf((int)nx, (int)ny, (int)lround(u));
	} else {
		double mu = n1 * n2 / 2;
		double var = n1 * n2 / 12 *
			     ((nn + 1) - tie_term / (nn * (nn - 1)));

		if (var <= 0) {
			out->p = 1; /* every value equal: no evidence at all */
		} else {
			double z = (u - mu - 0.5) / sqrt(var);

			out->p = erfc(z / sqrt(2));
		}
	}
	if (out->p > 1)
		out->p = 1;
	return 0;
}
