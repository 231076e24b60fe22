#include "stress/placement.h"

#include <errno.h>
#include <hwloc.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const placement_names[] = { "scatter", "compact", "none", NULL };

struct placement {
	hwloc_topology_t topo; /* restricted to the allowed set */
	enum placement_mode mode;
	unsigned n_allowed;
	unsigned long bind_failures; /* atomic */
	int noted;                   /* atomic: the one note was printed */
};

struct placement_saved {
	hwloc_bitmap_t set;
};

struct placement *placement_open(enum placement_mode mode, char *err,
				 size_t errlen)
{
	struct placement *p = calloc(1, sizeof(*p));
	hwloc_bitmap_t set = hwloc_bitmap_alloc();

	if (!p || !set)
		goto nomem;
	p->mode = mode;
	if (hwloc_topology_init(&p->topo) || hwloc_topology_load(p->topo)) {
		snprintf(err, errlen, "placement: hwloc cannot load the topology (%s)",
			 strerror(errno));
		goto fail;
	}
	/* Allowed = cgroup cpuset AND the binding we were started with (taskset),
	 * so that every later step sees only CPUs we may run on. */
	hwloc_bitmap_copy(set, hwloc_topology_get_allowed_cpuset(p->topo));
	{
		hwloc_bitmap_t bound = hwloc_bitmap_alloc();

		if (bound && !hwloc_get_cpubind(p->topo, bound, HWLOC_CPUBIND_PROCESS) &&
		    hwloc_bitmap_intersects(bound, set))
			hwloc_bitmap_and(set, set, bound);
		hwloc_bitmap_free(bound);
	}
	if (hwloc_topology_restrict(p->topo, set, 0)) {
		snprintf(err, errlen, "placement: hwloc cannot restrict the topology to the allowed CPUs (%s)",
			 strerror(errno));
		goto fail;
	}
	p->n_allowed = (unsigned)hwloc_get_nbobjs_by_type(p->topo, HWLOC_OBJ_PU);
	if (!p->n_allowed) {
		snprintf(err, errlen, "placement: no allowed CPU found");
		goto fail;
	}
	hwloc_bitmap_free(set);
	return p;
nomem:
	snprintf(err, errlen, "placement: out of memory");
fail:
	hwloc_bitmap_free(set);
	placement_close(p);
	return NULL;
}

void placement_close(struct placement *p)
{
	if (!p)
		return;
	if (p->topo)
		hwloc_topology_destroy(p->topo);
	free(p);
}

enum placement_mode placement_mode(const struct placement *p)
{
	return p->mode;
}

unsigned placement_allowed_count(const struct placement *p)
{
	return p->n_allowed;
}

static int pu_os_index(const struct placement *p, unsigned logical)
{
	hwloc_obj_t pu = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_PU,
					       logical % p->n_allowed);

	return pu ? (int)pu->os_index : -1;
}

void placement_plan(const struct placement *p, unsigned n, int *cpus)
{
	hwloc_bitmap_t *sets;
	hwloc_obj_t root;

	if (p->mode == PLACEMENT_NONE) {
		for (unsigned i = 0; i < n; i++)
			cpus[i] = -1;
		return;
	}
	if (p->mode == PLACEMENT_COMPACT || n <= 1) {
		for (unsigned i = 0; i < n; i++)
			cpus[i] = pu_os_index(p, i);
		return;
	}
	/* Scatter: hwloc_distrib spreads m items over the tree, giving item k a
	 * subtree as far from items 0..k-1 as the count allows. It hands out
	 * contiguous blocks when items outnumber PUs, so plan one round over
	 * the PUs and repeat it for the overcommitted threads. */
	unsigned m = n < p->n_allowed ? n : p->n_allowed;

	sets = calloc(m, sizeof(*sets));
	root = hwloc_get_root_obj(p->topo);
	if (!sets || hwloc_distrib(p->topo, &root, 1, sets, m, INT_MAX, 0)) {
		for (unsigned i = 0; i < m; i++)
			cpus[i] = pu_os_index(p, i);
	} else {
		for (unsigned i = 0; i < m; i++) {
			hwloc_bitmap_singlify(sets[i]);
			cpus[i] = hwloc_bitmap_first(sets[i]);
		}
	}
	for (unsigned i = 0; sets && i < m; i++)
		hwloc_bitmap_free(sets[i]);
	free(sets);
	for (unsigned i = m; i < n; i++)
		cpus[i] = cpus[i % m];
}

