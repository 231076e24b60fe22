#!/usr/bin/env bash
# The gate against real regressions: a copy of the source tree is built,
# measured, patched with one regression at a time, rebuilt (only the
# patched file recompiles) and measured again; `bench compare` must exit 1
# and name what moved. Injected:
#   1. +20% instructions in one tracker's locked check (union's retry)
#   2. +10% instructions in the fault path (model/actor.c, per fault)
#   3. one tracker's check 3x slower in wall clock (union's retry does its
#      work six times)
# and, first, the unpatched copy against itself: exit 0.
#   test_injected_regressions.sh SRC SCRATCH
set -u
src=$1 scratch=$2
fail=0
rm -rf "$scratch" && mkdir -p "$scratch/src"
say() { echo "injected: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

tar -C "$src" --exclude='./build*' --exclude=./results --exclude=./.git \
	-cf - . | tar -C "$scratch/src" -xf -
mkdir -p "$scratch/src/results"
cmake -S "$scratch/src" -B "$scratch/build" >"$scratch/configure.log" 2>&1 ||
	{ tail "$scratch/configure.log"; exit 1; }
build() {
	cmake --build "$scratch/build" -j2 --target bench >"$scratch/build.log" 2>&1 ||
		{ tail -30 "$scratch/build.log"; exit 1; }
}
bench=$scratch/build/bench
# The check/ wall-clock benchmarks of one binary.
wallclock() { # BENCH OUT
	"$1" stress --quick --benchmark_filter='^check/' \
		--benchmark_min_time=0.2 --benchmark_out="$2" \
		--benchmark_out_format=json >"$2.log" 2>&1 ||
		bad "$2: bench stress failed"
}
per_op() { # FILE NAME: instructions per op, rounded (bench icount --json
	# writes one key per line)
	awk -v want="\"$2\"," '$1 == "\"name\":" { hit = ($2 == want) }
		hit && $1 == "\"instructions_per_op\":" { printf "%.0f\n", $2; exit }' "$1"
}
gate() { # LABEL EXPECTED-STATUS NEEDLE BASE NEW
	"$bench" compare "$4" "$5" >"$scratch/out" 2>&1
	local rc=$?
	say "$1: bench compare exit $rc"
	grep -E "CHANGED|compared:" "$scratch/out" | sed 's/^/  /'
	[ $rc = "$2" ] || { bad "$1: expected exit $2, got $rc"; cat "$scratch/out"; }
	[ -z "$3" ] || grep -q -- "$3" "$scratch/out" || bad "$1: no line with '$3'"
}

build
mkdir -p "$scratch/A"
# The unpatched binary, kept to time it again beside a patched one.
cp "$bench" "$scratch/A/bench"
"$bench" icount --json >"$scratch/A/icount.json" || bad "A: bench icount failed"
gate "unchanged" 0 "no regression" "$scratch/A/icount.json" "$scratch/A/icount.json"

union=$scratch/src/impl_union/tracker_union.c
actor=$scratch/src/model/actor.c
cp "$union" "$scratch/union.orig"
cp "$actor" "$scratch/actor.orig"

# A wrapper around union's locked check. Its call adds an instruction or
# two; the nops make up the rest of 20%.
wrap_union() { # BODY
	cat >>"$union" <<C
static enum retry_verdict injected_retry(struct tracker_state *t,
					 const struct fault_key *key, uint64_t snap)
{
$1
	return gfn_keyed_retry(t, key, snap);
}
C
	sed -i 's/^const struct tracker_ops union_tracker_ops = {/static enum retry_verdict injected_retry(struct tracker_state *, const struct fault_key *, uint64_t);\n&/; s/\.retry = gfn_keyed_retry,/.retry = injected_retry,/' "$union"
}

# 1. +20% instructions in union's locked check.
base=$(per_op "$scratch/A/icount.json" check/union)
n=$(( (base * 20 + 50) / 100 - 1 ))
wrap_union "	__asm__ volatile(\".rept $n\\n\\tnop\\n\\t.endr\");"
build
"$bench" icount --json >"$scratch/B1.json" || bad "B1: bench icount failed"
gate "+20% instructions in union's locked check ($n nops on $base per check)" \
	1 "check/union instructions: $base.0 -> " "$scratch/A/icount.json" "$scratch/B1.json"
cp "$scratch/union.orig" "$union"

# 2. +10% instructions in the fault path, once per completed fault.
base=$(per_op "$scratch/A/icount.json" path/union)
n=$(( (base * 10 + 50) / 100 ))
# Whatever the line's indentation (the step's code moves between functions).
sed -i "0,/^\(\t*\)stats->faults++;/s//\1__asm__ volatile(\".rept $n\\\\n\\\\tnop\\\\n\\\\t.endr\");\n\1stats->faults++;/" "$actor"
grep -q "rept $n" "$actor" || bad "fault path: the patch did not apply"
build
"$bench" icount --json >"$scratch/B2.json" || bad "B2: bench icount failed"
gate "+10% instructions in the fault path ($n nops on $base per fault)" \
	1 "path/union instructions: " "$scratch/A/icount.json" "$scratch/B2.json"
cp "$scratch/actor.orig" "$actor"

# 3. union's check 3x slower in wall clock (the issue's own trial: 1.27 ->
# 4.4 ns). The check does its work six times: the benchmark loop's fixed
# cost dilutes repeats, and doing it three times measured only 2.2x on CI's
# machine (1.73 -> 3.78 ns), under the gate's 120%. Timed right after the
# unpatched binary, so both see the same minute of the machine's load; the
# gate compares check/union / check/nop of each run.
wrap_union "	static volatile unsigned injected_sink;

	for (int i = 0; i < 5; i++)
		injected_sink += gfn_keyed_retry(t, key, snap);"
build
wallclock "$scratch/A/bench" "$scratch/A3.json"
wallclock "$bench" "$scratch/B3.json"
gate "union's check 3x slower in wall clock" 1 "check/union / check/nop cpu_time" \
	"$scratch/A3.json" "$scratch/B3.json"
cp "$scratch/union.orig" "$union"
exit $fail
