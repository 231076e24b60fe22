/* The U test against values published or derivable by hand. */
#include <math.h>
#include <stdio.h>

#include "report/gate/mannwhitney.h"
#include "tests/check.h"

int main(void)
{
	struct mwu_result r;

	/* SciPy's documented example (scipy.stats.mannwhitneyu): ages of
	 * males vs females; U1 = 17, exact two-sided p = 1/9; asymptotic
	 * (continuity-corrected) p = 0.11134688653314041. */
	const double males[] = { 19, 22, 16, 29, 24 };
	const double females[] = { 20, 11, 17, 12 };

	CHECK(mwu_test(males, 5, females, 4, &r) == 0);
	CHECK_NEAR(r.u1, 17.0, 1e-12);
	CHECK(r.exact);
	CHECK_NEAR(r.p, 0.1111111111111111, 1e-12);

	/* Complete separation, 5 vs 5: only 2 of C(10,5) = 252 orderings are
	 * as extreme, p = 2/252. This is the "one timing doubled" case. */
	const double fast[] = { 10, 11, 12, 13, 14 };
	const double slow[] = { 20, 22, 24, 26, 28 };

	CHECK(mwu_test(fast, 5, slow, 5, &r) == 0);
	CHECK_NEAR(r.u1, 0.0, 1e-12);
	CHECK_NEAR(r.p, 2.0 / 252.0, 1e-12);
	CHECK(mwu_test(slow, 5, fast, 5, &r) == 0);
	CHECK_NEAR(r.u1, 25.0, 1e-12);
	CHECK_NEAR(r.p, 2.0 / 252.0, 1e-12);

	/* Identical samples: no evidence of a difference. With ties the
	 * normal approximation is used; every value tied gives p = 1. */
	CHECK(mwu_test(fast, 5, fast, 5, &r) == 0);
	CHECK(!r.exact);
	CHECK_NEAR(r.u1, 12.5, 1e-12);
	CHECK_NEAR(r.p, 1.0, 1e-12);
	const double same[] = { 3, 3, 3 };

	CHECK(mwu_test(same, 3, same, 3, &r) == 0);
	CHECK_NEAR(r.p, 1.0, 1e-12);

	/* Larger than MWU_EXACT_MAX, no ties: normal approximation.
	 * x = 1..9, y = 10..18: U1 = 0, mu = 40.5, sigma^2 = 81*19/12,
	 * z = (81 - 40.5 - 0.5) / sigma, p = erfc(z / sqrt 2). */
	double x[9], y[9];

	for (int i = 0; i < 9; i++) {
		x[i] = i + 1;
		y[i] = i + 10;
	}
	CHECK(mwu_test(x, 9, y, 9, &r) == 0);
	CHECK(!r.exact);
	CHECK_NEAR(r.u1, 0.0, 1e-12);
	CHECK_NEAR(r.p, erfc(40.0 / sqrt(81.0 * 19 / 12) / sqrt(2.0)), 1e-12);
	CHECK(r.p < 0.001);

	/* With ties: x = {1,2,2,3}, y = {2,3,4,5}. Ranks of the pooled data
	 * 1,2,2,2,3,3,4,5: 1, 3,3,3, 5.5,5.5, 7, 8. R_x = 1+3+3+5.5 = 12.5,
	 * U1 = 12.5 - 10 = 2.5, U = 13.5; tie term (27-3)+(8-2) = 30;
	 * sigma^2 = 16/12 * (9 - 30/56). */
	const double tx[] = { 1, 2, 2, 3 }, ty[] = { 2, 3, 4, 5 };

	CHECK(mwu_test(tx, 4, ty, 4, &r) == 0);
	CHECK(!r.exact);
	CHECK_NEAR(r.u1, 2.5, 1e-12);
	CHECK_NEAR(r.p, erfc((13.5 - 8 - 0.5) /
			     sqrt(16.0 / 12 * (9 - 30.0 / 56)) / sqrt(2.0)),
		   1e-12);

	CHECK(mwu_test(x, 0, y, 9, &r) == -1);
	return check_summary("mannwhitney");
}
