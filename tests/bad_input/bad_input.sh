#!/usr/bin/env bash
# One docs/options.md section, row by row: `bench COMMAND <bad example>`
# must exit 2, print nothing on stdout and exactly one stderr line that
# contains the row's message. Rows whose example is "cli_sim.sh" must be
# among tests/cli_sim.sh's expect_bad lines instead (not run twice). Rows
# marked "known issue" are expected to misbehave and fail the test once
# they behave, so the mark is removed.
#   bad_input.sh BENCH DOC CLI_SIM "bench COMMAND"
set -u
set -f # bad examples are words, never globs
bench=$1 doc=$2 cli_sim=$3 section=$4
here=$(cd "$(dirname "$0")" && pwd)
cmd=${section#bench}
cmd=${cmd# }
cmd=${cmd%% *} # "explore --vs-spin" runs `bench explore`; the row says --vs-spin
pass=0 fail=0 xfail=0 rows=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

conforms() { # args... ; sets why
	local rc lines
	timeout 60 "$bench" $cmd "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	lines=$(wc -l <"$tmp/err")
	why="exit $rc, stdout $(wc -c <"$tmp/out") bytes, $lines stderr lines: $(head -c 200 "$tmp/err" | tr '\n' '|')"
	[ "$rc" -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$lines" -eq 1 ] &&
		grep -qF -- "$needle" "$tmp/err"
}

while IFS=$'\t' read -r sec opt acc bad needle status; do
	[ "$sec" = "$section" ] || continue
	rows=$((rows + 1))
	label="$section: $opt: ${bad:-<none>}"
	if [ -z "$bad" ] || [ -z "$needle" ]; then
		fail=$((fail + 1)); echo "FAILED $label: row has no bad example or message"
		continue
	fi
	if [ "$bad" = "cli_sim.sh" ]; then
		if grep -E '^expect_bad ' "$cli_sim" | grep -qF -- "$needle"; then
			pass=$((pass + 1)); echo "ok     $label (in cli_sim.sh)"
		else
			fail=$((fail + 1)); echo "FAILED $label: no expect_bad line with '$needle' in cli_sim.sh"
		fi
		continue
	fi
	# shellcheck disable=SC2086 # the example is a list of words
	if conforms $bad; then
		if [ "$status" = "known issue" ]; then
			fail=$((fail + 1)); echo "FAILED $label: behaves now; remove the 'known issue' mark in docs/options.md"
		else
			pass=$((pass + 1)); echo "ok     $label"
		fi
	elif [ "$status" = "known issue" ]; then
		xfail=$((xfail + 1)); echo "known  $label: $why"
	else
		fail=$((fail + 1)); echo "FAILED $label: wanted exit 2, no stdout, one line with '$needle'; got $why"
	fi
done < <("$here/doc_rows.sh" "$doc")

[ "$rows" -gt 0 ] || { echo "FAILED: no rows for section '$section' in $doc"; exit 1; }
echo "bad_input $section: $pass passed, $fail failed, $xfail known issues"
[ "$fail" -eq 0 ]
