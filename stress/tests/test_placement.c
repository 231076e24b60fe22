/* hwloc placement on this machine: plans stay inside the allowed set, a
 * bound thread runs where it was bound, the old binding comes back, and a
 * bind to a CPU that cannot exist fails softly. */
#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "stress/placement.h"
#include "tests/check.h"

static bool allowed(int cpu)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 && cpu >= 0 &&
	       cpu < CPU_SETSIZE && CPU_ISSET(cpu, &set);
}

int main(void)
{
	char err[256], buf[256];
	cpu_set_t before, after;
	int cpus[16];
	struct placement *p;

	CHECK(strcmp(placement_names[PLACEMENT_SCATTER], "scatter") == 0 &&
	      strcmp(placement_names[PLACEMENT_COMPACT], "compact") == 0 &&
	      strcmp(placement_names[PLACEMENT_NONE], "none") == 0 &&
	      placement_names[3] == NULL, "placement names out of enum order");

	sched_getaffinity(0, sizeof(before), &before);
	for (int m = PLACEMENT_SCATTER; m <= PLACEMENT_NONE; m++) {
		p = placement_open((enum placement_mode)m, err, sizeof(err));
		CHECK(p != NULL, "open %s: %s", placement_names[m], err);
		if (!p)
			continue;
		unsigned n = placement_allowed_count(p);

		CHECK(n >= 1 && (int)n <= CPU_COUNT(&before),
		      "allowed count %u vs affinity %d", n, CPU_COUNT(&before));
		placement_plan(p, 16, cpus);
		for (int i = 0; i < 16; i++) {
			if (m == PLACEMENT_NONE)
				CHECK(cpus[i] == -1, "none: thread %d planned on %d", i, cpus[i]);
			else
				CHECK(allowed(cpus[i]), "%s: thread %d on CPU %d, not allowed",
				      placement_names[m], i, cpus[i]);
		}
		/* The first n threads of a binding mode get n distinct CPUs. */
		if (m != PLACEMENT_NONE && n <= 16) {
			for (unsigned i = 0; i < n; i++)
				for (unsigned j = i + 1; j < n; j++)
					CHECK(cpus[i] != cpus[j], "%s: threads %u and %u share CPU %d",
					      placement_names[m], i, j, cpus[i]);
		}
		placement_describe_topology(p, buf, sizeof(buf));
		CHECK(strstr(buf, "PU") != NULL, "topology text: %s", buf);
		placement_describe_allowed(p, buf, sizeof(buf));
		CHECK(buf[0] != '\0', "allowed text empty");

		if (m != PLACEMENT_NONE) {
			struct placement_saved *s = placement_save_self(p);

			CHECK(s != NULL, "save binding");
			CHECK(placement_bind_self(p, cpus[0]) == 0, "bind to %d", cpus[0]);
			/* sched_setaffinity migrates before it returns. */
			CHECK(sched_getcpu() == cpus[0], "running on %d, bound to %d",
			      sched_getcpu(), cpus[0]);
			CHECK(placement_restore_self(p, s) == 0, "restore binding");
			sched_getaffinity(0, sizeof(after), &after);
			CHECK(CPU_EQUAL(&before, &after), "binding not restored");

			/* A CPU that does not exist: soft failure, counted,
			 * binding unchanged. */
			CHECK(placement_bind_self(p, 4000) == -1, "bind to CPU 4000 succeeded");
			CHECK(placement_bind_failures(p) == 1, "failures: %lu",
			      placement_bind_failures(p));
			sched_getaffinity(0, sizeof(after), &after);
			CHECK(CPU_EQUAL(&before, &after), "failed bind changed the binding");
		}
		placement_close(p);
	}
	return check_summary("stress_test_placement");
}
