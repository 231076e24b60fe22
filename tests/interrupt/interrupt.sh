#!/usr/bin/env bash
# Interrupting the default run, the ways a user does it:
#   1. Ctrl-C in a terminal: SIGINT to the whole process group (the run and
#      its child at once), during the threaded stress step;
#   2. SIGTERM to `bench` started without a command, during the explorer;
#   3. SIGINT to `bench run` alone, as soon as its folder exists.
# Each time: the run exits 128+signal, no process of its group is left,
# its folder says "interrupted" (status and manifest) with no temporary
# file left, and every earlier folder (complete, interrupted, baseline,
# and the ones interrupted by the cases before) and `latest` are
# byte-for-byte unchanged.
#
# Signals are sent once the run reaches the step (its log file appears), so
# what is asserted does not depend on the machine's speed. The only clock
# is a hang guard: a run still alive 60 s after the signal did not stop
# (a quick run takes about 30 s in all, a step a few seconds).
#   interrupt.sh BENCH SCRATCH
set -u
bench=$1 scratch=$2
root=$scratch/results
fail=0
say() { echo "FAILED: $*"; fail=1; }

rm -rf "$scratch" && mkdir -p "$root"

# Earlier folders, made by hand so that no full run is needed first.
make_folder() { # name status
	mkdir -p "$root/$1/patterns" "$root/$1/logs"
	printf '%s\n' "$2" >"$root/$1/status"
	printf '{"suite": "quick", "status": "%s"}\n' "$2" >"$root/$1/manifest.json"
	printf '{"pattern": "single", "trackers": {}}\n' >"$root/$1/patterns/single.json"
	printf 'earlier log\n' >"$root/$1/logs/sim_single.log"
}
make_folder 20200101T000000Z-aaaaaaa complete
make_folder 20200102T000000Z-bbbbbbb interrupted
make_folder baseline complete
ln -s 20200101T000000Z-aaaaaaa "$root/latest"

# Everything under the results root except the folder being written.
snapshot() { # exclude
	(cd "$root" && find . -mindepth 1 -not -path "./$1" -not -path "./$1/*" \
		\( -type l -printf '%p -> %l\n' -o -type f -printf '%p ' -exec md5sum {} \; \
		   -o -type d -printf '%p/\n' \) | sort)
}

# Starts the run in its own session (so it has its own process group, as a
# terminal job has); sets pid.
start() { # args...
	setsid "$bench" "$@" --results-dir="$root" >"$scratch/run.out" 2>&1 &
	pid=$!
}

# Waits until the run's new folder has a file matching `glob` (a step's
# log); sets new. A glob, so that renaming a log (stress_--quick.log,
# stress_rep1.log, ...) does not break the test.
wait_for() { # glob
	local i d
	new=""
	for ((i = 0; i < 1200; i++)); do
		for d in "$root"/*/; do
			d=$(basename "$d")
			[ "$(cat "$root/$d/status" 2>/dev/null)" = running ] || continue
			if compgen -G "$root/$d/$1" >/dev/null; then
				new=$d
				return 0
			fi
		done
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	say "the run never reached $1 (exit or timeout); output: $(tail -3 "$scratch/run.out")"
	kill -KILL -- "-$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 1
}

# Waits for the run to exit (hang guard 60 s); sets rc.
wait_exit() {
	local i
	for ((i = 0; i < 600; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "still running 60 s after the signal"
		kill -KILL -- "-$pid" 2>/dev/null
	fi
	wait "$pid"
	rc=$?
}

check() { # case signal before-snapshot
	local name=$1 sig=$2 before=$3 want left
	want=$((128 + $(kill -l "$sig")))
	[ "$rc" -eq "$want" ] || say "$name: exit $rc, expected $want (128+SIG$sig)"
	left=$(pgrep -g "$pid" 2>/dev/null | tr '\n' ' ')
	[ -z "$left" ] || say "$name: processes of the run left behind: $left"
	[ "$(cat "$root/$new/status" 2>/dev/null)" = interrupted ] ||
		say "$name: status '$(cat "$root/$new/status" 2>/dev/null)', expected interrupted"
	grep -q '"status": "interrupted"' "$root/$new/manifest.json" 2>/dev/null ||
		say "$name: manifest.json does not say interrupted"
	[ -z "$(find "$root/$new" -name '.*.tmp.*')" ] ||
		say "$name: temporary files left: $(find "$root/$new" -name '.*.tmp.*' | tr '\n' ' ')"
	[ "$(readlink "$root/latest")" = 20200101T000000Z-aaaaaaa ] ||
		say "$name: latest moved to $(readlink "$root/latest")"
	[ "$(snapshot "$new")" = "$before" ] || {
		say "$name: an earlier folder changed:"
		diff <(echo "$before") <(snapshot "$new") | head -10
	}
	[ $fail -eq 0 ] && echo "ok     $name: exit $rc, folder $new interrupted, earlier folders intact"
}

# 1. Ctrl-C: the whole group, during stress.
before=$(snapshot none)
start run --quick --no-plots
if wait_for "logs/stress*"; then
	kill -INT -- "-$pid"
	wait_exit
	check "Ctrl-C (SIGINT to the group) during stress" INT "$before"
fi

# 2. SIGTERM to `bench` without a command, during the explorer.
before=$(snapshot none)
start --quick --no-plots
if wait_for "logs/explore*"; then
	kill -TERM "$pid"
	wait_exit
	check "SIGTERM to bench (default run) during explore" TERM "$before"
fi

# 3. SIGINT to the run alone, as soon as its folder exists.
before=$(snapshot none)
start run --quick --no-plots
if wait_for status; then
	kill -INT "$pid"
	wait_exit
	check "SIGINT to bench run at its start" INT "$before"
fi

[ $fail -eq 0 ] && echo "interrupt: all cases passed" || echo "interrupt: FAILED"
exit $fail
