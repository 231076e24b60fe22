#include "spin/spin_parse.h"

#include <stdio.h>
#include <string.h>

/* Copies the line starting at p (without its newline) into buf. */
static void copy_line(char *buf, size_t len, const char *p)
{
	size_t n = strcspn(p, "\n");

	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/* Calls fn on every line of text (a copy, so it is NUL-terminated). */
static void for_each_line(const char *text, void (*fn)(const char *, void *),
			  void *arg)
{
	char line[1024];

	while (*text) {
		copy_line(line, sizeof(line), text);
		fn(line, arg);
		text += strcspn(text, "\n");
		if (*text == '\n')
			text++;
	}
}

static void pan_line(const char *line, void *arg)
{
	struct pan_report *r = arg;
	unsigned long long n;
	const char *p;

	/* "State-vector 60 byte, depth reached 19, errors: 1" */
	if ((p = strstr(line, "depth reached ")) != NULL &&
	    sscanf(p, "depth reached %llu, errors: %lu", &r->depth,
		   &r->errors) == 2)
		r->have_stats = true;
	/* sscanf() reports the number even when the text after it differs,
	 * so the text is matched first. */
	else if (strstr(line, " states, stored") && sscanf(line, "%llu", &n) == 1)
		r->stored = n;
	else if (strstr(line, " states, matched") && sscanf(line, "%llu", &n) == 1)
		r->matched = n;
	else if (strstr(line, " transitions (") && sscanf(line, "%llu", &n) == 1)
		r->transitions = n;
	else if (strncmp(line, "pan: elapsed time ", 18) == 0)
		sscanf(line + 18, "%lf", &r->elapsed);
	else if (strncmp(line, "pan:1: ", 7) == 0 && !r->first_error[0])
		copy_line(r->first_error, sizeof(r->first_error), line);
	if (strstr(line, "max search depth too small"))
		r->depth_too_small = true;
}

int spin_parse_pan(const char *text, struct pan_report *r)
{
	memset(r, 0, sizeof(*r));
	for_each_line(text, pan_line, r);
	r->assertion = strstr(r->first_error, "assertion violated") != NULL;
	return r->have_stats ? 0 : -1;
}

static void trail_line(const char *line, void *arg)
{
	struct spin_verdict *v = arg;

	/* spin indents printf output by process number: skip that. */
	line += strspn(line, " \t");
	if (strncmp(line, "@@ ", 3) != 0)
		return;
	if (v->n_steps == SPIN_MAX_STEPS) {
		v->steps_truncated = true;
		return;
	}
	copy_line(v->steps[v->n_steps++], SPIN_STEP_LEN, line + 3);
}

void spin_parse_trail(const char *text, struct spin_verdict *v)
{
	v->n_steps = 0;
	v->steps_truncated = false;
	for_each_line(text, trail_line, v);
}

const char *spin_property_name(const char *assertion_text)
{
	/* The two assert() texts of retry.pml, as pan prints them back. */
	if (strstr(assertion_text, "!(stale)"))
		return "check: a truly stale fault was not retried";
	if (strstr(assertion_text, "spte["))
		return "audit: an installed SPTE holds an old generation";
	return "";
}
