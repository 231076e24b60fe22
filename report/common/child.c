#define _GNU_SOURCE
#include "report/common/child.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t running_child; /* pgid of the child, 0: none */

static void on_stop(int sig)
{
	int saved = errno;

	if (!stop_signal)
		stop_signal = sig;
	if (running_child > 0)
		kill(-(pid_t)running_child, SIGTERM);
	errno = saved;
}

void child_signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a sleeping wait loop must wake up to escalate. */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int child_stop_signal(void)
{
	return stop_signal;
}

const char *child_self_exe(void)
{
	return "/proc/self/exe";
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int redirect(const char *path, int target, bool append)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC |
		      (append ? O_APPEND : O_TRUNC), 0644);

	if (fd < 0)
		return -1;
	if (dup2(fd, target) < 0)
		return -1;
	close(fd);
	return 0;
}

/* In the child, between fork and exec: only async-signal-safe calls. */
static void exec_child(const struct child_spec *spec, int err_pipe,
		       pid_t parent)
{
	int e;

	setpgid(0, 0);
	/* If the run itself is killed (SIGKILL cannot be caught), its child
	 * must not go on writing into the results folder. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	if ((spec->stdout_path && redirect(spec->stdout_path, 1, spec->append) < 0) ||
	    (spec->stderr_path && redirect(spec->stderr_path, 2, spec->append) < 0)) {
		e = errno;
		(void)!write(err_pipe, &e, sizeof(e));
		_exit(127);
	}
	if (strchr(spec->argv[0], '/'))
		execv(spec->argv[0], spec->argv);
	else
		execvp(spec->argv[0], spec->argv);
	e = errno;
	(void)!write(err_pipe, &e, sizeof(e));
	_exit(127);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL); /* a signal cuts it short: fine */
}

void child_run(const struct child_spec *spec, struct child_result *res,
	       char *err, size_t errlen)
{
	double start = now_s(), kill_at = 0, last_tick = start;
	int pipefd[2], st = 0, e = 0;
	pid_t pid, parent;

	memset(res, 0, sizeof(*res));
	res->outcome = CHILD_NOT_STARTED;
	if (stop_signal) {
		res->outcome = CHILD_INTERRUPTED;
		return;
	}
	/* A CLOEXEC pipe tells the parent whether exec worked: it reads EOF on
	 * success, the errno otherwise. */
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		return;
	}
	if (pid == 0)
		exec_child(spec, pipefd[1], parent);
	/* Both sides call setpgid so the group exists before any kill. */
	setpgid(pid, pid);
	running_child = pid;
	close(pipefd[1]);
	if (read(pipefd[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
		close(pipefd[0]);
		waitpid(pid, &st, 0);
		running_child = 0;
		snprintf(err, errlen, "%s: cannot start: %s", spec->argv[0],
			 strerror(e));
		return;
	}
	close(pipefd[0]);
	if (stop_signal) /* arrived before running_child was set */
		kill(-pid, SIGTERM);

	for (;;) {
		siginfo_t info;
		double t = now_s();

		/* WNOWAIT: see the exit but leave the zombie, which keeps the
		 * process group id reserved while we clean the group up. */
		info.si_pid = 0;
		if (waitid(P_PID, (id_t)pid, &info,
			   WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR)
			break;
		if (info.si_pid == pid)
			break;
		if (stop_signal || (spec->timeout_s > 0 &&
				    t - start > spec->timeout_s)) {
			if (kill_at == 0) {
				res->outcome = stop_signal ? CHILD_INTERRUPTED
							   : CHILD_TIMED_OUT;
				kill(-pid, SIGTERM);
				kill_at = t + CHILD_GRACE_MS / 1000.0;
			} else if (t > kill_at) {
				kill(-pid, SIGKILL);
			}
		}
		if (spec->tick && t - last_tick >= 1.0 && !kill_at) {
			last_tick = t;
			spec->tick(spec->tick_arg, t - start);
		}
		sleep_ms(kill_at ? 5 : 10);
	}
	running_child = 0;
	/* Nothing of the child's group may outlive it (e.g. a helper it
	 * spawned): that would keep writing into the results folder. */
	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	res->seconds = now_s() - start;
	if (kill_at != 0) {
		res->exit_code = WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st);
		return; /* outcome set above */
	}
	if (WIFSIGNALED(st)) {
		res->outcome = CHILD_SIGNALED;
		res->exit_code = WTERMSIG(st);
	} else {
		res->outcome = CHILD_EXITED;
		res->exit_code = WEXITSTATUS(st);
	}
}
