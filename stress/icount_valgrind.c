/* The reading side of `bench icount`: runs the binary under callgrind in a
 * scratch folder, then takes each dump's "desc: Trigger: Client Request:
 * NAME" and "totals: N" (instructions, callgrind's default event Ir). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress/icount.h"
#include "util/json_writer.h"

#define TRIGGER "desc: Trigger: Client Request: "

static struct icount_region *find(struct icount_set *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->r[i].name, name) == 0)
			return &s->r[i];
	return NULL;
}

/* Dump k of the run: NAME and its total; 1 when there is no such file. */
static int read_dump(const char *path, char *name, size_t len, uint64_t *ir)
{
	FILE *f = fopen(path, "r");
	char line[512];
	bool have_name = false, have_total = false;

	if (!f)
		return 1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, TRIGGER, strlen(TRIGGER)) == 0) {
			size_t n = strlen(line + strlen(TRIGGER));

			if (n >= len)
				n = len - 1;
			memcpy(name, line + strlen(TRIGGER), n);
			name[n] = 0;
			have_name = true;
		} else if (strncmp(line, "totals: ", 8) == 0) {
			*ir = strtoull(line + 8, NULL, 10);
			have_total = true;
		}
	}
	fclose(f);
	return have_name && have_total ? 0 : -1;
}

static void first_line(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "r");

	out[0] = 0;
	if (f) {
		if (fgets(out, (int)len, f))
			out[strcspn(out, "\n")] = 0;
		fclose(f);
	}
}

/* Runs argv with stdout and stderr to `log`; the exit status, or -1. */
static int run(char *const argv[], const char *log)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int icount_collect(const char *exe, struct icount_set *s, char *err,
		   size_t errlen)
{
	char dir[] = "/tmp/bench-icount.XXXXXX", out_opt[128], path[256],
	     log[128], name[128], cmd[256];
	uint64_t ir = 0;
	int rc, found = 0;

	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "icount: cannot make a scratch folder: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(log, sizeof(log), "%s/valgrind.log", dir);
	snprintf(path, sizeof(path), "%s/version", dir);
	{
		char *ver[] = { "valgrind", "--version", NULL };

		if (run(ver, path) != 0) {
			snprintf(err, errlen, "icount: cannot run valgrind (Debian "
				 "package valgrind; tools/deps.sh installs it)");
			goto out_fail;
		}
		first_line(path, s->tool, sizeof(s->tool));
	}
	snprintf(out_opt, sizeof(out_opt), "--callgrind-out-file=%s/cg", dir);
	{
		char *argv[] = { "valgrind", "--tool=callgrind",
				 "--collect-atstart=no", out_opt,
				 (char *)exe, "icount", "--in-valgrind", NULL };

		rc = run(argv, log);
	}
	if (rc != 0) {
		char last[256] = "";
		FILE *f = fopen(log, "r");

		while (f && fgets(last, sizeof(last), f))
			;
		if (f)
			fclose(f);
		last[strcspn(last, "\n")] = 0;
		snprintf(err, errlen, "icount: the run under callgrind exited %d: "
			 "%s", rc, last);
		goto out_fail;
	}
	for (int k = 1;; k++) {
		struct icount_region *r;

		snprintf(path, sizeof(path), "%s/cg.%d", dir, k);
		rc = read_dump(path, name, sizeof(name), &ir);
		if (rc == 1)
			break;
		if (rc < 0 || !(r = find(s, name))) {
			snprintf(err, errlen, "icount: %s: not a dump of a known "
				 "region", path);
			goto out_fail;
		}
		r->instructions = ir;
		found++;
	}
	if (found != (int)s->n) {
		snprintf(err, errlen, "icount: %d dumps for %zu regions", found,
			 s->n);
		goto out_fail;
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) { /* a leftover scratch folder is harmless */ }
	return 0;
out_fail:
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0) { /* as above */ }
	return -1;
}

void icount_write_json(const struct icount_set *s, FILE *out)
{
	struct json_writer w;

	json_init(&w, out, true);
	json_begin_object(&w, NULL);
	json_begin_object(&w, "icount");
	json_string(&w, "tool", s->tool);
	json_string(&w, "event", "Ir (instructions executed)");
	json_begin_array(&w, "benchmarks");
	for (size_t i = 0; i < s->n; i++) {
		const struct icount_region *r = &s->r[i];

		json_begin_object(&w, NULL);
		json_string(&w, "name", r->name);
		json_string(&w, "unit", r->unit);
		json_u64(&w, "ops", r->ops);
		json_u64(&w, "instructions", r->instructions);
		json_double(&w, "instructions_per_op",
			    (double)r->instructions / (double)r->ops);
		json_end_object(&w);
	}
	json_end_array(&w);
	json_end_object(&w);
	json_end_object(&w);
	json_finish(&w);
}

void icount_write_table(const struct icount_set *s, FILE *out)
{
	fprintf(out, "%-24s %14s %10s  %s\n", "benchmark", "instructions",
		"per op", "op");
	for (size_t i = 0; i < s->n; i++)
		fprintf(out, "%-24s %14" PRIu64 " %10.1f  %s\n", s->r[i].name,
			s->r[i].instructions,
			(double)s->r[i].instructions / (double)s->r[i].ops,
			s->r[i].unit);
	fprintf(out, "(%s, callgrind; exact: the same binary gives the same "
		"counts)\n", s->tool);
}
