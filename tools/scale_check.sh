#!/usr/bin/env bash
# Same-run speed of the large cases against `single` (issues 10 and 11):
# the 4 TiB multislot and numa guests and every VM preset, each as a share
# of single's steps/s measured in the same invocation (absolute times on a
# shared machine move by up to 10x; ratios taken a few seconds apart do
# not). single runs first and last; the share uses their mean. A report,
# not a test (timing never decides a test here): each line says PASS or
# FAIL against its target, >= 50% of single; the exit status is 0 either
# way.
#
#   tools/scale_check.sh [BENCH]      (default build/bench)
# Env: STEPS (default 2000000) for single and the 4 TiB cases.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
bench=${1:-$src/build/bench}
steps=${STEPS:-2000000}

sps() { # steps/s of one `bench sim ... --json` run (the all-tracker mean)
	"$bench" sim "$@" --json 2>/dev/null |
		sed -n 's/.*"steps_per_second": *\([0-9.e+]*\).*/\1/p' | head -1
}

s1=$(sps --pattern=single --steps="$steps")
declare -a names vals
add() { names+=("$1"); shift; vals+=("$(sps "$@")"); }
add "multislot 16 x 2^26 (4 TiB)" --pattern=multislot --slots=16 \
	--slot-pages=67108864 --steps="$steps"
add "numa 1 GiB invals, 4 TiB" --pattern=numa --slot-pages=1073741824 \
	--inval-pages=262144 --steps="$steps"
for f in "$src"/vms/*.vm; do
	n=$(basename "$f" .vm)
	add "vm $n" --vm="$n" --vm-dir="$src/vms"
done
s2=$(sps --pattern=single --steps="$steps")
single=$(awk -v a="$s1" -v b="$s2" 'BEGIN { print (a + b) / 2 }')
printf '%-30s %12.0f steps/s (first %.0f, last %.0f)\n' single "$single" "$s1" "$s2"
for i in "${!names[@]}"; do
	awk -v n="${names[$i]}" -v v="${vals[$i]}" -v s="$single" \
		'BEGIN { r = 100 * v / s
			 printf "%-30s %12.0f steps/s %5.0f%% of single  %s (target >= 50%%)\n",
				n, v, r, (r >= 50 ? "PASS" : "FAIL") }'
done
