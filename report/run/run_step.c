#include "report/run/run_step.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/common/gbench_merge.h"
#include "report/common/json_in.h"
#include "report/common/layout.h"
#include "report/common/results_dir.h"

#define PATHLEN 4096

const char *const step_outcome_names[] = {
	"ok", "findings", "failed", "skipped", "interrupted", NULL,
};

/* "sim alias D=512" -> "sim_alias_D-512": a file name. */
static void log_name(const char *label, char *out, size_t len)
{
	size_t i = 0;

	for (; *label && i + 1 < len; label++)
		out[i++] = (*label == ' ' || *label == '/') ? '_' :
			   *label == '=' ? '-' : *label;
	out[i] = '\0';
}

static int parent_dir(const char *path, char *err, size_t errlen)
{
	char dir[PATHLEN];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	return results_mkdirs(dir, err, errlen);
}

/* Each element of an array (or the object itself) to DIR/<key>.json. */
static int split_json(const char *tmp, const char *dir, const char *key,
		      char *err, size_t errlen)
{
	json_t *root = jin_load_any(tmp, err, errlen), *items, *el;
	size_t i;
	int rc = 0;

	if (!root)
		return -1;
	items = json_is_array(root) ? json_incref(root) : json_pack("[O]", root);
	if (results_mkdirs(dir, err, errlen) < 0)
		rc = -1;
	json_array_foreach(items, i, el) {
		const char *name = jin_str(el, key);
		char path[PATHLEN + 256], *text;

		if (rc < 0)
			break;
		if (!name || !name[0] || strchr(name, '/') || name[0] == '.') {
			snprintf(err, errlen, "output element %zu has no usable "
				 "\"%s\"", i, key);
			rc = -1;
			break;
		}
		snprintf(path, sizeof(path), "%s/%s.json", dir, name);
		text = json_dumps(el, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (!text || atomic_write_string(path, text, err, errlen) < 0)
			rc = -1;
		free(text);
	}
	json_decref(items);
	json_decref(root);
	return rc;
}

/* The child's file must be one complete JSON object (or, for a split, an
 * array): a crash half-way through is caught here, not by a reader. */
static int valid_json(const char *path, enum step_kind kind, char *err,
		      size_t errlen)
{
	json_t *root = jin_load_any(path, err, errlen);
	int ok;

	if (!root)
		return -1;
	ok = json_is_object(root) || (kind == STEP_JSON_SPLIT && json_is_array(root));
	json_decref(root);
	if (!ok)
		snprintf(err, errlen, "output is not a JSON object");
	return ok ? 0 : -1;
}

struct tick_ctx {
	const struct step_progress *p;
	const char *log;
};

/* Last non-empty line of the child's log, e.g. stress's "[45/69 30.1s]
 * check/hva", so a long step shows where it is. */
static void tick(void *arg, double elapsed)
{
	const struct tick_ctx *t = arg;
	char buf[256] = "", *line;
	FILE *f = fopen(t->log, "r");
	size_t n = 0;

	if (f) {
		if (fseek(f, -(long)(sizeof(buf) - 1), SEEK_END) < 0)
			rewind(f);
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	line = strrchr(buf, '\n');
	line = line ? line + 1 : buf;
	line += strspn(line, "\r");
	fprintf(t->p->live, "\r\033[K%s%5.0f s  %.60s", t->p->prefix, elapsed,
		line);
	fflush(t->p->live);
}

/* No child: the earlier steps' parts become s->out_rel; the parts go. */
static void merge_step(const char *run_dir, const struct run_step *s,
		       struct step_report *r)
{
	char paths[64][PATHLEN], out[PATHLEN], err[512];
	const char *parts[64];
	int n = 0;

	for (int i = 1; i <= s->n_parts && n < 64; i++) {
		snprintf(paths[n], sizeof(paths[n]), "%s/%s%d.json", run_dir,
			 s->parts_prefix, i);
		/* A failed repetition already failed the run; merge the rest
		 * so its results can still be looked at. */
		if (access(paths[n], F_OK) == 0) {
			parts[n] = paths[n];
			n++;
		}
	}
	snprintf(out, sizeof(out), "%s/%s", run_dir, s->out_rel);
	r->outcome = STEP_OK;
	if (gbench_merge(parts, n, out, err, sizeof(err)) < 0) {
		r->outcome = STEP_FAILED;
		snprintf(r->detail, sizeof(r->detail), "%s", err);
		return;
	}
	for (int i = 0; i < n; i++)
		unlink(parts[i]);
	/* The parts' folder is removed when empty; if not, rmdir fails,
	 * which is what we want. */
	snprintf(out, sizeof(out), "%s/%s", run_dir, s->parts_prefix);
	*strrchr(out, '/') = '\0';
	rmdir(out);
}

void run_step_exec(const char *run_dir, const struct run_step *s,
		   const struct step_progress *p, struct step_report *r)
{
	char final[PATHLEN], tmp[PATHLEN], logp[PATHLEN + 128], outp[PATHLEN + 128];
	char name[128], outopt[PATHLEN + 32], err[512], rel_log[160];
	char *argv[STEP_MAX_ARGS + 6];
	/* Steps run one at a time: one buffer set is enough. */
	static char run_args[STEP_MAX_ARGS + 6][4400];
	int n = 0;

	memset(r, 0, sizeof(*r));
	if (s->kind == STEP_GBENCH_MERGE) {
		merge_step(run_dir, s, r);
		return;
	}
	snprintf(final, sizeof(final), "%s/%s", run_dir, s->out_rel);
	log_name(s->log[0] ? s->log : s->label, name, sizeof(name));
	snprintf(rel_log, sizeof(rel_log), "%s/%s.log", LAYOUT_LOGS, name);
	snprintf(logp, sizeof(logp), "%s/%s", run_dir, rel_log);
	snprintf(outp, sizeof(outp), "%s/%s/%s.out", run_dir, LAYOUT_LOGS, name);
	if (s->kind == STEP_JSON_SPLIT)
		snprintf(final, sizeof(final), "%s/%s/.all.json", run_dir,
			 s->out_rel);
	if (parent_dir(logp, err, sizeof(err)) < 0 ||
	    parent_dir(final, err, sizeof(err)) < 0 ||
	    atomic_reserve(final, tmp, sizeof(tmp), err, sizeof(err)) < 0) {
		r->outcome = STEP_FAILED;
		snprintf(r->detail, sizeof(r->detail), "%s", err);
		return;
	}

	argv[n++] = (char *)child_self_exe();
	argv[n++] = (char *)s->command;
	for (int a = 0; a < s->n_args && n < STEP_MAX_ARGS + 2; a++) {
		const char *at = strstr(s->args[a], RUN_DIR_ARG);

		if (at) {
			snprintf(run_args[n], sizeof(run_args[n]), "%.*s%s/%s",
				 (int)(at - s->args[a]), s->args[a], run_dir,
				 at + strlen(RUN_DIR_ARG));
			argv[n] = run_args[n];
			n++;
		} else {
			argv[n++] = s->args[a];
		}
	}
	if (s->kind == STEP_GBENCH_OUT) {
		snprintf(outopt, sizeof(outopt), "--benchmark_out=%s", tmp);
		argv[n++] = outopt;
		argv[n++] = "--benchmark_out_format=json";
	}
	argv[n] = NULL;
	struct tick_ctx tc = { p, logp };
	struct child_spec spec = {
		.argv = argv,
		.stdout_path = s->kind == STEP_GBENCH_OUT ? outp : tmp,
		.stderr_path = logp,
		.timeout_s = s->timeout_s,
		.append = s->log_append,
		.tick = p && p->live ? tick : NULL,
		.tick_arg = &tc,
	};

	child_run(&spec, &r->child, err, sizeof(err));
	switch (r->child.outcome) {
	case CHILD_INTERRUPTED:
		r->outcome = STEP_INTERRUPTED;
		break;
	case CHILD_NOT_STARTED:
		snprintf(r->detail, sizeof(r->detail), "%s", err);
		r->outcome = STEP_FAILED;
		break;
	case CHILD_TIMED_OUT:
		snprintf(r->detail, sizeof(r->detail), "killed after %.0f s "
			 "(time limit); see %s", s->timeout_s, rel_log);
		r->outcome = STEP_FAILED;
		break;
	case CHILD_SIGNALED:
		snprintf(r->detail, sizeof(r->detail), "died of signal %d; see %s",
			 r->child.exit_code, rel_log);
		r->outcome = STEP_FAILED;
		break;
	case CHILD_EXITED:
		if (r->child.exit_code > 1) {
			snprintf(r->detail, sizeof(r->detail), "exit status %d; "
				 "see %s", r->child.exit_code, rel_log);
			r->outcome = STEP_FAILED;
		} else if (valid_json(tmp, s->kind, err, sizeof(err)) < 0) {
			snprintf(r->detail, sizeof(r->detail), "%s; see %s", err,
				 rel_log);
			r->outcome = STEP_FAILED;
		} else {
			r->outcome = r->child.exit_code ? STEP_FINDINGS : STEP_OK;
			if (r->outcome == STEP_FINDINGS)
				snprintf(r->detail, sizeof(r->detail), "exit "
					 "status 1 (findings); see %s", rel_log);
		}
		break;
	}
	if (r->outcome != STEP_OK && r->outcome != STEP_FINDINGS) {
		unlink(tmp);
		if (s->optional && r->outcome == STEP_FAILED)
			r->outcome = STEP_SKIPPED;
		return;
	}
	if (s->kind == STEP_JSON_SPLIT) {
		char dir[PATHLEN];

		snprintf(dir, sizeof(dir), "%s/%s", run_dir, s->out_rel);
		if (split_json(tmp, dir, s->split_key, err, sizeof(err)) < 0) {
			snprintf(r->detail, sizeof(r->detail), "%s", err);
			r->outcome = STEP_FAILED;
		}
		unlink(tmp);
		return;
	}
	if (atomic_publish(tmp, final, err, sizeof(err)) < 0) {
		snprintf(r->detail, sizeof(r->detail), "%s", err);
		r->outcome = STEP_FAILED;
	}
}
