# Shared by the shell tests of `bench` (source it after setting bench=):
# the pass/fail counters, one way to count a check, the bad-input idiom and
# the summary line, so that every script reports "NAME: N passed, M failed"
# and exits non-zero on any failure. $tmp is a scratch folder removed on exit.
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAILED: $*"; }

check() { # description, command...
	local what=$1; shift
	if "$@"; then ok; else ko "$what"; fi
}

# Bad input: `bench args...` exits 2, prints nothing on stdout and exactly
# one stderr line that contains needle.
expect_bad() { # needle, args...
	local needle=$1; shift
	local out err rc
	out=$("$bench" "$@" 2>"$tmp/err"); rc=$?
	err=$(cat "$tmp/err")
	if [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == *"$needle"* ]] &&
	   [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]; then
		ok
	else
		ko "bench $* -> rc $rc, stdout '${out:0:80}', stderr '$err' (wanted '$needle')"
	fi
}

# The registry, as tests must see it (never a list typed by hand, so that
# adding a tracker needs no test edit): names in model/trackers.def order,
# and those `bench sim --help` marks as kept to show a bug.
lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
registered_trackers() {
	registered_trackers_in "$lib_dir/.."
}
registered_trackers_in() { # SRC: the registry of another tree
	sed -n 's/^TRACKER(\([a-z0-9_]*\))$/\1/p' "$1/model/trackers.def"
}
registered_list() { # "hva, gfn, union, exact": the accepted-values form
	registered_trackers | paste -sd, | sed 's/,/, /g'
}
expected_unsafe_trackers() {
	"$bench" sim --help | sed -n 's/^  \([a-z0-9_]*\) .*\[expected unsafe.*/\1/p'
}
safe_trackers() {
	local unsafe; unsafe=$(expected_unsafe_trackers)
	registered_trackers | grep -vxF "$unsafe"
}

summary() { # name; the script's last command, so its status is the exit code
	echo "$1: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
