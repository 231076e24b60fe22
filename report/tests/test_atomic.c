/* Atomic writes: a writer killed at any point leaves the final name either
 * absent or with its previous complete content, never a half file. */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/common/atomic_file.h"
#include "report/tests/fixture_util.h"
#include "tests/check.h"
#include "tests/fixture.h"

static char dir[4096];

/* Visible (non-hidden) entries of dir, and hidden temporary ones. */
static void count_entries(int *visible, int *temps)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	*visible = *temps = 0;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.')
			*temps += strstr(e->d_name, ".tmp.") != NULL;
		else
			(*visible)++;
	}
	closedir(d);
}

/* The child starts replacing `path`, writes half, and dies by SIGKILL:
 * the one signal no cleanup can catch. */
static void killed_writer(const char *path)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct atomic_file af;
		char err[256];

		if (atomic_open(&af, path, err, sizeof(err)) < 0)
			_exit(1);
		fputs("{\"half\": ", af.f);
		fflush(af.f);
		raise(SIGKILL);
		_exit(1);
	}
	int st;

	waitpid(pid, &st, 0);
	CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

int main(void)
{
	char path[4200], path2[4200], err[512], tmp[4200];
	struct atomic_file af;
	int visible, temps;
	const char *s;

	scratch_dir("atomic", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/result.json", dir);
	snprintf(path2, sizeof(path2), "%s/never.json", dir);

	/* Normal write: content in place, no temporary left. */
	CHECK(atomic_write_string(path, "{\"complete\": 1}\n", err, sizeof(err)) == 0);
	s = read_file(path);
	CHECK(s && strcmp(s, "{\"complete\": 1}\n") == 0);
	count_entries(&visible, &temps);
	CHECK_EQ_I64(visible, 1);
	CHECK_EQ_I64(temps, 0);

	/* Killed while replacing: the old complete content is still there. */
	killed_writer(path);
	s = read_file(path);
	CHECK(s && strcmp(s, "{\"complete\": 1}\n") == 0);
	/* Killed while creating: the name does not exist at all. */
	killed_writer(path2);
	CHECK(read_file(path2) == NULL);
	count_entries(&visible, &temps);
	CHECK_EQ_I64(visible, 1);  /* only result.json */
	CHECK_EQ_I64(temps, 2);    /* the dead writers' hidden leftovers */

	/* Abort: final untouched, temporary gone. */
	CHECK(atomic_open(&af, path, err, sizeof(err)) == 0);
	fputs("garbage", af.f);
	atomic_abort(&af);
	s = read_file(path);
	CHECK(s && strcmp(s, "{\"complete\": 1}\n") == 0);
	CHECK(access(af.tmp_path, F_OK) != 0);

	/* Reserve + publish, as for a child's output. */
	CHECK(atomic_reserve(path2, tmp, sizeof(tmp), err, sizeof(err)) == 0);
	CHECK(strstr(tmp, "/.never.json.tmp.") != NULL);
	CHECK(read_file(path2) == NULL);
	{
		FILE *f = fopen(tmp, "w");

		fputs("{}\n", f);
		fclose(f);
	}
	CHECK(atomic_publish(tmp, path2, err, sizeof(err)) == 0);
	s = read_file(path2);
	CHECK(s && strcmp(s, "{}\n") == 0);
	CHECK(access(tmp, F_OK) != 0);

	/* A directory that does not exist: an error naming the path. */
	CHECK(atomic_write_string("/nonexistent-dir/x.json", "x", err,
				  sizeof(err)) < 0);
	CHECK(strstr(err, "/nonexistent-dir/x.json") != NULL);
	return check_summary("atomic");
}
