#!/bin/sh
# bench compare and --update-baseline through the real binary: exit
# statuses, one-line messages, and that the baseline changes only when asked.
# usage: test_cli_compare.sh BENCH FIXTURE_RUN SCRATCH
set -u
bench=$1 fixture=$2 scratch=$3
fail=0
rm -rf "$scratch" && mkdir -p "$scratch"

expect() { # expected-status description command...
	want=$1 what=$2
	shift 2
	"$@" >"$scratch/out" 2>"$scratch/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: expected exit $want, got $got"
		cat "$scratch/out" "$scratch/err"
		fail=1
	fi
	if [ "$want" = 2 ]; then
		# Bad input: nothing on stdout, one line on stderr naming it.
		if [ -s "$scratch/out" ] || [ "$(wc -l <"$scratch/err")" != 1 ]; then
			echo "FAIL: $what: expected empty stdout and one stderr line"
			cat "$scratch/out" "$scratch/err"
			fail=1
		fi
	fi
}

expect 0 "identical folders" "$bench" compare "$fixture" "$fixture"
grep -q "no regression" "$scratch/out" || { echo "FAIL: no verdict line"; fail=1; }
expect 2 "no arguments" "$bench" compare
grep -q "expected two arguments" "$scratch/err" || { echo "FAIL: message"; fail=1; }
expect 2 "bad threshold" "$bench" compare --threshold=abc "$fixture" "$fixture"
grep -q -- "--threshold" "$scratch/err" || { echo "FAIL: message"; fail=1; }
expect 2 "missing NEW" "$bench" compare "$fixture" "$scratch/missing"
grep -q "missing" "$scratch/err" || { echo "FAIL: message"; fail=1; }
expect 0 "help" "$bench" compare --help

# The baseline: created only by the explicit command, then comparable.
expect 0 "update baseline" "$bench" compare --update-baseline "$fixture" \
	--baseline="$scratch/baseline"
[ -f "$scratch/baseline/ORIGIN" ] || { echo "FAIL: no ORIGIN"; fail=1; }
expect 0 "fixture vs its baseline" "$bench" compare "$scratch/baseline" "$fixture"
cp -r "$fixture" "$scratch/stopped"
echo interrupted >"$scratch/stopped/status"
expect 2 "baseline from an interrupted run" "$bench" compare \
	--update-baseline "$scratch/stopped" --baseline="$scratch/baseline"
grep -q "not a complete run" "$scratch/err" || { echo "FAIL: message"; fail=1; }
# ... and the old baseline survived the refused update.
expect 0 "baseline intact" "$bench" compare "$scratch/baseline" "$fixture"
exit $fail
