#include "live/fit.h"

#include <math.h>
#include <string.h>

struct vertex {
	double x[FIT_MAX_DIM];
	double f;
};

static void sort_simplex(struct vertex *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct vertex t = v[i];
		size_t j = i;

		while (j > 0 && v[j - 1].f > t.f) {
			v[j] = v[j - 1];
			j--;
		}
		v[j] = t;
	}
}

double fit_nelder_mead(fit_fn f, void *ctx, double *x, size_t dim,
		       double step, double ftol, int max_evals, int *evals)
{
	struct vertex v[FIT_MAX_DIM + 1], c, r, e;
	size_t n = dim + 1;
	int ev = 0;

	if (dim == 0 || dim > FIT_MAX_DIM) {
		if (evals)
			*evals = 0;
		return NAN;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(v[i].x, x, dim * sizeof(double));
		if (i > 0)
			v[i].x[i - 1] += step;
		v[i].f = f(v[i].x, ctx);
		ev++;
	}
	while (ev < max_evals) {
		sort_simplex(v, n);
		if (fabs(v[n - 1].f - v[0].f) < ftol)
			break;
		/* Centroid of all but the worst. */
		memset(&c, 0, sizeof(c));
		for (size_t i = 0; i < n - 1; i++)
			for (size_t d = 0; d < dim; d++)
				c.x[d] += v[i].x[d] / (double)dim;
		for (size_t d = 0; d < dim; d++)
			r.x[d] = c.x[d] + (c.x[d] - v[n - 1].x[d]);
		r.f = f(r.x, ctx);
		ev++;
		if (r.f < v[0].f) {
			for (size_t d = 0; d < dim; d++)
				e.x[d] = c.x[d] + 2 * (c.x[d] - v[n - 1].x[d]);
			e.f = f(e.x, ctx);
			ev++;
			v[n - 1] = e.f < r.f ? e : r;
		} else if (r.f < v[n - 2].f) {
			v[n - 1] = r;
		} else {
			/* Contract towards the better of worst and reflected. */
			const struct vertex *w = r.f < v[n - 1].f ? &r : &v[n - 1];

			for (size_t d = 0; d < dim; d++)
				e.x[d] = c.x[d] + 0.5 * (w->x[d] - c.x[d]);
			e.f = f(e.x, ctx);
			ev++;
			if (e.f < w->f) {
				v[n - 1] = e;
			} else {
				/* Shrink towards the best. */
				for (size_t i = 1; i < n && ev < max_evals; i++) {
					for (size_t d = 0; d < dim; d++)
						v[i].x[d] = v[0].x[d] +
							0.5 * (v[i].x[d] - v[0].x[d]);
					v[i].f = f(v[i].x, ctx);
					ev++;
				}
			}
		}
	}
	sort_simplex(v, n);
	memcpy(x, v[0].x, dim * sizeof(double));
	if (evals)
		*evals = ev;
	return v[0].f;
}

double fit_golden(fit_fn f, void *ctx, double lo, double hi, double tol,
		  int max_evals, double *x, int *evals)
{
	const double g = (sqrt(5.0) - 1) / 2;
	double a = lo, b = hi, c = b - g * (b - a), d = a + g * (b - a);
	double fc = f(&c, ctx), fd = f(&d, ctx), best, bx;
	int ev = 2;

	best = fc < fd ? fc : fd;
	bx = fc < fd ? c : d;
	while (b - a > tol && ev < max_evals) {
		if (fc < fd) {
			b = d;
			d = c;
			fd = fc;
			c = b - g * (b - a);
			fc = f(&c, ctx);
			if (fc < best) {
				best = fc;
				bx = c;
			}
		} else {
			a = c;
			c = d;
			fc = fd;
			d = a + g * (b - a);
			fd = f(&d, ctx);
			if (fd < best) {
				best = fd;
				bx = d;
			}
		}
		ev++;
	}
	*x = bx;
	if (evals)
		*evals = ev;
	return best;
}
