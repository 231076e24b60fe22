/* Reading vms/NAME.vm and vms/sources/NAME.src (format: docs/vms.md). */
#include "engine/vmfile.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096ULL

const char *const vm_source_kind_names[] = { "notifier", "slot-zap", "convert", NULL };
const char *const vm_source_target_names[] = { "anon", "guest-ram", "hotplug",
					       "removable", "private", NULL };

/* ---- small helpers ------------------------------------------------------ */

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -1;
}

static int index_of(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static bool valid_name(const char *s)
{
	if (!*s || strlen(s) >= VMF_NAME)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
	return true;
}

int vm_parse_size(const char *s, uint64_t *out)
{
	char *end;
	uint64_t v, mul = 1;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'K': mul = 1ULL << 10; end++; break;
	case 'M': mul = 1ULL << 20; end++; break;
	case 'G': mul = 1ULL << 30; end++; break;
	case 'T': mul = 1ULL << 40; end++; break;
	}
	if (*end || (v && mul > UINT64_MAX / v))
		return -1;
	*out = v * mul;
	return 0;
}

/* Splits a line into whitespace-separated tokens, '#' starts a comment. */
static int tokenize(char *line, char **tok, int cap)
{
	int n = 0;
	char *h = strchr(line, '#');

	if (h)
		*h = 0;
	for (char *p = strtok(line, " \t\r\n"); p && n < cap; p = strtok(NULL, " \t\r\n"))
		tok[n++] = p;
	return n;
}

/* The text after the keyword, trimmed (for describe/ref). */
static void rest_of_line(const char *raw, char *out, size_t len)
{
	const char *p = raw;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	while (*p == ' ' || *p == '\t')
		p++;
	snprintf(out, len, "%s", p);
	for (size_t n = strlen(out); n && (out[n - 1] == '\n' || out[n - 1] == '\r' ||
					   out[n - 1] == ' '); n--)
		out[n - 1] = 0;
}

/* "key=value" → value if tok starts with key=, else NULL. */
static const char *kv(const char *tok, const char *key)
{
	size_t n = strlen(key);

	return strncmp(tok, key, n) == 0 && tok[n] == '=' ? tok + n + 1 : NULL;
}

/* ---- expressions -------------------------------------------------------- */

struct eval_env {
	const struct vm_preset *p;
	uint32_t n_lets; /* lets visible (defined before) */
	int64_t ram, below4g, above4g;
	int64_t let_val[VMF_MAX_LETS];
};

/* Evaluates text; unknown names are an error unless env is NULL (syntax
 * check only: names are checked against the preset's lets so far). */
static int eval(const char *text, const struct eval_env *env,
		const struct vm_preset *p, uint32_t n_lets, int64_t *out,
		char *why, size_t len)
{
	int64_t acc = 0;
	int sign = 1;
	const char *s = text;

	if (!*s)
		return fail(why, len, "empty expression");
	for (;;) {
		char term[VMF_EXPR];
		size_t n = strcspn(s, "+-");
		int64_t v = 0;
		uint64_t u;

		if (n == 0 || n >= sizeof(term))
			return fail(why, len, "'%s': expected TERM[+-TERM...] with "
				    "sizes (4G, 640K, 0x1000) or names", text);
		memcpy(term, s, n);
		term[n] = 0;
		/* NAME*N or NAME/N: scaled by a plain integer. */
		char *op = strpbrk(term, "*/");
		int64_t factor = 1;
		bool divide = false;

		if (op) {
			char *end;

			divide = *op == '/';
			errno = 0;
			factor = (int64_t)strtoll(op + 1, &end, 10);
			if (errno || *end || factor <= 0)
				return fail(why, len, "'%s': expected TERM*N or "
					    "TERM/N with a positive integer N", term);
			*op = 0;
		}
		if (isdigit((unsigned char)term[0])) {
			if (vm_parse_size(term, &u) < 0 || u > INT64_MAX)
				return fail(why, len, "'%s': not a size (e.g. 4G, "
					    "640K, 0x1000)", term);
			v = (int64_t)u;
		} else if (strcmp(term, "ram") == 0) {
			v = env ? env->ram : 0;
		} else if (strcmp(term, "below4g") == 0) {
			v = env ? env->below4g : 0;
		} else if (strcmp(term, "above4g") == 0) {
			v = env ? env->above4g : 0;
		} else {
			uint32_t i;

			for (i = 0; i < n_lets; i++)
				if (strcmp(p->lets[i].name, term) == 0)
					break;
			if (i == n_lets)
				return fail(why, len, "unknown name '%s'; expected "
					    "ram, below4g, above4g or a name "
					    "defined by an earlier let", term);
			v = env ? env->let_val[i] : 0;
		}
		if (divide)
			v /= factor;
		else if (__builtin_mul_overflow(v, factor, &v))
			return fail(why, len, "'%s' overflows", text);
		if (__builtin_mul_overflow(v, sign, &v) ||
		    __builtin_add_overflow(acc, v, &acc))
			return fail(why, len, "'%s' overflows", text);
		s += n;
		if (!*s)
			break;
		sign = *s == '-' ? -1 : 1;
		s++;
	}
	*out = acc;
	return 0;
}

