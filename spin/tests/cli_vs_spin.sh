#!/usr/bin/env bash
# `bench explore --vs-spin` from the outside: on multislot the two checkers
# agree (gfn violates in both, with the same schedule; hva and union are
# safe in both), and bad input exits 2 with one message and no output.
# Exits 77 (skipped) when spin is missing or --vs-spin is not wired into
# bench/cmd_explore.c yet.
set -u
bench=$1
. "$(dirname "$0")/../../tests/lib.sh"

count() { grep -c -- "$1" <<<"$2"; }

if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
	echo "SKIP: spin or gcc not installed"; exit 77
fi
"$bench" explore --vs-spin --help >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "vs-spin" "$tmp/err"; then
	echo "SKIP: bench explore does not accept --vs-spin yet"; exit 77
fi

out=$("$bench" explore --vs-spin --scenario=multislot --early-check=on --json 2>"$tmp/err"); rc=$?
if [ "$rc" -eq 0 ]; then ok; else ko "multislot: rc $rc, stderr $(cat "$tmp/err")"; fi
# Rows hva, gfn, union: only gfn violates, in both checkers.
n=$(count '"violation": true' "$out")
[ "$n" -eq 2 ] && ok || ko "expected 2 violations (explore + spin, gfn), got $n"
n=$(count '"agree": false' "$out")
[ "$n" -eq 0 ] && ok || ko "expected no disagreement, got $n"
n=$(count '"trail": "same"' "$out")
[ "$n" -eq 1 ] && ok || ko "expected gfn's two counterexamples to be the same schedule, got $n rows"
grep -q 'range=\[2,3), truly stale' <<<"$out" && ok ||
	ko "spin's counterexample lacks the locked check against range [2,3)"

out=$("$bench" explore --vs-spin --scenario=smm 2>"$tmp/err"); rc=$?
err=$(cat "$tmp/err")
if [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == *"accepted: multislot, alias, concurrent, private, yield, all"* ]]; then ok
else ko "--scenario=smm: rc $rc, stdout '${out:0:60}', stderr '$err'"; fi

summary cli_vs_spin
