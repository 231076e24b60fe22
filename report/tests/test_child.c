/* Child processes: exit codes, redirection, time limits, start failures,
 * and the interrupt path (a SIGINT to the parent stops the child). No
 * assertion depends on how long anything took. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report/common/child.h"
#include "report/tests/fixture_util.h"
#include "tests/check.h"

int main(void)
{
	char dir[4096], out[4200], errp[4200], err[512];
	struct child_result r;

	scratch_dir("child", dir, sizeof(dir));
	snprintf(out, sizeof(out), "%s/out.txt", dir);
	snprintf(errp, sizeof(errp), "%s/err.txt", dir);

	char *sh[] = { "/bin/sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3",
		       NULL };
	struct child_spec s1 = { .argv = sh, .stdout_path = out,
				 .stderr_path = errp };

	child_run(&s1, &r, err, sizeof(err));
	CHECK_EQ_I64(r.outcome, CHILD_EXITED);
	CHECK_EQ_I64(r.exit_code, 3);
	{
		FILE *f = fopen(out, "r");

		CHECK(f && strcmp(slurp(f), "to-stdout\n") == 0);
		if (f)
			fclose(f);
		f = fopen(errp, "r");
		CHECK(f && strcmp(slurp(f), "to-stderr\n") == 0);
		if (f)
			fclose(f);
	}

	char *missing[] = { "/nonexistent/program", NULL };
	struct child_spec s2 = { .argv = missing };

	child_run(&s2, &r, err, sizeof(err));
	CHECK_EQ_I64(r.outcome, CHILD_NOT_STARTED);
	CHECK(strstr(err, "/nonexistent/program") != NULL);

	char *sleeper[] = { "/bin/sleep", "30", NULL };
	struct child_spec s3 = { .argv = sleeper, .timeout_s = 0.2 };

	child_run(&s3, &r, err, sizeof(err));
	CHECK_EQ_I64(r.outcome, CHILD_TIMED_OUT);

	/* Interrupt: a helper process sends SIGINT to us while the child
	 * sleeps. Whenever it lands (before or during the child), the
	 * outcome must be "interrupted" and the child must be gone. */
	child_signals_install();
	pid_t me = getpid(), helper = fork();

	if (helper == 0) {
		usleep(200 * 1000);
		kill(me, SIGINT);
		_exit(0);
	}
	struct child_spec s4 = { .argv = sleeper };

	child_run(&s4, &r, err, sizeof(err));
	waitpid(helper, NULL, 0);
	CHECK_EQ_I64(r.outcome, CHILD_INTERRUPTED);
	CHECK_EQ_I64(child_stop_signal(), SIGINT);
	/* Once stopped, no new child starts. */
	child_run(&s1, &r, err, sizeof(err));
	CHECK_EQ_I64(r.outcome, CHILD_INTERRUPTED);
	return check_summary("child");
}
