/* icount.json (`bench icount --json`): instructions executed per operation
 * under callgrind. One binary gives the same counts on every run (10 runs:
 * spread 0, report/README.md), so a small threshold is safe and a change
 * in the code under test shows as soon as it costs instructions. */
#include <math.h>
#include <string.h>

#include "report/gate/compare_internal.h"

static const json_t *find(const json_t *list, const char *name)
{
	size_t i;
	json_t *b;

	json_array_foreach(list, i, b) {
		const char *n = jin_str(b, "name");

		if (n && strcmp(n, name) == 0)
			return b;
	}
	return NULL;
}

void cmp_icount(struct cmp_ctx *c, const json_t *base, const json_t *new_root)
{
	const json_t *ia = json_object_get(base, "icount");
	const json_t *ib = json_object_get(new_root, "icount");
	const json_t *la = json_object_get(ia, "benchmarks");
	const json_t *lb = json_object_get(ib, "benchmarks");
	const char *ta = jin_str(ia, "tool"), *tb = jin_str(ib, "tool");
	double limit = c->o->icount_pct;
	size_t i;
	json_t *a;

	if (!json_is_array(la) || !json_is_array(lb)) {
		cmp_bad(c, "%s: no \"benchmarks\" list: not `bench icount "
			"--json` output", c->file);
		return;
	}
	if (ta && tb && strcmp(ta, tb) != 0)
		cmp_note(c, "%s: BASE counted with %s, NEW with %s", c->file,
			 ta, tb);
	json_array_foreach(la, i, a) {
		const char *name = jin_str(a, "name"), *unit = jin_str(a, "unit");
		const json_t *b = name ? find(lb, name) : NULL;
		double pa, pb, change;

		if (!name)
			continue;
		if (!b) {
			cmp_bad(c, "%s: NEW lacks benchmark '%s', which BASE has "
				"(mismatched suites; update the baseline with "
				"`bench compare --update-baseline` if intended)",
				c->file, name);
			return;
		}
		pa = jin_num(a, "instructions_per_op", NAN);
		pb = jin_num(b, "instructions_per_op", NAN);
		if (!(pa > 0) || !(pb > 0))
			continue;
		c->icounts_compared++;
		change = (pb / pa - 1) * 100;
		if (change > limit)
			cmp_finding(c, "%s: %s instructions: %.1f -> %.1f per %s "
				    "(%+.1f%% > %.3g%% threshold)", c->file, name,
				    pa, pb, unit ? unit : "op", change, limit);
		else if (change < -limit)
			cmp_note(c, "%s: %s instructions: %.1f -> %.1f per %s "
				 "(%+.1f%%, fewer; update the baseline to keep "
				 "the gate tight)", c->file, name, pa, pb,
				 unit ? unit : "op", change);
	}
}
