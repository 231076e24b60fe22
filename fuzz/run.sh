#!/usr/bin/env bash
# Builds the libFuzzer target with clang in its own build tree and fuzzes the
# command-line / pattern-parameter parser for a bounded time.
#
#   fuzz/run.sh [SECONDS]      (default 60; env BUILD_DIR, default build-fuzz)
#
# Prints the number of executions and of crashes; exits 1 on a crash (the
# input is saved under $BUILD_DIR/artifacts/: copy it to fuzz/regressions/
# so the ctest fuzz_regressions replays it in every build from then on).
# The corpus grows in $BUILD_DIR/corpus, seeded from fuzz/corpus/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
seconds=${1:-60}
build=${BUILD_DIR:-$src/build-fuzz}

case $seconds in
	''|*[!0-9]*) echo "fuzz/run.sh: SECONDS: '$seconds' is not a number" >&2; exit 2 ;;
esac
command -v clang >/dev/null || { echo "fuzz/run.sh: clang not found (tools/deps.sh installs it)" >&2; exit 2; }

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target fuzz_params -j2 >/dev/null
bin=$(find "$build" -name fuzz_params -type f -perm -u+x | head -1)

mkdir -p "$build/corpus" "$build/artifacts"
log="$build/fuzz.log"
stamp="$build/.fuzz-start"
touch "$stamp"
set +e
# One process (the machine is shared); -rss_limit_mb bounds a runaway
# allocation; the seeds and the saved regressions are read-only inputs.
"$bin" "$build/corpus" "$here/corpus" "$here/regressions" \
	-dict="$here/options.dict" -max_total_time="$seconds" -max_len=512 \
	-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
	-artifact_prefix="$build/artifacts/" >"$log" 2>&1
rc=$?
set -e

execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
crashes=$(find "$build/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' \
	-o -name 'timeout-*' -o -name 'oom-*' \) -newer "$stamp" 2>/dev/null | wc -l)
corpus=$(find "$build/corpus" -type f | wc -l)
echo "fuzz: ${seconds}s, executions ${execs:-0}, crashes $crashes, corpus $corpus inputs (exit $rc)"
if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
	grep -E "ERROR|runtime error|SUMMARY|Test unit written" "$log" | head -20 >&2
	exit 1
fi
