#!/usr/bin/env bash
# Builds the suite under the sanitizers and fails on any report.
#
#   tools/sanitize.sh [asan|tsan|all]     (default all)
#
# asan: build-asan/ with -DSANITIZE=address (ASan + UBSan), ctest but the
#       tests labelled slow (see run_asan).
# tsan: build-tsan/ with -DSANITIZE=thread, a short threaded `bench stress`
#       run and the tests labelled `threads`; only bench and those tests'
#       programs are built.
#
# Why reports go to files: a report printed on stderr can be swallowed by a
# test that captures stderr, or by a test that expects a non-zero exit (the
# bad-input tests). With log_path every report lands in build-*/san-logs/
# whatever the test does with its output, and any file there fails the run.
#
# Why clang by default: with gcc 12, UBSan linked together with ASan ignores
# log_path and prints to stderr only, where a test may hide it. A canary
# program with a known bug is run first with the same compiler, flags and
# options: if its report does not land in the log folder, the run fails,
# so "0 reports" can never mean "reports went nowhere".
# Env: JOBS (default 2), SAN_CC / SAN_CXX (default clang / clang++).
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
what=${1:-all}
jobs=${JOBS:-2}
cc=${SAN_CC:-clang}
cxx=${SAN_CXX:-clang++}
status=0

case $what in
	asan|tsan|all) ;;
	*) echo "tools/sanitize.sh: unknown mode '$what'; accepted: asan, tsan, all" >&2; exit 2 ;;
esac

configure() { # dir sanitizer
	local cache=$1/CMakeCache.txt
	# A tree configured with another compiler or sanitizer is rebuilt from
	# scratch: CMake drops the cache on a compiler change and with it
	# -DSANITIZE, which would silently build an unsanitized tree.
	if [ -f "$cache" ] && ! { grep -qx "SANITIZE:STRING=$2" "$cache" &&
		grep -Eq "^CMAKE_C_COMPILER:[A-Z]+=(.*/)?${cc##*/}\$" "$cache"; }; then
		rm -rf "$1"
	fi
	mkdir -p "$1"
	cmake -S "$src" -B "$1" -DSANITIZE="$2" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" >"$1/configure.log" 2>&1 &&
		grep -qx "SANITIZE:STRING=$2" "$cache" ||
		{ tail -n 30 "$1/configure.log" >&2
		  echo "sanitize: $2 configure failed" >&2; return 1; }
}

build() { # dir [target...] (none: the whole tree)
	local dir=$1 targets=() t
	shift
	for t in "$@"; do targets+=(--target "$t"); done
	cmake --build "$dir" -j"$jobs" "${targets[@]}" >"$dir/build.log" 2>&1 ||
		{ tail -n 30 "$dir/build.log" >&2
		  echo "sanitize: build of $dir failed" >&2; return 1; }
}

# A regex matching exactly the names of the tests with a label.
label_regex() { # builddir label
	local names
	names=$(ctest --test-dir "$1" -N -L "$2" | sed -n 's/^ *Test *#[0-9]*: //p' |
		paste -sd'|')
	echo "^(${names:-no test labelled $2})\$"
}

