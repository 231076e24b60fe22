#!/usr/bin/env bash
# `bench stress` from the outside: bad input exits 2 with one message that
# names the offending value and prints nothing on stdout; a filter that
# selects nothing leaves the --benchmark_out file alone; a tiny real run
# writes Google Benchmark JSON with the gate's counters and the context.
set -u
bench=$1
. "$(dirname "$0")/../../tests/lib.sh"

expect_bad "--placement: unknown value 'bogus'; accepted: scatter, compact, none" stress --placement=bogus
expect_bad "--threads: 0 is out of range" stress --threads=0
expect_bad "--threads: 'x' is not a number" stress --threads=1,x
expect_bad "--threads: '-3' is negative" stress --threads=-3
expect_bad "unknown option '--frobnicate'" stress --frobnicate
expect_bad "unrecognized command-line flag: --benchmark_frobnicate=1" stress --benchmark_frobnicate=1
expect_bad "--benchmark_filter='^no/such' selects no benchmark" stress '--benchmark_filter=^no/such'

# The no-match run must not truncate or create the output file.
echo sentinel >"$tmp/keep.json"
"$bench" stress '--benchmark_filter=^no/such' --benchmark_out="$tmp/keep.json" 2>/dev/null
check "no-match exits 2" [ $? -eq 2 ]
check "no-match left --benchmark_out alone" grep -q sentinel "$tmp/keep.json"

# --help works and lists our options.
out=$("$bench" stress --help); rc=$?
check "--help exits 0" [ $rc -eq 0 ]
check "--help lists --placement" grep -q -- "--placement" <<<"$out"

# Names are stable: the list has every family.
list=$("$bench" stress --quick --benchmark_list_tests 2>/dev/null)
for n in stress/single/hva/threads:1 stress/multislot/gfn/threads:1 \
	 stress/alias/union/threads:1 stress/mixed/exact/threads:1 \
	 check/nop check_inflight/nop/invals:4 path/nop path/rwlock \
	 shim/batch shim/single; do
	check "benchmark $n listed" grep -qx "$n" <<<"$list"
done
# ... and every registered tracker has its microbenchmarks.
for t in $(registered_trackers); do
	for n in check/$t check_inflight/$t/invals:1 check_inflight/$t/invals:2 \
		 check_inflight/$t/invals:4 path/$t stress/alias/$t/threads:1; do
		check "benchmark $n listed" grep -qx "$n" <<<"$list"
	done
done

# A tiny real run: JSON with the counters and the context keys.
"$bench" stress --quick --threads=1 '--benchmark_filter=^stress/alias/(union|hva)/|^check/nop$' \
	--benchmark_min_time=0.001 --benchmark_out="$tmp/out.json" \
	--benchmark_out_format=json >/dev/null 2>"$tmp/err"
rc=$?
check "tiny run exits 0 (stderr: $(tail -2 "$tmp/err"))" [ $rc -eq 0 ]
for k in faults_per_s invals_per_s retries_per_fault tp fp_range fp_seq fn \
	 stale_sptes p50_ns p99_ns; do
	check "counter $k in JSON" grep -q "\"$k\":" "$tmp/out.json"
done
for k in placement allowed_cpus topology cpu_model bench_version; do
	check "context $k in JSON" grep -q "\"$k\":" "$tmp/out.json"
done
check "stress/alias/hva/threads:1 in JSON" grep -q '"name": "stress/alias/hva/threads:1"' "$tmp/out.json"
check "one repetition: in turn" grep -q '"repetitions_order": "in turn' "$tmp/out.json"

# Repetitions run interleaved unless the user says otherwise (the
# context records which).
order() {
	"$bench" stress '--benchmark_filter=^shim/batch$' --benchmark_min_time=0.001 \
		--benchmark_out="$tmp/order.json" --benchmark_out_format=json \
		"$@" >/dev/null 2>&1 &&
		sed -n 's/.*"repetitions_order": "\([a-z]*\).*/\1/p' "$tmp/order.json"
}
check "2 repetitions: interleaved" [ "$(order --benchmark_repetitions=2)" = interleaved ]
check "2 repetitions, interleaving off: in turn" \
	[ "$(order --benchmark_repetitions=2 --benchmark_enable_random_interleaving=false)" = in ]
check "2 repetitions, interleaving 'N': in turn" \
	[ "$(order --benchmark_repetitions=2 --benchmark_enable_random_interleaving=N)" = in ]
check "1 repetition, interleaving asked: interleaved" \
	[ "$(order --benchmark_enable_random_interleaving)" = interleaved ]

summary stress_cli
