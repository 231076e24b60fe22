#!/usr/bin/env bash
# Adding a tracker is one folder and one line, for real: copies the source
# tree, adds tests/extra_tracker/impl_tworange/ (a tracker with state of its
# own in the private block) and TRACKER(tworange) to model/trackers.def,
# builds, and checks that the new tracker shows up, with no other edit, in
# sim, explore (safe, its whole state in a trace), stress, the contract and
# explorer tests, and a quick run's summary, CSVs and plots.
#   extra_tracker.sh SRC
set -u
src=$(cd "$1" && pwd)
bench=false # set below; lib.sh's helpers use it
. "$src/tests/lib.sh"

scratch=$tmp/src
mkdir -p "$scratch"
# The tree as it is now (tracked and new files, not build folders).
if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$src" && git ls-files -co --exclude-standard -z |
		xargs -0 cp --parents -t "$scratch" 2>/dev/null)
else
	(cd "$src" && tar --exclude='./build*' --exclude=./results -cf - .) |
		(cd "$scratch" && tar -xf -)
fi
cp -r "$src/tests/extra_tracker/impl_tworange" "$scratch/"
echo 'TRACKER(tworange)' >>"$scratch/model/trackers.def"

if ! cmake -S "$scratch" -B "$scratch/build" -DWERROR=ON >"$tmp/cmake.log" 2>&1 ||
   ! cmake --build "$scratch/build" -j2 --target bench test_trackers test_explore \
	>>"$tmp/cmake.log" 2>&1; then
	tail -30 "$tmp/cmake.log"
	ko "the suite does not build with impl_tworange added"
	summary extra_tracker
	exit 1
fi
ok
bench=$scratch/build/bench
check "registry lists tworange" grep -qx tworange <(registered_trackers_in "$scratch")

# The contract and explorer tests iterate the registry: they now hold
# tworange to the same standard (hooks, declared private words, safety on
# every scenario with pre-checks on and off).
check "test_trackers with tworange" "$scratch/build/_tests/test_trackers"
check "test_explore with tworange" "$scratch/build/_explore/test_explore"

# sim: a row in the table; on alias, none of union's range false positives.
out=$("$bench" sim --pattern=alias --steps=200000)
row=$(grep -E '^tworange ' <<<"$out")
check "sim table has a tworange row" test -n "$row"
read -r -a t <<<"$row"
read -r -a u < <(grep -E '^union ' <<<"$out")
# columns: tracker attempts faults retries r_range r_seq r_early tp fp_range fp_seq fn stale
[ "${t[8]:-x}" = 0 ] && [ "${u[8]:-0}" -gt 0 ] && [ "${t[10]}" = 0 ] && [ "${t[11]}" = 0 ] &&
	ok || ko "sim alias: tworange fp_range ${t[8]:-?} fn ${t[10]:-?} (union fp_range ${u[8]:-?})"
"$bench" sim --pattern=multislot --tracker=tworange --json | grep -q '"tworange"' &&
	ok || ko "sim --tracker=tworange --json"

# explore: safe everywhere, and its two ranges in the trace.
out=$("$bench" explore --tracker=tworange --json); rc=$?
[ "$rc" -eq 0 ] && ! grep -Eq '^      "violations": [1-9]' <<<"$out" && ok ||
	ko "explore --tracker=tworange: rc $rc or a violation"
out=$("$bench" explore --scenario=nested --tracker=tworange --spurious-trace --early-check=on)
grep -Eq 'tworange +on ' <<<"$out" && ok || ko "explore table has no tworange row"
grep -Eq 'gfn \[[0-9]+,[0-9]+\) \[[0-9]+,[0-9]+\)' <<<"$out" && ok ||
	ko "the trace does not show tworange's two ranges: $(grep -c . <<<"$out") lines"

# stress: its benchmarks exist and run.
out=$("$bench" stress --quick --benchmark_filter='/tworange' --benchmark_format=json 2>/dev/null); rc=$?
for b in '"stress/alias/tworange/' '"check/tworange"' '"check_inflight/tworange/'; do
	grep -q "$b" <<<"$out" && ok || ko "stress: no $b benchmark (rc $rc)"
done

# A quick run: the summary's tables, the CSVs and the plots carry it.
"$bench" run --quick --results-dir="$tmp/results" >"$tmp/run.log" 2>&1; rc=$?
run=$tmp/results/latest
[ "$rc" -eq 0 ] && ok || { ko "bench run --quick: rc $rc"; grep -E 'failed|killed' "$tmp/run.log"; }
n=$(grep -c 'tworange' "$run/summary.txt" 2>/dev/null)
[ "${n:-0}" -ge 4 ] && ok || ko "summary.txt names tworange $n times (safety, explore, stress, cost)"
grep -q 'tworange' "$run/csv/fp_vs_distance.csv" && ok || ko "fp_vs_distance.csv lacks tworange"
grep -q 'tworange' "$run/csv/retry_breakdown.csv" && ok || ko "retry_breakdown.csv lacks tworange"
for p in a_fp_vs_alias_distance b_fn_vs_slots c_faults_vs_threads d_retry_breakdown; do
	[ -s "$run/plots/$p.png" ] && [ -s "$run/plots/$p.svg" ] && ok || ko "plot $p not drawn"
done
grep -q 'tworange' "$run/plots/a_fp_vs_alias_distance.svg" && ok || ko "plot (a) has no tworange legend"
grep -q 'tworange' "$run/plots/d_retry_breakdown.svg" && ok || ko "plot (d) has no tworange label"
grep -q 'tworange' "$run/plots/a_fp_vs_alias_distance.txt" && ok || ko "text plot (a) has no tworange legend"
warned=$(cat "$run"/plots/gnuplot-*.log 2>/dev/null | grep -i 'warning\|empty' | head -3)
[ -z "$warned" ] && ok || ko "gnuplot warned: $warned"

summary extra_tracker
