/* The scenario file parser (format: scenarios/README.md). Line-oriented:
 * one keyword per line, then space-separated words or key=value pairs.
 * Every error names FILE:LINE and the item, and lists what is accepted. */
#include "explore/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/registry.h"
#include "util/opts.h"

#define MAX_LINE 1024
#define MAX_WORDS 16

struct parser {
	const char *path;
	uint32_t line;
	struct scenario *sc;
	char *err;
	size_t errlen;
	/* line numbers, for errors found after the whole file is read */
	uint32_t slot_line[SC_MAX_SLOTS];
	uint32_t fault_line[SC_MAX_VCPUS][SC_MAX_SCRIPT];
	uint32_t fault_as[SC_MAX_VCPUS][SC_MAX_SCRIPT];
	uint32_t vcpu_line[SC_MAX_VCPUS], inval_line[SC_MAX_INVALS];
	bool vcpu_used[SC_MAX_VCPUS], inval_used[SC_MAX_INVALS];
	uint32_t as_line; /* the address-spaces line, 0 when absent */
	bool have_name;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->line)
		snprintf(p->err, p->errlen, "%s:%u: %s", p->path, p->line, msg);
	else /* about the file as a whole */
		snprintf(p->err, p->errlen, "%s: %s", p->path, msg);
	return -1;
}

static const char *const keywords[] = { "name", "description", "shows",
					"address-spaces", "slot", "fault",
					"notifier", "zap", "gmem", "convert",
					"expect", NULL };

static int number(struct parser *p, const char *what, const char *s,
		  uint64_t max, uint64_t *out)
{
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return fail(p, "%s: '%s' is not a number", what, s);
	*out = strtoull(s, &end, 0);
	if (errno || *end)
		return fail(p, "%s: '%s' is not a number", what, s);
	if (*out > max)
		return fail(p, "%s: %s is out of range (at most %llu)", what, s,
			    (unsigned long long)max);
	return 0;
}

/* "[a,b)": a half-open range of pages, a < b <= SC_MAX_PAGE. */
static int range(struct parser *p, const char *what, const char *s,
		 uint64_t *lo, uint64_t *hi)
{
	unsigned long long a, b;
	int n = 0;

	if (sscanf(s, "[%llu,%llu)%n", &a, &b, &n) != 2 || s[n] != '\0')
		return fail(p, "%s: '%s' is not a range; write [START,END), "
			    "e.g. [0,2)", what, s);
	if (a >= b)
		return fail(p, "%s: %s is empty (START must be below END)", what, s);
	if (b > SC_MAX_PAGE)
		return fail(p, "%s: %s ends past %d (scenario worlds are small)",
			    what, s, SC_MAX_PAGE);
	*lo = a;
	*hi = b;
	return 0;
}

