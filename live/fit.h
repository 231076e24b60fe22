/* Derivative-free minimisers for the calibration (live/calib.c): the
 * objective there is a deterministic engine run, piecewise constant in its
 * parameters (step counts are integers), so no gradient exists. */
#ifndef LIVE_FIT_H
#define LIVE_FIT_H

#include <stddef.h>

#define FIT_MAX_DIM 8

typedef double (*fit_fn)(const double *x, void *ctx);

/* Nelder-Mead from x (dim <= FIT_MAX_DIM), initial simplex `step` along
 * each axis, at most max_evals evaluations or until the simplex's values
 * differ by less than `ftol`. x receives the best point; returns its value.
 * *evals (may be NULL) receives the number of evaluations. */
double fit_nelder_mead(fit_fn f, void *ctx, double *x, size_t dim,
		       double step, double ftol, int max_evals, int *evals);

/* Golden-section search for a minimum of a one-dimensional f on [lo, hi]
 * (f(x) is called with &x), until the bracket is narrower than tol or
 * max_evals. *x receives the best point seen; returns its value. */
double fit_golden(fit_fn f, void *ctx, double lo, double hi, double tol,
		  int max_evals, double *x, int *evals);

#endif
