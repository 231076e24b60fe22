#include "spin/spin_run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Exit status of the child when exec itself failed (as a shell does). */
#define EXEC_FAILED 127

int spin_run(const char *dir, char *const argv[], const char *outname,
	     double *seconds, char *err, size_t errlen)
{
	char path[4096];
	double t0 = now_seconds();
	int status;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/%s", dir, outname);
	/* Flush our buffered output first, or the child would inherit and
	 * print it a second time. */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork for %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || chdir(dir) != 0 || dup2(fd, 1) < 0 ||
		    dup2(fd, 2) < 0)
			_exit(EXEC_FAILED);
		close(fd);
		execvp(argv[0], argv);
		_exit(EXEC_FAILED);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(err, errlen, "waiting for %s: %s", argv[0],
				 strerror(errno));
			return -1;
		}
	}
	*seconds = now_seconds() - t0;
	if (WIFSIGNALED(status)) {
		snprintf(err, errlen, "%s died from signal %d (output in %s)",
			 argv[0], WTERMSIG(status), path);
		return -1;
	}
	if (WEXITSTATUS(status) == EXEC_FAILED) {
		snprintf(err, errlen, "could not run %s in %s (not installed?)",
			 argv[0], dir);
		return -1;
	}
	return WEXITSTATUS(status);
}

bool spin_on_path(const char *name)
{
	const char *p = getenv("PATH");
	char buf[4096];

	if (!p)
		return false;
	while (*p) {
		size_t n = strcspn(p, ":");

		/* An empty PATH entry means the current directory. */
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(n ? n : 1),
			 n ? p : ".", name);
		if (access(buf, X_OK) == 0)
			return true;
		p += n;
		if (*p == ':')
			p++;
	}
	return false;
}

char *spin_read_file(const char *dir, const char *name, size_t max)
{
	char path[4096];
	FILE *f;
	char *buf;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, max, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int spin_write_file(const char *dir, const char *name, const char *text,
		    char *err, size_t errlen)
{
	char path[4096];
	FILE *f;
	int bad;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	bad = fputs(text, f) < 0;
	bad |= fclose(f) != 0;
	if (bad) {
		snprintf(err, errlen, "writing %s failed", path);
		return -1;
	}
	return 0;
}

void spin_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d)
		return;
	/* Flat by construction: spin, gcc and pan write only plain files. */
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(dir);
}