int placement_bind_self(struct placement *p, int cpu)
{
	hwloc_bitmap_t set;
	int rc, e;

	if (cpu < 0)
		return 0;
	set = hwloc_bitmap_alloc();
	if (!set)
		return -1;
	hwloc_bitmap_only(set, (unsigned)cpu);
	rc = hwloc_set_cpubind(p->topo, set, HWLOC_CPUBIND_THREAD);
	e = errno;
	hwloc_bitmap_free(set);
	if (rc == 0)
		return 0;
	__atomic_add_fetch(&p->bind_failures, 1, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(&p->noted, 1, __ATOMIC_RELAXED))
		fprintf(stderr, "stress: note: cannot bind a thread to CPU %d (%s); "
				"such threads run unbound (counted in unbound_threads)\n",
			cpu, strerror(e));
	return -1;
}

struct placement_saved *placement_save_self(struct placement *p)
{
	struct placement_saved *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->set = hwloc_bitmap_alloc();
	if (!s->set || hwloc_get_cpubind(p->topo, s->set, HWLOC_CPUBIND_THREAD)) {
		hwloc_bitmap_free(s->set);
		free(s);
		return NULL;
	}
	return s;
}

int placement_restore_self(struct placement *p, struct placement_saved *s)
{
	int rc;

	if (!s)
		return -1;
	rc = hwloc_set_cpubind(p->topo, s->set, HWLOC_CPUBIND_THREAD) ? -1 : 0;
	hwloc_bitmap_free(s->set);
	free(s);
	return rc;
}

unsigned long placement_bind_failures(const struct placement *p)
{
	return __atomic_load_n(&p->bind_failures, __ATOMIC_RELAXED);
}

static int count(const struct placement *p, hwloc_obj_type_t t)
{
	int n = hwloc_get_nbobjs_by_type(p->topo, t);

	return n < 0 ? 0 : n;
}

void placement_describe_topology(const struct placement *p, char *buf,
				 size_t len)
{
	int pk = count(p, HWLOC_OBJ_PACKAGE), co = count(p, HWLOC_OBJ_CORE),
	    pu = count(p, HWLOC_OBJ_PU), nu = count(p, HWLOC_OBJ_NUMANODE);

	snprintf(buf, len, "%d package%s, %d core%s, %d PU%s, %d NUMA node%s",
		 pk, pk == 1 ? "" : "s", co, co == 1 ? "" : "s", pu,
		 pu == 1 ? "" : "s", nu, nu == 1 ? "" : "s");
}

void placement_describe_allowed(const struct placement *p, char *buf,
				size_t len)
{
	hwloc_bitmap_list_snprintf(buf, len,
				   hwloc_topology_get_allowed_cpuset(p->topo));
}

void placement_cpu_model(const struct placement *p, char *buf, size_t len)
{
	hwloc_obj_t pkg = hwloc_get_obj_by_type(p->topo, HWLOC_OBJ_PACKAGE, 0);
	const char *m = pkg ? hwloc_obj_get_info_by_name(pkg, "CPUModel") : NULL;

	snprintf(buf, len, "%s", m ? m : "unknown");
}

void placement_describe_plan(const struct placement *p, unsigned n, char *buf,
			     size_t len)
{
	int *cpus = calloc(n ? n : 1, sizeof(*cpus));
	size_t used = 0;

	if (!cpus || p->mode == PLACEMENT_NONE) {
		snprintf(buf, len, "unbound");
		free(cpus);
		return;
	}
	placement_plan(p, n, cpus);
	buf[0] = '\0';
	for (unsigned i = 0; i < n && used < len; i++) {
		int w = snprintf(buf + used, len - used, "%s%d", i ? "," : "",
				 cpus[i]);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	free(cpus);
}
