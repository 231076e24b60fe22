/* Thread placement over the CPUs this process may use, with hwloc.
 *
 * Why hwloc and not the CPU count: Google Benchmark (and sysconf) count every
 * online CPU, but a container's cpuset or a `taskset` may allow fewer. The
 * placement works on the *allowed* set only: hwloc's allowed cpuset (cgroup
 * limits) intersected with the process's binding at open time.
 *
 *   scatter  thread k goes where it shares the least with threads 0..k-1
 *            (other package, then other core, then SMT sibling): hwloc_distrib
 *   compact  thread k on the k-th allowed PU in topology order (SMT siblings
 *            and cores of one package first)
 *   none     no binding: the scheduler decides
 *
 * More threads than allowed CPUs is legal (vCPU overcommit is real): the plan
 * wraps around, and the caller says so in its output.
 *
 * A failed bind is not fatal: the thread runs unbound, the failure is
 * counted, and the first one prints a single note on stderr.
 */
#ifndef STRESS_PLACEMENT_H
#define STRESS_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>

enum placement_mode { PLACEMENT_SCATTER, PLACEMENT_COMPACT, PLACEMENT_NONE };

extern const char *const placement_names[]; /* NULL-terminated, enum order */

struct placement; /* opaque: the hwloc topology and the allowed set */

/* Loads the topology. Returns NULL with a message in err on failure. */
struct placement *placement_open(enum placement_mode mode, char *err,
				 size_t errlen);
void placement_close(struct placement *p);

enum placement_mode placement_mode(const struct placement *p);
unsigned placement_allowed_count(const struct placement *p);

/* OS indexes of the CPUs for threads 0..n-1 (wrapping when n exceeds the
 * allowed count); -1 each for PLACEMENT_NONE. */
void placement_plan(const struct placement *p, unsigned n, int *cpus);

/* Binds the calling thread to OS CPU `cpu` (-1: does nothing). Returns 0, or
 * -1 when the bind failed and the thread stays as it was. */
int placement_bind_self(struct placement *p, int cpu);

/* The calling thread's binding, to restore after binding it (the benchmark's
 * main thread). Opaque; free with placement_restore_self. */
struct placement_saved;
struct placement_saved *placement_save_self(struct placement *p);
/* Restores and frees. Returns 0, or -1 when the restore failed. */
int placement_restore_self(struct placement *p, struct placement_saved *s);

/* Bind failures so far (all threads). */
unsigned long placement_bind_failures(const struct placement *p);

/* For the JSON context. */
void placement_describe_topology(const struct placement *p, char *buf,
				 size_t len); /* "1 package, 2 cores, ..." */
void placement_describe_allowed(const struct placement *p, char *buf,
				size_t len); /* "0-1" */
void placement_cpu_model(const struct placement *p, char *buf, size_t len);
/* The plan for n threads as text: "0,1,0,1" or "unbound". */
void placement_describe_plan(const struct placement *p, unsigned n, char *buf,
			     size_t len);

#endif