/* "vcpuN" / "invalN" with N below max. */
static int actor_ref(struct parser *p, const char *word, const char *prefix,
		     uint32_t max, uint32_t *out)
{
	size_t n = strlen(prefix);
	uint64_t v;
	char what[32];

	if (!word || strncmp(word, prefix, n) != 0 || !isdigit((unsigned char)word[n]))
		return fail(p, "expected an actor named %sN (N from 0), got '%s'",
			    prefix, word ? word : "");
	snprintf(what, sizeof(what), "%s number", prefix);
	if (number(p, what, word + n, max - 1, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* The key=value words of a line, checked against the keys it accepts. */
struct kv {
	const char *key[MAX_WORDS];
	const char *val[MAX_WORDS];
	int n;
};

static int split_kv(struct parser *p, char **w, int nw,
		    const char *const *accepted, struct kv *kv)
{
	char list[256];

	kv->n = 0;
	for (int i = 0; i < nw; i++) {
		char *eq = strchr(w[i], '=');

		if (!eq && opts_choice_index(accepted, w[i]) >= 0) {
			kv->key[kv->n] = w[i];
			kv->val[kv->n++] = "";
			continue;
		}
		if (eq)
			*eq = '\0';
		if (opts_choice_index(accepted, w[i]) < 0 || !eq) {
			opts_join_choices(accepted, list, sizeof(list));
			return fail(p, "unknown item '%s'%s; accepted: %s", w[i],
				    eq ? "" : " (write KEY=VALUE)", list);
		}
		for (int k = 0; k < kv->n; k++)
			if (strcmp(kv->key[k], w[i]) == 0)
				return fail(p, "'%s' given twice", w[i]);
		kv->key[kv->n] = w[i];
		kv->val[kv->n++] = eq + 1;
	}
	return 0;
}

static const char *kv_get(const struct kv *kv, const char *key)
{
	for (int i = 0; i < kv->n; i++)
		if (strcmp(kv->key[i], key) == 0)
			return kv->val[i];
	return NULL;
}

static int kv_u32(struct parser *p, const struct kv *kv, const char *key,
		  uint64_t max, uint32_t dflt, uint32_t *out)
{
	const char *v = kv_get(kv, key);
	uint64_t x;

	*out = dflt;
	if (!v)
		return 0;
	if (number(p, key, v, max, &x) < 0)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

static int need(struct parser *p, const struct kv *kv, const char *key,
		const char *example)
{
	if (kv_get(kv, key))
		return 0;
	return fail(p, "missing %s=%s", key, example);
}

/* Host pages [lo, hi) of a new slot against slot o's: shared slots may
 * share memory (aliases), private copies are their slot's own. */
static bool host_clash(const struct memslot *o, uint64_t lo, uint64_t hi,
		       bool own)
{
	bool hit = o->host_base < hi && lo < o->host_base + o->npages &&
		   (own || o->private_mem);

	return hit || (o->gmem && o->gmem_base < hi && lo < o->gmem_base + o->npages);
}

/* slot gfn=[a,b) hva=[c,d) [gmem=[e,f) [private]]: a shared slot, or a
 * guest_memfd slot as the kernel has it (an hva and a binding at the same
 * gfns; `private`: its gfns start private). slot gfn=[a,b) host=[c,d)
 * private: the model's earlier shape, private pages only and no hva. */
static int do_slot(struct parser *p, char **w, int nw)
{
	static const char *const acc[] = { "as", "gfn", "hva", "host", "gmem",
					   "private", NULL };
	struct scenario *sc = p->sc;
	struct memslot *s;
	uint64_t glo, ghi, hlo, hhi, mlo = 0, mhi = 0;
	bool priv, gmem, split;
	struct kv kv;
	uint32_t as;

	if (sc->n_slots == SC_MAX_SLOTS)
		return fail(p, "more than %d slots", SC_MAX_SLOTS);
	if (split_kv(p, w, nw, acc, &kv) < 0 ||
	    kv_u32(p, &kv, "as", VM_MAX_AS - 1, 0, &as) < 0 ||
	    need(p, &kv, "gfn", "[START,END)") < 0 ||
	    range(p, "gfn", kv_get(&kv, "gfn"), &glo, &ghi) < 0)
		return -1;
	priv = kv_get(&kv, "private") != NULL;
	gmem = kv_get(&kv, "gmem") != NULL;
	split = priv && !gmem; /* the earlier shape */
	if (split && kv_get(&kv, "hva"))
		return fail(p, "a guest_memfd slot as the kernel has it takes both "
			    "hva=[START,END) and gmem=[START,END) (its private "
			    "copy); host=[START,END) private is the earlier "
			    "shape, without hva");
	if (!split && kv_get(&kv, "host"))
		return fail(p, "a shared slot's host pages are its hva: write "
			    "hva=[START,END), or give a guest_memfd slot "
			    "gmem=[START,END)");
	if (need(p, &kv, split ? "host" : "hva", "[START,END)") < 0 ||
	    range(p, split ? "host" : "hva", kv_get(&kv, split ? "host" : "hva"),
		  &hlo, &hhi) < 0 ||
	    (gmem && range(p, "gmem", kv_get(&kv, "gmem"), &mlo, &mhi) < 0))
		return -1;
	if (hhi - hlo != ghi - glo || (gmem && mhi - mlo != ghi - glo))
		return fail(p, "gfn [%llu,%llu) and %s [%llu,%llu) differ in length",
			    (unsigned long long)glo, (unsigned long long)ghi,
			    hhi - hlo != ghi - glo ? (split ? "host" : "hva") : "gmem",
			    (unsigned long long)(hhi - hlo != ghi - glo ? hlo : mlo),
			    (unsigned long long)(hhi - hlo != ghi - glo ? hhi : mhi));
	if (gmem && mlo < hhi && hlo < mhi)
		return fail(p, "gmem [%llu,%llu) overlaps the slot's own hva: the "
			    "private copy is other memory", (unsigned long long)mlo,
			    (unsigned long long)mhi);
	for (uint32_t i = 0; i < sc->n_slots; i++) {
		const struct memslot *o = &sc->slots[i];

		if (o->as_id == as && glo < o->base_gfn + o->npages &&
		    o->base_gfn < ghi)
			return fail(p, "gfn [%llu,%llu) overlaps slot %u (line %u) "
				    "in address space %u", (unsigned long long)glo,
				    (unsigned long long)ghi, i, p->slot_line[i], as);
		if (host_clash(o, hlo, hhi, split) ||
		    (gmem && host_clash(o, mlo, mhi, true)))
			return fail(p, "host pages of slot %u (line %u) overlap "
				    "this one's: only shared slots may share memory "
				    "(guest_memfd pages are the slot's own)", i,
				    p->slot_line[i]);
	}
	p->slot_line[sc->n_slots] = p->line;
	s = &sc->slots[sc->n_slots++];
	s->as_id = as;
	s->private_mem = split;
	s->gmem = gmem;
	s->init_private = gmem && priv;
	s->base_gfn = glo;
	s->npages = ghi - glo;
	s->host_base = hlo;
	s->gmem_base = mlo;
	return 0;
}

static int do_fault(struct parser *p, char **w, int nw)
{
	static const char *const acc[] = { "as", "gfn", NULL };
	struct scenario *sc = p->sc;
	uint32_t v, as, k;
	uint64_t gfn;
	struct kv kv;

	if (actor_ref(p, nw ? w[0] : NULL, "vcpu", SC_MAX_VCPUS, &v) < 0 ||
	    split_kv(p, w + 1, nw - 1, acc, &kv) < 0 ||
	    kv_u32(p, &kv, "as", VM_MAX_AS - 1, 0, &as) < 0 ||
	    need(p, &kv, "gfn", "N") < 0 ||
	    number(p, "gfn", kv_get(&kv, "gfn"), SC_MAX_PAGE - 1, &gfn) < 0)
		return -1;
	k = sc->n_faults[v];
	if (k == SC_MAX_SCRIPT)
		return fail(p, "vcpu%u: more than %d faults", v, SC_MAX_SCRIPT);
	if (!p->vcpu_used[v])
		p->vcpu_line[v] = p->line;
	p->vcpu_used[v] = true;
	p->fault_line[v][k] = p->line;
	p->fault_as[v][k] = as;
	sc->faults[v][k].gfn = gfn; /* slot resolved once every slot is known */
	sc->n_faults[v]++;
	return 0;
}

/* yield=N|off: where the walk may drop mmu_lock (model/actor.h). */
static int kv_yield(struct parser *p, const struct kv *kv, uint32_t *out)
{
	const char *v = kv_get(kv, "yield");
	uint64_t x;

	*out = YIELD_ENGINE;
	if (!v)
		return 0;
	if (strcmp(v, "off") == 0) {
		*out = YIELD_NEVER;
		return 0;
	}
	if (number(p, "yield", v, SC_MAX_PAGE, &x) < 0)
		return -1;
	if (x == 0)
		return fail(p, "yield: 0 is out of range (write yield=off for "
			    "one lock hold, or N >= 1 SPTEs per hold)");
	*out = (uint32_t)x;
	return 0;
}

static int do_inval(struct parser *p, const char *kind, char **w, int nw)
{
	static const char *const acc_notifier[] = { "hva", "gap", "phase2",
						    "yield", NULL };
	static const char *const acc_gfn[] = { "as", "gfn", "gap", "phase2",
					       "yield", NULL };
	static const char *const acc_convert[] = { "gfn", "to", "gap", "phase2",
						   "yield", NULL };
	static const char *const attrs[] = { "shared", "private", NULL };
	static const char *const acc_zap[] = { "gfn", "gap", "yield", NULL };
	struct scenario *sc = p->sc;
	struct inval_plan ip;
	uint32_t i, k;
	struct kv kv;
	bool notifier = strcmp(kind, "notifier") == 0;
	bool zap = strcmp(kind, "zap") == 0;
	bool convert = strcmp(kind, "convert") == 0;

	if (actor_ref(p, nw ? w[0] : NULL, "inval", SC_MAX_INVALS, &i) < 0 ||
	    split_kv(p, w + 1, nw - 1,
		     notifier ? acc_notifier : zap ? acc_zap
		     : convert ? acc_convert : acc_gfn, &kv) < 0)
		return -1;
	memset(&ip, 0, sizeof(ip));
	ip.kind = notifier ? INVAL_NOTIFIER : zap ? INVAL_GFN_ZAP
		  : convert ? INVAL_ATTR : INVAL_GMEM;
	if (need(p, &kv, notifier ? "hva" : "gfn", "[START,END)") < 0 ||
	    range(p, notifier ? "hva" : "gfn", kv_get(&kv, notifier ? "hva" : "gfn"),
		  &ip.start, &ip.end) < 0 ||
	    kv_u32(p, &kv, "as", VM_MAX_AS - 1, 0, &ip.as_id) < 0 ||
	    kv_u32(p, &kv, "gap", 16, 0, &ip.gap_steps) < 0 ||
	    kv_u32(p, &kv, "phase2", 16, 1, &ip.phase2_steps) < 0 ||
	    kv_yield(p, &kv, &ip.yield) < 0)
		return -1;
	if (ip.phase2_steps == 0)
		return fail(p, "phase2: 0 is out of range (at least 1 step)");
	if (kv_get(&kv, "to")) {
		int to = opts_choice_index(attrs, kv_get(&kv, "to"));

		if (to < 0)
			return fail(p, "to: unknown attribute '%s'; accepted: "
				    "shared, private", kv_get(&kv, "to"));
		ip.to_private = (uint32_t)to;
	}
	k = sc->n_inval_plans[i];
	if (k == SC_MAX_SCRIPT)
		return fail(p, "inval%u: more than %d invalidations", i, SC_MAX_SCRIPT);
	if (!p->inval_used[i])
		p->inval_line[i] = p->line;
	p->inval_used[i] = true;
	sc->invals[i][k] = ip;
	sc->n_inval_plans[i]++;
	return 0;
}

static int do_expect(struct parser *p, char **w, int nw)
{
	static const char *const verdicts[] = { "safe", "violation", NULL };
	static const char *const acc[] = { "early", NULL };
	static const char *const on_off[] = { "off", "on", NULL };
	struct scenario_expect *e;
	char list[256];
	struct kv kv;
	int v, early = -1;

	if (p->sc->n_expect == SC_MAX_EXPECT)
		return fail(p, "more than %d expect lines", SC_MAX_EXPECT);
	if (nw < 2)
		return fail(p, "write: expect TRACKER safe|violation [early=on|off]");
	if (!tracker_find(w[0])) {
		opts_join_choices(tracker_names(), list, sizeof(list));
		return fail(p, "expect: unknown tracker '%s'; accepted: %s", w[0], list);
	}
	v = opts_choice_index(verdicts, w[1]);
	if (v < 0)
		return fail(p, "expect: unknown verdict '%s'; accepted: safe, violation",
			    w[1]);
	if (split_kv(p, w + 2, nw - 2, acc, &kv) < 0)
		return -1;
	if (kv_get(&kv, "early")) {
		early = opts_choice_index(on_off, kv_get(&kv, "early"));
		if (early < 0)
			return fail(p, "early: unknown value '%s'; accepted: on, off",
				    kv_get(&kv, "early"));
	}
	e = &p->sc->expect[p->sc->n_expect++];
	snprintf(e->tracker, sizeof(e->tracker), "%s", w[0]);
	e->violation = v == 1;
	e->early = early;
	e->line = p->line;
	return 0;
}

/* Copies the rest of the line (after the keyword) into a text field. */
static int text(struct parser *p, const char *what, const char *rest, char *dst,
		size_t len)
{
	while (*rest == ' ' || *rest == '\t')
		rest++;
	if (!*rest)
		return fail(p, "%s: empty", what);
	if (strlen(rest) >= len)
		return fail(p, "%s: longer than %zu characters", what, len - 1);
	snprintf(dst, len, "%s", rest);
	return 0;
}

static int do_line(struct parser *p, char *line)
{
	char *w[MAX_WORDS], *kw, *rest, *save = NULL, *hash;
	char list[256];
	int nw = 0;

	line[strcspn(line, "\r\n")] = '\0';
	kw = line + strspn(line, " \t");
	if (*kw == '\0' || *kw == '#')
		return 0;
	rest = kw + strcspn(kw, " \t");
	if (*rest)
		*rest++ = '\0';
	if (strcmp(kw, "description") == 0)
		return text(p, kw, rest, p->sc->description, sizeof(p->sc->description));
	if (strcmp(kw, "shows") == 0)
		return text(p, kw, rest, p->sc->shows, sizeof(p->sc->shows));
	/* Structured lines: a '#' starts a comment. */
	hash = strchr(rest, '#');
	if (hash)
		*hash = '\0';
	for (char *t = strtok_r(rest, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (nw == MAX_WORDS)
			return fail(p, "%s: more than %d words", kw, MAX_WORDS);
		w[nw++] = t;
	}
	if (strcmp(kw, "name") == 0) {
		if (nw != 1 || strlen(w[0]) >= SC_NAME_LEN)
			return fail(p, "name: one word of at most %d characters",
				    SC_NAME_LEN - 1);
		snprintf(p->sc->name, sizeof(p->sc->name), "%s", w[0]);
		p->have_name = true;
		return 0;
	}
	if (strcmp(kw, "address-spaces") == 0) {
		uint64_t n;

		if (nw != 1)
			return fail(p, "address-spaces: one number (1 or 2)");
		if (number(p, "address-spaces", w[0], VM_MAX_AS, &n) < 0)
			return -1;
		if (n == 0)
			return fail(p, "address-spaces: 0 is out of range (1 to %d)",
				    VM_MAX_AS);
		p->sc->n_as = (uint32_t)n;
		p->as_line = p->line;
		return 0;
	}
	if (strcmp(kw, "slot") == 0)
		return do_slot(p, w, nw);
	if (strcmp(kw, "fault") == 0)
		return do_fault(p, w, nw);
	if (strcmp(kw, "notifier") == 0 || strcmp(kw, "zap") == 0 ||
	    strcmp(kw, "gmem") == 0 || strcmp(kw, "convert") == 0)
		return do_inval(p, kw, w, nw);
	if (strcmp(kw, "expect") == 0)
		return do_expect(p, w, nw);
	opts_join_choices(keywords, list, sizeof(list));
	return fail(p, "unknown keyword '%s'; accepted: %s", kw, list);
}

/* Checks that need the whole file: actors numbered without gaps, every
 * fault inside a slot, address spaces in range. */
static int finish(struct parser *p)
{
	struct scenario *sc = p->sc;
	uint32_t max_as = 0;

	for (uint32_t i = 0; i < sc->n_slots; i++)
		if (sc->slots[i].as_id > max_as)
			max_as = sc->slots[i].as_id;
	p->line = 0;
	if (sc->n_slots == 0)
		return fail(p, "no slot: a scenario needs at least one 'slot' line");
	for (uint32_t v = 0; v < SC_MAX_VCPUS; v++)
		if (p->vcpu_used[v])
			sc->n_vcpus = v + 1;
	for (uint32_t i = 0; i < SC_MAX_INVALS; i++)
		if (p->inval_used[i])
			sc->n_invals = i + 1;
	if (sc->n_vcpus == 0)
		return fail(p, "no fault: a scenario needs at least one 'fault' line");
	for (uint32_t v = 0; v < sc->n_vcpus; v++)
		if (!p->vcpu_used[v]) {
			p->line = p->vcpu_line[sc->n_vcpus - 1];
			return fail(p, "vcpu%u has faults but vcpu%u has none: vCPUs "
				    "are numbered from 0 without gaps", sc->n_vcpus - 1, v);
		}
	for (uint32_t i = 0; i < sc->n_invals; i++)
		if (!p->inval_used[i]) {
			p->line = p->inval_line[sc->n_invals - 1];
			return fail(p, "inval%u has invalidations but inval%u has none: "
				    "invalidators are numbered from 0 without gaps",
				    sc->n_invals - 1, i);
		}
	if (sc->n_as == 0)
		sc->n_as = max_as + 1;
	for (uint32_t i = 0; i < sc->n_slots; i++)
		if (sc->slots[i].as_id >= sc->n_as) {
			p->line = p->slot_line[i];
			return fail(p, "as=%u, but the scenario has %u address space%s "
				    "(line %u)", sc->slots[i].as_id, sc->n_as,
				    sc->n_as == 1 ? "" : "s", p->as_line);
		}
	for (uint32_t v = 0; v < sc->n_vcpus; v++)
		for (uint32_t k = 0; k < sc->n_faults[v]; k++) {
			struct fault_plan *f = &sc->faults[v][k];
			struct vm_layout l;
			int s;

			memset(&l, 0, sizeof(l));
			l.n_slots = sc->n_slots;
			memcpy(l.slots, sc->slots, sizeof(sc->slots));
			s = vm_slot_of(&l, p->fault_as[v][k], f->gfn);
			if (s < 0) {
				p->line = p->fault_line[v][k];
				return fail(p, "gfn %llu in address space %u is in no slot",
					    (unsigned long long)f->gfn, p->fault_as[v][k]);
			}
			f->slot = (uint32_t)s;
		}
	return 0;
}

int scenario_load(const char *path, struct scenario *sc, char *err,
		  size_t errlen)
{
	struct parser *p = calloc(1, sizeof(*p));
	char line[MAX_LINE];
	const char *base;
	FILE *f;
	int rc = 0;

	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	memset(sc, 0, sizeof(*sc));
	p->path = path;
	p->sc = sc;
	p->err = err;
	p->errlen = errlen;
	snprintf(sc->path, sizeof(sc->path), "%s", path);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		free(p);
		return -1;
	}
	while (rc == 0 && fgets(line, sizeof(line), f)) {
		p->line++;
		if (!strchr(line, '\n') && !feof(f))
			rc = fail(p, "line longer than %d characters", MAX_LINE - 2);
		else
			rc = do_line(p, line);
	}
	fclose(f);
	if (rc == 0)
		rc = finish(p);
	if (rc == 0 && !p->have_name) {
		/* The file name without folder and suffix. */
		size_t n;

		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		n = strcspn(base, ".");
		snprintf(sc->name, sizeof(sc->name), "%.*s",
			 (int)(n < SC_NAME_LEN ? n : SC_NAME_LEN - 1), base);
	}
	if (rc == 0 && !sc->description[0])
		snprintf(sc->description, sizeof(sc->description), "(from %s)", path);
	free(p);
	return rc;
}
