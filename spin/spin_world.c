/* spin_world_text(): a scenario as the #defines of spin/model/retry.pml. */
#include "spin/spin_world.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Keys are bytes in the model and 255 is its INVALID; the oracle's page
 * masks are ints. */
#define SPIN_MAX_KEY 254
#define SPIN_MAX_HOST 31
#define SPIN_MAX_SPTE 31

/* Scripts are tables indexed (actor) * SC_MAX_SCRIPT + (entry). */
_Static_assert(SC_MAX_SCRIPT == 4, "update SCRIPT_INDEX");
#define SCRIPT_INDEX "(a) * 4 + (k)"

struct out {
	char *buf;
	size_t len, used;
	bool full;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->used, o->len - o->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->used)
		o->full = true;
	else
		o->used += (size_t)n;
}

/* #define NAME(ARGS) as a chain of conditionals on INDEX over vals[0..n). */
static void table(struct out *o, const char *name, const char *args,
		  const char *index, const uint64_t *vals, uint32_t n)
{
	put(o, "#define %s(%s) ", name, args);
	for (uint32_t i = 0; i + 1 < n; i++)
		put(o, "((%s) == %u -> %" PRIu64 " : ", index, i, vals[i]);
	put(o, "%" PRIu64, n ? vals[n - 1] : 0);
	for (uint32_t i = 0; i + 1 < n; i++)
		put(o, ")");
	put(o, "\n");
}

