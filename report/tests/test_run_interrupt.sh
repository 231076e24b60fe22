#!/bin/sh
# Killing `bench run` mid-run: earlier folders stay intact, `latest` does not
# move, the interrupted folder says so, and no visible file is half written.
# Signals are sent once the run has published its first output, so what is
# asserted does not depend on the machine's speed.
# usage: test_run_interrupt.sh BENCH SCRATCH
set -u
bench=$1 scratch=$2
root="$scratch/results"
fail=0
rm -rf "$scratch" && mkdir -p "$root"
say() { echo "FAIL: $*"; fail=1; }

# Every visible JSON file of a folder must parse: a half file would not.
check_files() {
	if find "$1" -name '.*.tmp.*' | grep -q .; then
		[ "$2" = allow-tmp ] || say "$1: temporary files left: $(find "$1" -name '.*.tmp.*')"
	fi
	if command -v python3 >/dev/null; then
		find "$1" -name '*.json' ! -name '.*' | while read -r f; do
			python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" ||
				echo "FAIL: $f is not complete JSON"
		done | grep FAIL && fail=1
	fi
}

# A first, complete run.
"$bench" run --quick --no-plots --results-dir="$root" >"$scratch/run1.out" 2>&1
rc=$?
[ $rc -le 1 ] || say "first run exit $rc"
first=$(readlink "$root/latest")
[ -n "$first" ] || say "no latest after a complete run"
[ "$(cat "$root/$first/status")" = complete ] || say "first run not complete"
sum_before=$(cd "$root/$first" && find . -type f | sort | xargs md5sum | md5sum)

# Starts a run in the background; waits for its first published output.
start_run() {
	"$bench" run --quick --no-plots --results-dir="$root" >"$scratch/run.out" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 600 ]; do
		new=$(ls -1 "$root" | grep -v -e latest -e "^$first\$" | while read -r d; do
			[ "$(cat "$root/$d/status" 2>/dev/null)" = running ] && echo "$d"; done | head -1)
		if [ -n "$new" ] && ls "$root/$new/sweep/alias_distance/"*.json >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	say "run never published an output"
	return 1
}

for sig in INT TERM; do
	start_run || break
	kill -$sig $pid
	wait $pid
	rc=$?
	case $sig in INT) want=130 ;; TERM) want=143 ;; esac
	[ $rc = $want ] || say "SIG$sig: exit $rc, expected $want"
	[ "$(cat "$root/$new/status")" = interrupted ] || say "SIG$sig: status $(cat "$root/$new/status")"
	grep -q '"status": "interrupted"' "$root/$new/manifest.json" || say "SIG$sig: manifest"
	check_files "$root/$new" no-tmp
	mv "$root/$new" "$scratch/stopped-$sig" # keep later greps simple
done

# SIGKILL cannot be caught: the folder stays "running" (= incomplete), the
# child dies with the parent, and only hidden temporary files may remain.
if start_run; then
	kill -KILL $pid
	wait $pid 2>/dev/null
	sleep 1 # let the orphaned child's death signal land
	[ "$(cat "$root/$new/status")" = running ] || say "SIGKILL: status changed"
	check_files "$root/$new" allow-tmp
	pgrep -f "$root" >/dev/null && say "SIGKILL: a child outlived the run"
fi

[ "$(readlink "$root/latest")" = "$first" ] || say "latest moved"
sum_after=$(cd "$root/$first" && find . -type f | sort | xargs md5sum | md5sum)
[ "$sum_before" = "$sum_after" ] || say "the earlier folder changed"
[ $fail = 0 ] && echo "interrupt test: ok"
exit $fail