static int set_expr(struct vmf_expr *e, const char *text, int line,
		    const struct vm_preset *p, const char *file, char *err,
		    size_t len)
{
	char why[VMF_ERR / 2];
	int64_t v;

	if (strlen(text) >= sizeof(e->text))
		return fail(err, len, "%s:%d: expression too long", file, line);
	if (eval(text, NULL, p, p->n_lets, &v, why, sizeof(why)) < 0)
		return fail(err, len, "%s:%d: %s", file, line, why);
	snprintf(e->text, sizeof(e->text), "%s", text);
	e->line = line;
	return 0;
}

/* ---- files --------------------------------------------------------------- */

static FILE *open_named(const char *dir, bool source, const char *name,
			char *path, size_t plen, char *err, size_t len)
{
	char list[400];
	FILE *f;

	if (!valid_name(name)) {
		vm_list_names(dir, source, list, sizeof(list));
		fail(err, len, "%s: unknown %s '%s'; accepted: %s",
		     source ? "--source" : "--vm", source ? "source" : "preset",
		     name, list);
		return NULL;
	}
	snprintf(path, plen, "%s/%s%s%s", dir, source ? "sources/" : "", name,
		 source ? ".src" : ".vm");
	f = fopen(path, "r");
	if (!f) {
		vm_list_names(dir, source, list, sizeof(list));
		fail(err, len, "%s: unknown %s '%s' (no %s); accepted: %s",
		     source ? "--source" : "--vm", source ? "source" : "preset",
		     name, path, list[0] ? list : "none found");
	}
	return f;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

int vm_list_array(const char *dir, bool sources, char (*names)[VMF_NAME], int cap)
{
	char path[VMF_PATH];
	const char *ext = sources ? ".src" : ".vm";
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(path, sizeof(path), "%s%s", dir, sources ? "/sources" : "");
	if (!(d = opendir(path)))
		return 0;
	while ((e = readdir(d)) && n < cap) {
		size_t l = strlen(e->d_name), el = strlen(ext);

		if (l <= el || l - el >= VMF_NAME || strcmp(e->d_name + l - el, ext))
			continue;
		memcpy(names[n], e->d_name, l - el);
		names[n][l - el] = 0;
		n++;
	}
	closedir(d);
	qsort(names, (size_t)n, VMF_NAME, cmp_names);
	return n;
}

int vm_list_names(const char *dir, bool sources, char *buf, size_t len)
{
	char names[64][VMF_NAME];
	int n = vm_list_array(dir, sources, names, 64);
	size_t off = 0;

	buf[0] = 0;
	for (int i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					names[i]);
	return n;
}

static int add_ref(char refs[][VMF_TEXT], uint32_t *n, const char *raw,
		   const char *file, int line, char *err, size_t len)
{
	if (*n == VMF_MAX_REFS)
		return fail(err, len, "%s:%d: more than %d ref lines", file, line,
			    VMF_MAX_REFS);
	rest_of_line(raw, refs[*n], VMF_TEXT);
	(*n)++;
	return 0;
}

static int need_size(const char *v, const char *what, uint64_t *out,
		     const char *file, int line, char *err, size_t len)
{
	if (!v || vm_parse_size(v, out) < 0)
		return fail(err, len, "%s:%d: %s: '%s' is not a size; expected "
			    "e.g. 4G, 640K, 0x1000", file, line, what, v ? v : "");
	return 0;
}

static int block_index(const struct vm_preset *p, const char *name)
{
	for (uint32_t i = 0; i < p->n_blocks; i++)
		if (strcmp(p->blocks[i].name, name) == 0)
			return (int)i;
	return -1;
}

static int parse_block(struct vm_preset *p, char **tok, int n, int line,
		       char *err, size_t len)
{
	struct vmf_block *b;
	bool has_size = false;

	if (n < 2 || !valid_name(tok[1]))
		return fail(err, len, "%s:%d: block: expected 'block NAME size=EXPR "
			    "[gmem|private]'", p->path, line);
	if (block_index(p, tok[1]) >= 0)
		return fail(err, len, "%s:%d: block '%s' defined twice", p->path,
			    line, tok[1]);
	if (p->n_blocks == VMF_MAX_BLOCKS)
		return fail(err, len, "%s:%d: more than %d blocks", p->path, line,
			    VMF_MAX_BLOCKS);
	b = &p->blocks[p->n_blocks];
	memset(b, 0, sizeof(*b));
	snprintf(b->name, sizeof(b->name), "%s", tok[1]);
	b->line = line;
	for (int i = 2; i < n; i++) {
		const char *v;

		if ((v = kv(tok[i], "size"))) {
			if (set_expr(&b->size, v, line, p, p->path, err, len) < 0)
				return -1;
			has_size = true;
		} else if (strcmp(tok[i], "private") == 0) {
			b->private_mem = true;
		} else if (strcmp(tok[i], "gmem") == 0) {
			b->gmem = true;
		} else {
			return fail(err, len, "%s:%d: block: unknown item '%s'; "
				    "expected size=EXPR, gmem or private", p->path,
				    line, tok[i]);
		}
	}
	if (b->gmem && b->private_mem)
		return fail(err, len, "%s:%d: block '%s': gmem (an hva and a "
			    "guest_memfd) or private (guest_memfd only), not both",
			    p->path, line, b->name);
	if (!has_size)
		return fail(err, len, "%s:%d: block '%s' has no size=", p->path,
			    line, b->name);
	p->n_blocks++;
	return 0;
}

static int parse_slot(struct vm_preset *p, char **tok, int n, int line,
		      char *err, size_t len)
{
	static const char *const flags[] = { "fault", "removable", "hotplug", "ram", NULL };
	struct vmf_slot *s;
	bool has_gfn = false, has_size = false, has_block = false;

	if (n < 2 || !valid_name(tok[1]))
		return fail(err, len, "%s:%d: slot: expected 'slot NAME as=N "
			    "gfn=EXPR size=EXPR block=NAME [offset=EXPR] ...'",
			    p->path, line);
	if (p->n_slots == VMF_MAX_SLOT_LINES)
		return fail(err, len, "%s:%d: more than %d slot lines", p->path,
			    line, VMF_MAX_SLOT_LINES);
	s = &p->slots[p->n_slots];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", tok[1]);
	s->count = 1;
	s->line = line;
	snprintf(s->offset.text, sizeof(s->offset.text), "0");
	for (int i = 2; i < n; i++) {
		const char *v;
		int f;
		uint64_t u;

		if ((v = kv(tok[i], "as"))) {
			if (vm_parse_size(v, &u) < 0 || u >= p->n_as)
				return fail(err, len, "%s:%d: as=%s: expected 0..%u "
					    "(address-spaces comes first)", p->path,
					    line, v, p->n_as - 1);
			s->as_id = (uint32_t)u;
		} else if ((v = kv(tok[i], "gfn"))) {
			if (set_expr(&s->gfn, v, line, p, p->path, err, len) < 0)
				return -1;
			has_gfn = true;
		} else if ((v = kv(tok[i], "size"))) {
			if (set_expr(&s->size, v, line, p, p->path, err, len) < 0)
				return -1;
			has_size = true;
		} else if ((v = kv(tok[i], "offset"))) {
			if (set_expr(&s->offset, v, line, p, p->path, err, len) < 0)
				return -1;
		} else if ((v = kv(tok[i], "plugged"))) {
			if (set_expr(&s->plugged, v, line, p, p->path, err, len) < 0)
				return -1;
			s->has_plugged = true;
		} else if ((v = kv(tok[i], "block"))) {
			int b = block_index(p, v);

			if (b < 0)
				return fail(err, len, "%s:%d: block=%s: no such "
					    "block (define it before the slot)",
					    p->path, line, v);
			s->block = (uint32_t)b;
			has_block = true;
		} else if ((v = kv(tok[i], "count"))) {
			if (vm_parse_size(v, &u) < 0 || u < 1 || u > 32)
				return fail(err, len, "%s:%d: count=%s: expected "
					    "1..32", p->path, line, v);
			s->count = (uint32_t)u;
		} else if ((f = index_of(flags, tok[i])) >= 0) {
			s->flags |= 1u << f;
		} else {
			return fail(err, len, "%s:%d: slot: unknown item '%s'; "
				    "expected as=, gfn=, size=, block=, offset=, "
				    "count=, plugged=, fault, removable, hotplug, ram",
				    p->path, line, tok[i]);
		}
	}
	if (!has_gfn || !has_size || !has_block)
		return fail(err, len, "%s:%d: slot '%s' needs gfn=, size= and "
			    "block=", p->path, line, s->name);
	p->n_slots++;
	return 0;
}

static int parse_preset_line(struct vm_preset *p, char *raw, int line,
			     char *err, size_t len)
{
	char copy[1024], *tok[24];
	int n;

	snprintf(copy, sizeof(copy), "%s", raw);
	n = tokenize(copy, tok, 24);
	if (n == 0)
		return 0;
	if (strcmp(tok[0], "name") == 0) {
		if (n != 2 || strcmp(tok[1], p->name) != 0)
			return fail(err, len, "%s:%d: name must be the file's name "
				    "'%s'", p->path, line, p->name);
	} else if (strcmp(tok[0], "describe") == 0) {
		rest_of_line(raw, p->describe, sizeof(p->describe));
	} else if (strcmp(tok[0], "ref") == 0) {
		return add_ref(p->refs, &p->n_refs, raw, p->path, line, err, len);
	} else if (strcmp(tok[0], "ram") == 0) {
		for (int i = 1; i < n; i++) {
			const char *v;

			if ((v = kv(tok[i], "default"))) {
				if (need_size(v, "ram default", &p->ram_default,
					      p->path, line, err, len) < 0)
					return -1;
			} else if ((v = kv(tok[i], "min"))) {
				if (need_size(v, "ram min", &p->ram_min, p->path,
					      line, err, len) < 0)
					return -1;
			} else if ((v = kv(tok[i], "max"))) {
				if (need_size(v, "ram max", &p->ram_max, p->path,
					      line, err, len) < 0)
					return -1;
			} else {
				return fail(err, len, "%s:%d: ram: unknown item '%s'; "
					    "expected default=, min=, max=",
					    p->path, line, tok[i]);
			}
		}
	} else if (strcmp(tok[0], "split") == 0) {
		p->has_split = true;
		for (int i = 1; i < n; i++) {
			const char *v;
			uint64_t *dst = NULL;

			if ((v = kv(tok[i], "low")))
				dst = &p->split_low;
			else if ((v = kv(tok[i], "threshold")))
				dst = &p->split_threshold;
			else if ((v = kv(tok[i], "other")))
				dst = &p->split_other;
			if (!dst)
				return fail(err, len, "%s:%d: split: unknown item "
					    "'%s'; expected low=, threshold=, "
					    "other=", p->path, line, tok[i]);
			if (need_size(v, tok[i], dst, p->path, line, err, len) < 0)
				return -1;
		}
		if (!p->split_low)
			return fail(err, len, "%s:%d: split needs low=", p->path,
				    line);
		if (!p->split_other)
			p->split_other = p->split_low;
	} else if (strcmp(tok[0], "let") == 0) {
		if (n != 3 || !valid_name(tok[1]) || strchr(tok[1], '-'))
			return fail(err, len, "%s:%d: let: expected 'let NAME EXPR' "
				    "(NAME of letters, digits, _)",
				    p->path, line);
		if (p->n_lets == VMF_MAX_LETS)
			return fail(err, len, "%s:%d: more than %d lets", p->path,
				    line, VMF_MAX_LETS);
		if (set_expr(&p->lets[p->n_lets].e, tok[2], line, p, p->path,
			     err, len) < 0)
			return -1;
		snprintf(p->lets[p->n_lets].name, VMF_NAME, "%s", tok[1]);
		p->n_lets++;
	} else if (strcmp(tok[0], "address-spaces") == 0) {
		uint64_t u;

		if (n != 2 || vm_parse_size(tok[1], &u) < 0 || u < 1 ||
		    u > VM_MAX_AS || p->n_slots)
			return fail(err, len, "%s:%d: address-spaces: expected 1..%d, "
				    "before any slot", p->path, line, VM_MAX_AS);
		p->n_as = (uint32_t)u;
	} else if (strcmp(tok[0], "block") == 0) {
		return parse_block(p, tok, n, line, err, len);
	} else if (strcmp(tok[0], "slot") == 0) {
		return parse_slot(p, tok, n, line, err, len);
	} else {
		return fail(err, len, "%s:%d: unknown keyword '%s'; expected name, "
			    "describe, ref, ram, split, let, address-spaces, "
			    "block, slot", p->path, line, tok[0]);
	}
	return 0;
}

int vm_preset_load(const char *dir, const char *name, struct vm_preset *p,
		   char *err, size_t len)
{
	char raw[1024];
	int line = 0;
	FILE *f;

	memset(p, 0, sizeof(*p));
	p->n_as = 1;
	if (!(f = open_named(dir, false, name, p->path, sizeof(p->path), err, len)))
		return -1;
	snprintf(p->name, sizeof(p->name), "%s", name);
	while (fgets(raw, sizeof(raw), f)) {
		line++;
		if (parse_preset_line(p, raw, line, err, len) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (!p->ram_default || !p->ram_min || !p->ram_max ||
	    p->ram_min > p->ram_default || p->ram_default > p->ram_max)
		return fail(err, len, "%s: needs 'ram default=S min=S max=S' with "
			    "min <= default <= max", p->path);
	if (!p->n_slots)
		return fail(err, len, "%s: no slot lines", p->path);
	return 0;
}

/* ---- sources ------------------------------------------------------------- */

static int parse_double(const char *v, double lo, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(v, &end);
	return errno || *end || !isfinite(*out) || *out < lo ? -1 : 0;
}

static int parse_source_line(struct vm_source *s, char *raw, int line,
			     char *err, size_t len)
{
	char copy[1024], *tok[8];
	int n, i;

	snprintf(copy, sizeof(copy), "%s", raw);
	n = tokenize(copy, tok, 8);
	if (n == 0)
		return 0;
	if (strcmp(tok[0], "describe") == 0) {
		rest_of_line(raw, s->describe, sizeof(s->describe));
		return 0;
	}
	if (strcmp(tok[0], "ref") == 0)
		return add_ref(s->refs, &s->n_refs, raw, s->path, line, err, len);
	if (n != 2)
		return fail(err, len, "%s:%d: %s: expected one value", s->path,
			    line, tok[0]);
	if (strcmp(tok[0], "name") == 0) {
		if (strcmp(tok[1], s->name) != 0)
			return fail(err, len, "%s:%d: name must be the file's name "
				    "'%s'", s->path, line, s->name);
	} else if (strcmp(tok[0], "kind") == 0) {
		if ((i = index_of(vm_source_kind_names, tok[1])) < 0)
			return fail(err, len, "%s:%d: kind '%s'; expected notifier, "
				    "slot-zap or convert", s->path, line, tok[1]);
		s->kind = (enum vm_source_kind)i;
	} else if (strcmp(tok[0], "target") == 0) {
		if ((i = index_of(vm_source_target_names, tok[1])) < 0)
			return fail(err, len, "%s:%d: target '%s'; expected anon, "
				    "guest-ram, hotplug, removable or private",
				    s->path, line, tok[1]);
		s->target = (enum vm_source_target)i;
	} else if (strcmp(tok[0], "size") == 0) {
		if (strcmp(tok[1], "slot") == 0)
			s->bytes = 0; /* the whole slot */
		else if (need_size(tok[1], "size", &s->bytes, s->path, line, err, len) < 0)
			return -1;
	} else if (strcmp(tok[0], "min-size") == 0) {
		if (need_size(tok[1], "min-size", &s->min_bytes, s->path, line, err, len) < 0)
			return -1;
	} else if (strcmp(tok[0], "align") == 0) {
		if (need_size(tok[1], "align", &s->align, s->path, line, err, len) < 0)
			return -1;
	} else if (strcmp(tok[0], "rate") == 0) {
		if (parse_double(tok[1], 1e-9, &s->rate) < 0)
			return fail(err, len, "%s:%d: rate '%s': expected a positive "
				    "number (invalidations per second)", s->path,
				    line, tok[1]);
	} else if (strcmp(tok[0], "window-us") == 0) {
		if (parse_double(tok[1], 0, &s->window_us) < 0)
			return fail(err, len, "%s:%d: window-us '%s': expected a "
				    "number >= 0 (microseconds)", s->path, line,
				    tok[1]);
	} else {
		return fail(err, len, "%s:%d: unknown keyword '%s'; expected name, "
			    "describe, ref, kind, target, size, min-size, align, "
			    "rate, window-us", s->path, line, tok[0]);
	}
	return 0;
}

int vm_source_load(const char *dir, const char *name, struct vm_source *s,
		   char *err, size_t len)
{
	char raw[1024];
	int line = 0;
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->align = PAGE;
	s->rate = -1;
	if (!(f = open_named(dir, true, name, s->path, sizeof(s->path), err, len)))
		return -1;
	snprintf(s->name, sizeof(s->name), "%s", name);
	while (fgets(raw, sizeof(raw), f)) {
		line++;
		if (parse_source_line(s, raw, line, err, len) < 0) {
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (s->rate <= 0)
		return fail(err, len, "%s: needs a 'rate N' line", s->path);
	if (s->kind != SRC_SLOT_ZAP && (s->bytes < PAGE || s->bytes % PAGE))
		return fail(err, len, "%s: size must be a multiple of 4K", s->path);
	if (!s->min_bytes)
		s->min_bytes = s->bytes;
	if (s->min_bytes > s->bytes || s->min_bytes % PAGE || s->align % PAGE ||
	    !s->align)
		return fail(err, len, "%s: min-size and align must be multiples of "
			    "4K, min-size <= size", s->path);
	return 0;
}

/* ---- building a layout --------------------------------------------------- */

static int eval_at(const struct vmf_expr *e, const struct eval_env *env,
		   const char *what, const char *slot, int64_t *out, char *err,
		   size_t len)
{
	char why[VMF_ERR / 2];

	if (eval(e->text, env, env->p, env->n_lets, out, why, sizeof(why)) < 0)
		return fail(err, len, "%s:%d: %s", env->p->path, e->line, why);
	if (*out % (int64_t)PAGE)
		return fail(err, len, "--vm-ram: %" PRIu64 " bytes: %s of %s "
			    "(%s = %" PRId64 ") is not a multiple of 4K (%s:%d)",
			    (uint64_t)env->ram, what, slot, e->text, *out,
			    env->p->path, e->line);
	return 0;
}

static void format_size(uint64_t b, char *buf, size_t len)
{
	if (b % (1ULL << 30) == 0)
		snprintf(buf, len, "%" PRIu64 "G", b >> 30);
	else if (b % (1ULL << 20) == 0)
		snprintf(buf, len, "%" PRIu64 "M", b >> 20);
	else
		snprintf(buf, len, "%" PRIu64 "K", b >> 10);
}

static int does_not_fit(const struct vm_preset *p, uint64_t ram, const char *what,
			int line, char *err, size_t len)
{
	char r[32], lo[32], hi[32];

	format_size(ram, r, sizeof(r));
	format_size(p->ram_min, lo, sizeof(lo));
	format_size(p->ram_max, hi, sizeof(hi));
	return fail(err, len, "--vm-ram: %s does not fit preset %s: %s (%s:%d); "
		    "accepted: %s..%s in 4K steps", r, p->name, what, p->path,
		    line, lo, hi);
}

int vm_preset_build(const struct vm_preset *p, uint64_t ram, struct vm_built *b,
		    char *err, size_t len)
{
	struct eval_env env = { .p = p };
	int64_t block_bytes[VMF_MAX_BLOCKS];
	uint64_t host = 0;
	char what[160];

	memset(b, 0, sizeof(*b));
	if (ram < p->ram_min || ram > p->ram_max || ram % PAGE) {
		char r[32], lo[32], hi[32];

		format_size(ram, r, sizeof(r));
		format_size(p->ram_min, lo, sizeof(lo));
		format_size(p->ram_max, hi, sizeof(hi));
		return fail(err, len, "--vm-ram: %s does not fit preset %s; "
			    "accepted: %s..%s in 4K steps", r, p->name, lo, hi);
	}
	b->ram_bytes = ram;
	env.ram = (int64_t)ram;
	env.below4g = env.ram;
	if (p->has_split) {
		uint64_t low = ram >= p->split_threshold ? p->split_low : p->split_other;

		env.below4g = (int64_t)(ram < low ? ram : low);
	}
	env.above4g = env.ram - env.below4g;
	for (uint32_t i = 0; i < p->n_lets; i++) {
		env.n_lets = i;
		if (eval_at(&p->lets[i].e, &env, "let", p->lets[i].name,
			    &env.let_val[i], err, len) < 0)
			return -1;
	}
	env.n_lets = p->n_lets;
	/* Blocks: laid out one after the other in host (hva) space. */
	for (uint32_t i = 0; i < p->n_blocks; i++) {
		const struct vmf_block *vb = &p->blocks[i];

		if (eval_at(&vb->size, &env, "size", vb->name, &block_bytes[i],
			    err, len) < 0)
			return -1;
		/* Zero is allowed: a block only some RAM sizes need. */
		if (block_bytes[i] < 0) {
			snprintf(what, sizeof(what), "block %s has size %" PRId64,
				 vb->name, block_bytes[i]);
			return does_not_fit(p, ram, what, vb->line, err, len);
		}
		snprintf(b->blocks[i].name, VMF_NAME, "%s", vb->name);
		b->blocks[i].host_base = host;
		b->blocks[i].npages = (uint64_t)block_bytes[i] / PAGE;
		b->blocks[i].private_mem = vb->private_mem;
		b->blocks[i].gmem = vb->gmem;
		host += b->blocks[i].npages;
		/* The private copy: pages of its own after the shared one. */
		if (vb->gmem) {
			b->blocks[i].gmem_base = host;
			host += b->blocks[i].npages;
		}
	}
	b->n_blocks = p->n_blocks;
	b->layout.n_as = p->n_as;
	for (uint32_t i = 0; i < p->n_slots; i++) {
		const struct vmf_slot *s = &p->slots[i];
		int64_t gfn, size, off, plugged = 0;
		uint64_t each;

		if (eval_at(&s->gfn, &env, "gfn", s->name, &gfn, err, len) < 0 ||
		    eval_at(&s->size, &env, "size", s->name, &size, err, len) < 0 ||
		    eval_at(&s->offset, &env, "offset", s->name, &off, err, len) < 0 ||
		    (s->has_plugged &&
		     eval_at(&s->plugged, &env, "plugged", s->name, &plugged, err,
			     len) < 0))
			return -1;
		if (size == 0)
			continue; /* e.g. no RAM above 4G on a small guest */
		if (size < 0 || gfn < 0 || off < 0 ||
		    off + size > block_bytes[s->block] || plugged < 0 ||
		    plugged > size) {
			snprintf(what, sizeof(what), "slot %s (gfn %" PRId64
				 ", size %" PRId64 ", offset %" PRId64
				 " in block %s of %" PRId64 " bytes)", s->name,
				 gfn, size, off, p->blocks[s->block].name,
				 block_bytes[s->block]);
			return does_not_fit(p, ram, what, s->line, err, len);
		}
		if ((uint64_t)size / PAGE % s->count)
			return fail(err, len, "%s:%d: slot %s: size does not split "
				    "into %u equal slots", p->path, s->line,
				    s->name, s->count);
		each = (uint64_t)size / PAGE / s->count;
		for (uint32_t k = 0; k < s->count; k++) {
			uint32_t n = b->layout.n_slots;
			struct memslot *m = &b->layout.slots[n];
			struct vm_slot_info *in = &b->info[n];
			uint64_t first = (uint64_t)gfn / PAGE + k * each;
			uint64_t plug_pages = s->has_plugged ? (uint64_t)plugged / PAGE : each * s->count;

			if (n == VM_MAX_SLOTS)
				return fail(err, len, "%s:%d: more than %d memslots",
					    p->path, s->line, VM_MAX_SLOTS);
			m->as_id = s->as_id;
			m->private_mem = p->blocks[s->block].private_mem;
			m->gmem = p->blocks[s->block].gmem;
			m->init_private = m->gmem;
			if (m->gmem)
				m->gmem_base = b->blocks[s->block].gmem_base +
					       (uint64_t)off / PAGE + k * each;
			m->base_gfn = first;
			m->npages = each;
			m->host_base = b->blocks[s->block].host_base +
				       (uint64_t)off / PAGE + k * each;
			if (s->count > 1)
				snprintf(in->name, sizeof(in->name), "%s.%u", s->name, k);
			else
				snprintf(in->name, sizeof(in->name), "%s", s->name);
			in->flags = s->flags;
			in->block = s->block;
			/* The plugged part is a prefix of the whole region. */
			in->plugged_pages = plug_pages > k * each
				? (plug_pages - k * each < each ? plug_pages - k * each : each)
				: 0;
			b->layout.n_slots++;
		}
	}
	if (vm_layout_finish(&b->layout, err, len) < 0) {
		char inner[VMF_ERR / 2];

		snprintf(inner, sizeof(inner), "%s", err);
		return does_not_fit(p, ram, inner, 0, err, len);
	}
	return 0;
}

bool vm_source_applies(const struct vm_source *s, const struct vm_built *b,
		       char *why, size_t len)
{
	static const char *const need[] = {
		[TGT_ANON] = "no shared (hva-backed) memory",
		[TGT_GUEST_RAM] = "no shared guest RAM",
		[TGT_HOTPLUG] = "no virtio-mem device memory",
		[TGT_REMOVABLE] = "no slot the VMM deletes or moves",
		[TGT_PRIVATE] = "no private (guest_memfd) memory",
	};

	for (uint32_t i = 0; i < b->layout.n_slots; i++) {
		const struct memslot *m = &b->layout.slots[i];
		unsigned f = b->info[i].flags;
		bool hit = false;

		switch (s->target) {
		case TGT_ANON: hit = !slot_has_private(m); break;
		case TGT_GUEST_RAM: hit = !slot_has_private(m) && (f & VMF_RAM); break;
		case TGT_HOTPLUG: hit = !slot_has_private(m) && (f & VMF_HOTPLUG); break;
		case TGT_REMOVABLE: hit = (f & VMF_REMOVABLE) != 0; break;
		case TGT_PRIVATE: hit = slot_has_private(m); break;
		}
		if (hit && s->kind == SRC_CONVERT && !slot_has_private(m))
			hit = false;
		if (hit)
			return true;
	}
	snprintf(why, len, "%s", s->kind == SRC_CONVERT && s->target != TGT_PRIVATE
		 ? need[TGT_PRIVATE] : need[s->target]);
	return false;
}
