#!/usr/bin/env bash
# tools/design_space.sh end to end in its QUICK mode: every registered
# tracker reaches every table, the verdicts and the Pareto rules hold on
# what ran, the plot is drawn, and REUSE redraws the same tables from the
# same measurements. Figures are not checked (QUICK's timings are too short
# to quote); their relations that cannot depend on timing are.
set -u
src=$1
bench=$2
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
pass=0 fail=0
check() { # description, then a command that must succeed
	local what=$1; shift
	if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAILED: $what"; fi
}
col() { # file tracker column-name: the value in that tracker's row
	awk -F, -v t="$2" -v c="$3" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next }
		$1 == t { print $k }' "$1"
}

if ! QUICK=1 BENCH=$bench "$src/tools/design_space.sh" "$out" >"$out/log" 2>&1; then
	tail -20 "$out/log"
	echo "design_space: FAILED: tools/design_space.sh exited non-zero"
	exit 1
fi
registered=$(grep -o '^TRACKER([a-z0-9_]*)' "$src/model/trackers.def" | sed 's/TRACKER(//; s/)//' | sort)
for f in design.csv check.csv; do
	check "$f lists every registered tracker" \
		test "$(cut -d, -f1 "$out/$f" | sed 1d | grep -vx nop | sort)" = "$registered"
done
check "sim.csv: every tracker on both patterns" \
	test "$(sed 1d "$out/sim.csv" | wc -l)" -eq "$((2 * $(wc -w <<<"$registered")))"
check "sim.csv: every attempt count is a positive number" \
	awk -F, 'NR > 1 && !($3 ~ /^[0-9]+$/ && $3 > 0) { exit 1 }' "$out/sim.csv"
check "check.csv: every cost is a positive number" \
	awk -F, 'NR > 1 { for (i = 2; i <= NF; i++) if (!($i + 0 > 0)) exit 1 }' "$out/check.csv"
# The verdicts SPEC gives: gfn misses on multislot; union and exact never.
check "gfn is unsafe" test "$(col "$out/design.csv" gfn safe)" = 0
check "union is safe" test "$(col "$out/design.csv" union safe)" = 1
check "union is 100% of union" test "$(col "$out/design.csv" union pct_of_union)" = 100.00
check "exact has no range false positive" test "$(col "$out/design.csv" exact fp_range)" = 0
check "exact is a reference, never on the front" test "$(col "$out/design.csv" exact pareto)" = 0
check "no unsafe tracker is on the front" \
	awk -F, 'NR > 1 && $6 == 0 && $7 == 1 { exit 1 }' "$out/design.csv"
check "the front is not empty" grep -q ',1$' "$out/design.csv"
check "the plot is drawn" test -s "$out/design_space.svg" -a -s "$out/design_space.png"
cp "$out/design.csv" "$out/design.first" && cp "$out/table.txt" "$out/table.first"
redraw() { QUICK=1 REUSE=1 BENCH=$bench "$src/tools/design_space.sh" "$out" >/dev/null 2>&1; }
check "REUSE redraws from the measurements" redraw
check "REUSE: the same design.csv" cmp -s "$out/design.csv" "$out/design.first"
check "REUSE: the same tables" cmp -s "$out/table.txt" "$out/table.first"
echo "design_space: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