int spin_world_text(const struct scenario *sc, char *buf, size_t len,
		    char *err, size_t errlen)
{
	struct out o = { .buf = buf, .len = len };
	uint32_t order[SC_MAX_SLOTS], newpos[SC_MAX_SLOTS], n = 0;
	uint64_t v[SC_MAX_SLOTS * 9] = { 0 }, nhost = 0, spte = 0;
	uint64_t tab[SC_MAX_ACTORS * SC_MAX_SCRIPT] = { 0 };
	uint32_t nv = sc->n_vcpus, ni = sc->n_invals;

	buf[0] = '\0';
	/* The walk order of __kvm_handle_hva_range(): address space 0's
	 * slots, then 1's, each in slot order. */
	for (uint32_t as = 0; as < VM_MAX_AS; as++)
		for (uint32_t i = 0; i < sc->n_slots; i++)
			if (sc->slots[i].as_id == as) {
				newpos[i] = n;
				order[n++] = i;
			}
	for (uint32_t i = 0; i < sc->n_slots; i++) {
		const struct memslot *s = &sc->slots[i];

		if (s->base_gfn + s->npages > SPIN_MAX_KEY ||
		    s->host_base + s->npages > SPIN_MAX_KEY) {
			snprintf(err, errlen, "scenario %s: slot %u reaches past "
				 "page %d, which spin's byte-sized model cannot "
				 "hold", sc->name, i, SPIN_MAX_KEY);
			return -1;
		}
		if (s->gmem && s->gmem_base + s->npages > SPIN_MAX_KEY) {
			snprintf(err, errlen, "scenario %s: slot %u's private copy "
				 "reaches past page %d, which spin's byte-sized "
				 "model cannot hold", sc->name, i, SPIN_MAX_KEY);
			return -1;
		}
		if (s->host_base + s->npages > nhost)
			nhost = s->host_base + s->npages;
		if (s->gmem && s->gmem_base + s->npages > nhost)
			nhost = s->gmem_base + s->npages;
	}
	for (uint32_t i = 0; i < sc->n_slots; i++)
		spte += sc->slots[i].npages;
	if (spte > SPIN_MAX_SPTE) {
		snprintf(err, errlen, "scenario %s: %" PRIu64 " SPTEs; spin's "
			 "model tracks at most %d", sc->name, spte, SPIN_MAX_SPTE);
		return -1;
	}
	spte = 0;
	if (nhost > SPIN_MAX_HOST) {
		snprintf(err, errlen, "scenario %s: %" PRIu64 " host pages; spin's "
			 "model tracks at most %d", sc->name, nhost, SPIN_MAX_HOST);
		return -1;
	}
	for (uint32_t i = 0; i < ni; i++)
		for (uint32_t k = 0; k < sc->n_inval_plans[i]; k++) {
			const struct inval_plan *p = &sc->invals[i][k];

			if (p->gap_steps || p->phase2_steps > 1) {
				snprintf(err, errlen, "scenario %s: inval%u uses gap= "
					 "or phase2=; spin's model has one-step "
					 "phases only", sc->name, i);
				return -1;
			}
			if (p->end > SPIN_MAX_KEY) {
				snprintf(err, errlen, "scenario %s: inval%u reaches "
					 "past page %d, which spin's model cannot "
					 "hold", sc->name, i, SPIN_MAX_KEY);
				return -1;
			}
		}

	put(&o, "/* The world of scenario %s (%s). */\n", sc->name, sc->path);
	put(&o, "#define NSLOTS %u\n#define NHOST %" PRIu64 "\n", n, nhost);
	put(&o, "#define NVCPU %u\n#define NINVAL %u\n", nv, ni ? ni : 1);
	for (uint32_t j = 0; j < n; j++) {
		const struct memslot *s = &sc->slots[order[j]];

		v[j] = s->as_id;
		v[n + j] = s->base_gfn;
		v[2 * n + j] = s->host_base;
		v[3 * n + j] = s->npages;
		v[4 * n + j] = spte;
		v[5 * n + j] = s->private_mem;
		v[6 * n + j] = s->gmem;
		/* The private copy: a guest_memfd binding, or the earlier
		 * shape's own pages. */
		v[7 * n + j] = s->gmem ? s->gmem_base : s->host_base;
		v[8 * n + j] = s->private_mem || (s->gmem && s->init_private);
		spte += s->npages;
	}
	put(&o, "#define NSPTE %" PRIu64 "\n", spte);
	table(&o, "SLOT_AS", "s", "s", v, n);
	table(&o, "SLOT_GFN", "s", "s", v + n, n);
	table(&o, "SLOT_HOST", "s", "s", v + 2 * n, n);
	table(&o, "SLOT_NPAGES", "s", "s", v + 3 * n, n);
	table(&o, "SLOT_SPTE", "s", "s", v + 4 * n, n);
	table(&o, "SLOT_PRIVATE", "s", "s", v + 5 * n, n);
	table(&o, "SLOT_GMEM", "s", "s", v + 6 * n, n);
	table(&o, "SLOT_PHOST", "s", "s", v + 7 * n, n);
	table(&o, "SLOT_INITPRIV", "s", "s", v + 8 * n, n);
	/* The kernel's walk orders (model/actor.c: next_slot): per address
	 * space, ascending hva for notifiers (the interval tree), ascending
	 * gfn for gfn-keyed walks; slot index breaks ties. */
	for (int by_gfn = 0; by_gfn < 2; by_gfn++) {
		uint64_t walk[SC_MAX_SLOTS];

		for (uint32_t j = 0; j < n; j++)
			walk[j] = j;
		for (uint32_t a = 1; a < n; a++)
			for (uint32_t b = a; b > 0; b--) {
				const struct memslot *x = &sc->slots[order[walk[b - 1]]];
				const struct memslot *y = &sc->slots[order[walk[b]]];
				uint64_t kx = by_gfn ? x->base_gfn : x->host_base;
				uint64_t ky = by_gfn ? y->base_gfn : y->host_base;
				uint64_t t;

				if (x->as_id < y->as_id ||
				    (x->as_id == y->as_id &&
				     (kx < ky || (kx == ky && walk[b - 1] < walk[b]))))
					break;
				t = walk[b - 1];
				walk[b - 1] = walk[b];
				walk[b] = t;
			}
		table(&o, by_gfn ? "WALK_GFN" : "WALK_NOTIFIER", "j", "j", walk, n);
	}

	for (uint32_t a = 0; a < nv; a++)
		tab[a] = sc->n_faults[a];
	table(&o, "NFAULTS", "a", "a", tab, nv);
	memset(tab, 0, sizeof(tab));
	for (uint32_t a = 0; a < nv; a++)
		for (uint32_t k = 0; k < sc->n_faults[a]; k++)
			tab[a * SC_MAX_SCRIPT + k] = newpos[sc->faults[a][k].slot];
	table(&o, "FAULT_SLOT", "a, k", SCRIPT_INDEX, tab, nv * SC_MAX_SCRIPT);
	for (uint32_t a = 0; a < nv; a++)
		for (uint32_t k = 0; k < sc->n_faults[a]; k++)
			tab[a * SC_MAX_SCRIPT + k] = sc->faults[a][k].gfn;
	table(&o, "FAULT_GFN", "a, k", SCRIPT_INDEX, tab, nv * SC_MAX_SCRIPT);

	memset(tab, 0, sizeof(tab));
	for (uint32_t a = 0; a < ni; a++)
		tab[a] = sc->n_inval_plans[a];
	table(&o, "NINVS", "a", "a", tab, ni ? ni : 1);
	{
		static const char *const names[] = { "INV_KIND", "INV_AS",
						     "INV_LO", "INV_HI",
						     "INV_YIELD", "INV_TO" };

		for (int f = 0; f < 6; f++) {
			memset(tab, 0, sizeof(tab));
			for (uint32_t a = 0; a < ni; a++)
				for (uint32_t k = 0; k < sc->n_inval_plans[a]; k++) {
					const struct inval_plan *p = &sc->invals[a][k];
					uint64_t kind = p->kind == INVAL_NOTIFIER ? 0
							: p->kind == INVAL_GMEM ? 1
							: p->kind == INVAL_GFN_ZAP ? 2 : 3;
					/* The explorer's default: a yield
					 * point after every present SPTE. */
					uint64_t y = p->yield == YIELD_NEVER ? 0
						     : p->yield == YIELD_ENGINE ? 1
						     : p->yield;
					uint64_t x[6] = { kind, p->as_id, p->start,
							  p->end, y, p->to_private };

					tab[a * SC_MAX_SCRIPT + k] = x[f];
				}
			table(&o, names[f], "a, k", SCRIPT_INDEX, tab,
			      (ni ? ni : 1) * SC_MAX_SCRIPT);
		}
	}
	put(&o, "\ninline start_actors()\n{\n");
	for (uint32_t a = 0; a < ni; a++)
		put(&o, "\trun invalidator(%u);\n", a);
	for (uint32_t a = 0; a < nv; a++)
		put(&o, "\trun vcpu(%u)%s\n", a, a + 1 < nv ? ";" : "");
	put(&o, "}\n");
	if (o.full) {
		snprintf(err, errlen, "scenario %s: its Promela does not fit %zu "
			 "bytes", sc->name, len);
		return -1;
	}
	return 0;
}
