#!/bin/sh
# `bench live` from the outside, without needing KVM: graceful absence (one
# line, exit 0; JSON with a reason) and bad input (exit 2, one message on
# stderr naming the option, nothing on stdout).
# usage: test_live_cli.sh path/to/bench
bench="$1"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

check() { # description, condition result
	if [ "$2" -ne 0 ]; then
		echo "FAIL: $1" >&2
		fail=1
	fi
}

# Missing device: exactly one line, naming the device, exit 0.
"$bench" live --device=/nonexistent/kvm >"$tmp/out" 2>"$tmp/err"
rc=$?
check "missing device: expected exit 0, got $rc" $([ $rc -eq 0 ]; echo $?)
check "missing device: expected one line, got: $(cat "$tmp/out")" \
	$([ "$(wc -l <"$tmp/out")" -eq 1 ]; echo $?)
check "missing device: line should say skipped and name the device" \
	$(grep -q 'skipped: /nonexistent/kvm not present' "$tmp/out"; echo $?)

# Not a KVM device: JSON with measured/model null and the reason; the
# results files are written too.
"$bench" live --device=/dev/null --json --out="$tmp/live.json" \
	--dat="$tmp/live.dat" >"$tmp/out" 2>"$tmp/err"
rc=$?
check "non-KVM device: expected exit 0, got $rc" $([ $rc -eq 0 ]; echo $?)
check "non-KVM device: JSON should have measured null" \
	$(grep -q '"measured": null' "$tmp/out"; echo $?)
check "non-KVM device: JSON should give the reason" \
	$(grep -q '"skipped": ".*API version' "$tmp/out"; echo $?)
check "non-KVM device: --out file should match stdout" \
	$(grep -q '"skipped": ".*API version' "$tmp/live.json"; echo $?)
check "non-KVM device: --dat file should say skipped" \
	$(grep -q 'skipped' "$tmp/live.dat"; echo $?)

# The sweep without KVM: the same one line and exit 0, and JSON that says
# why and has no sweep.
"$bench" live --sweep --device=/nonexistent/kvm >"$tmp/out" 2>"$tmp/err"
rc=$?
check "sweep, missing device: expected exit 0, got $rc" $([ $rc -eq 0 ]; echo $?)
check "sweep, missing device: expected one line, got: $(cat "$tmp/out")" \
	$([ "$(wc -l <"$tmp/out")" -eq 1 ]; echo $?)
check "sweep, missing device: line should say skipped and why" \
	$(grep -q 'sweep: skipped: /nonexistent/kvm not present' "$tmp/out"; echo $?)
"$bench" live --sweep --device=/dev/null --out="$tmp/sweep.json" \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
check "sweep, non-KVM device: expected exit 0, got $rc" $([ $rc -eq 0 ]; echo $?)
check "sweep, non-KVM device: JSON should give the reason and no sweep" \
	$(grep -q '"skipped": ".*API version' "$tmp/sweep.json" &&
	  grep -q '"sweep": null' "$tmp/sweep.json"; echo $?)

# Bad input: exit 2, one line on stderr naming the option, no stdout.
bad() { # expected option name, arguments...
	name="$1"
	shift
	"$bench" live "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	check "$*: expected exit 2, got $rc" $([ $rc -eq 2 ]; echo $?)
	check "$*: expected one stderr line naming $name, got: $(cat "$tmp/err")" \
		$([ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "$name" "$tmp/err"; echo $?)
	check "$*: expected no stdout" $([ ! -s "$tmp/out" ]; echo $?)
}
bad --runs --runs=0
bad --runs --runs=x
bad --seconds --seconds=100
bad --inval-touch --inval-touch=maybe
bad --alias-distance --alias-distance=100
bad --runs --runs=30 --seconds=2
bad --slots --slots=3
bad --out --out=/nonexistent/dir/live.json
bad --mechanism --mechanism=madvise
bad --a-slots --a-slots=3
bad --runs --sweep --runs=17
bad --runs --sweep --runs=16 --seconds=5
bad --bogus --bogus
bad extra extra

"$bench" live --help >"$tmp/out" 2>&1
check "--help: expected exit 0" $?
check "--help: should list --inval-touch" \
	$(grep -q -- '--inval-touch' "$tmp/out"; echo $?)

[ $fail -eq 0 ] && echo "test_live_cli: ok"
exit $fail
