#include "json_writer.h"

#include <inttypes.h>
#include <math.h>

void json_init(struct json_writer *w, FILE *out, bool pretty)
{
	w->out = out;
	w->depth = 0;
	w->first[0] = true;
	w->pretty = pretty;
}

static void write_escaped(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

/* Comma, indentation and key before each element. Arrays ignore keys. */
static void element(struct json_writer *w, const char *key)
{
	if (!w->first[w->depth])
		fputc(',', w->out);
	w->first[w->depth] = false;
	if (w->pretty && w->depth > 0) {
		fputc('\n', w->out);
		for (int i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	if (key && w->depth > 0) {
		write_escaped(w->out, key);
		fputs(w->pretty ? ": " : ":", w->out);
	}
}

static void open_container(struct json_writer *w, const char *key, char c)
{
	element(w, key);
	fputc(c, w->out);
	if (w->depth + 1 < JSON_MAX_DEPTH)
		w->depth++;
	w->first[w->depth] = true;
}

static void close_container(struct json_writer *w, char c)
{
	bool empty = w->first[w->depth];

	if (w->depth > 0)
		w->depth--;
	if (w->pretty && !empty) {
		fputc('\n', w->out);
		for (int i = 0; i < w->depth; i++)
			fputs("  ", w->out);
	}
	fputc(c, w->out);
}

void json_begin_object(struct json_writer *w, const char *key) { open_container(w, key, '{'); }
void json_begin_array(struct json_writer *w, const char *key) { open_container(w, key, '['); }
void json_end_object(struct json_writer *w) { close_container(w, '}'); }
void json_end_array(struct json_writer *w) { close_container(w, ']'); }

void json_u64(struct json_writer *w, const char *key, uint64_t v)
{
	element(w, key);
	fprintf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, const char *key, int64_t v)
{
	element(w, key);
	fprintf(w->out, "%" PRId64, v);
}

void json_double(struct json_writer *w, const char *key, double v)
{
	element(w, key);
	if (isfinite(v))
		fprintf(w->out, "%.17g", v);
	else
		fputs("null", w->out);
}

void json_bool(struct json_writer *w, const char *key, bool v)
{
	element(w, key);
	fputs(v ? "true" : "false", w->out);
}

void json_string(struct json_writer *w, const char *key, const char *s)
{
	element(w, key);
	write_escaped(w->out, s ? s : "");
}

void json_write_null(struct json_writer *w, const char *key)
{
	element(w, key);
	fputs("null", w->out);
}

void json_finish(struct json_writer *w)
{
	fputc('\n', w->out);
}