# The programs that tests matching a regex run from the build tree (target
# names are the file names), so a stage can build only those. Read from the
# CTestTestfiles: before a build, ctest -N leaves unbuilt commands empty.
test_programs() { # builddir regex
	local name path
	find "$1" -name CTestTestfile.cmake -exec \
		sed -n 's|^add_test(\[=\[\([^]]*\)\]=\] "\([^"]*\)".*|\1 \2|p' {} + |
		while read -r name path; do
			[[ $name =~ $2 && $path == "$1"/* ]] && echo "${path##*/}"
		done | sort -u
}

# Shows every report file on stderr and prints how many there are.
reports() { # logdir label
	local n=0 f
	for f in "$1"/*; do
		[ -s "$f" ] || continue
		n=$((n + 1))
		echo "---- $2 report: $f" >&2
		head -40 "$f" >&2
	done
	echo $n
}

# Builds a program with a known bug under the given flags and runs it in
# each mode given (with the current *SAN_OPTIONS); fails unless every mode
# leaves a report file in logdir. (Which prefix it gets varies: combined
# ASan+UBSan honours the log_path parsed last.)
canary() { # logdir "mode ..." flags...
	local logs=$1 modes=$2 dir m ok=0; shift 2
	dir=$(mktemp -d)
	cat >"$dir/canary.c" <<'C'
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
static int shared;
static void *bump(void *arg) { shared++; return arg; }
int main(int argc, char **argv)
{
	pthread_t t;
	int x = INT_MAX;

	if (argc < 2)
		return 1;
	if (strcmp(argv[1], "race") == 0) {
		pthread_create(&t, NULL, bump, NULL);
		shared++;
		pthread_join(t, NULL);
	} else if (strcmp(argv[1], "ub") == 0) {
		x += argc; /* signed overflow */
	} else {
		char *p = malloc(4);

		p[argc + 2] = 1; /* heap overflow: p[4] */
		free(p);
	}
	return x == 0;
}
C
	if ! "$cc" -g "$@" "$dir/canary.c" -o "$dir/canary" -lpthread; then
		rm -rf "$dir"
		echo "sanitize: cannot build the canary with $cc $*" >&2
		return 1
	fi
	for m in $modes; do
		"$dir/canary" "$m" >/dev/null 2>&1
		if ! ls "$logs"/* >/dev/null 2>&1; then
			echo "sanitize: canary '$m' left no report in $logs: reports would be lost" >&2
			ok=1
		fi
		rm -f "$logs"/*
	done
	rm -rf "$dir"
	return $ok
}

ctest_summary() { # logfile
	grep -E "tests passed|tests failed" "$1" | tail -1
}

run_asan() {
	local b=$src/build-asan logs=$src/build-asan/san-logs n
	configure "$b" address && build "$b" || return 1
	rm -rf "$logs" && mkdir -p "$logs"
	export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:halt_on_error=1:strict_string_checks=1"
	export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
	canary "$logs" "ub overflow" -fsanitize=address,undefined \
		-fno-sanitize-recover=undefined || return 1
	# Tests labelled `slow` spend their time outside our C code (building
	# an unsanitized copy of the tree, gcc on spin's verifiers): the plain
	# ctest runs them; here they would only cost CI minutes.
	ctest --test-dir "$b" -j"$jobs" -LE slow --output-on-failure >"$b/ctest.log" 2>&1
	local rc=$?
	unset ASAN_OPTIONS UBSAN_OPTIONS
	n=$(reports "$logs" "ASan/UBSan")
	echo "sanitize: ASan+UBSan: $(ctest_summary "$b/ctest.log"); $n sanitizer reports"
	[ $rc -eq 0 ] || grep -E "Failed|\*\*\*" "$b/ctest.log" >&2
	[ $rc -eq 0 ] && [ $n -eq 0 ]
}

run_tsan() {
	local b=$src/build-tsan logs=$src/build-tsan/san-logs n rc=0 stress_rc=0
	# Only what this stage runs: bench and the threaded tests' programs.
	# The whole tree under TSan costs CI minutes and is never run here.
	configure "$b" thread || return 1
	# shellcheck disable=SC2046 # one target name per word
	build "$b" bench $(test_programs "$b" "$(label_regex "$b" "$THREADED_LABEL")") || return 1
	rm -rf "$logs" && mkdir -p "$logs"
	export TSAN_OPTIONS="log_path=$logs/tsan:halt_on_error=1:second_deadlock_stack=1"
	canary "$logs" "race" -fsanitize=thread || return 1
	if "$b/bench" --help | grep -q '^  stress '; then
		# Short: TSan slows threads 5-15x; the point is interleavings seen
		# under the race detector, not throughput.
		"$b/bench" stress $STRESS_ARGS >"$b/stress.log" 2>&1 || stress_rc=$?
		echo "sanitize: TSan: bench stress $STRESS_ARGS -> exit $stress_rc"
		[ $stress_rc -eq 0 ] || tail -20 "$b/stress.log" >&2
	else
		echo "sanitize: TSan: bench stress not built; skipped"
	fi
	if ctest --test-dir "$b" -N -L "$THREADED_LABEL" | grep -q "Total Tests: [1-9]"; then
		ctest --test-dir "$b" -j"$jobs" -L "$THREADED_LABEL" --output-on-failure \
			>"$b/ctest.log" 2>&1 || rc=$?
		echo "sanitize: TSan: ctest -L '$THREADED_LABEL': $(ctest_summary "$b/ctest.log")"
		[ $rc -eq 0 ] || grep -E "Failed|\*\*\*" "$b/ctest.log" >&2
	else
		echo "sanitize: TSan: no test labelled '$THREADED_LABEL'"
		rc=1
	fi
	unset TSAN_OPTIONS
	n=$(reports "$logs" "TSan")
	echo "sanitize: TSan: $n sanitizer reports"
	[ $rc -eq 0 ] && [ $stress_rc -eq 0 ] && [ $n -eq 0 ]
}

# The tests that run threads carry this ctest label (stress/ and live/
# CMakeLists.txt); the short stress run takes a few hundred ms per
# benchmark under TSan.
THREADED_LABEL=${THREADED_LABEL:-threads}
STRESS_ARGS=${STRESS_ARGS:-'--quick --threads=2 --preempt --benchmark_filter=^stress/'}

if [ "$what" != tsan ]; then run_asan || status=1; fi
if [ "$what" != asan ]; then run_tsan || status=1; fi
[ $status -eq 0 ] && echo "sanitize: clean" || echo "sanitize: FAILED" >&2
exit $status
