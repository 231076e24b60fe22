#!/usr/bin/env bash
# `bench sim` from the outside: bad input exits 2 with one message that
# names the offending item, and prints nothing on stdout; good input works.
set -u
bench=$1
. "$(dirname "$0")/lib.sh"

expect_bad "unknown command 'nosuch'" nosuch
expect_bad "--pattern: unknown value 'bogus'" sim --pattern=bogus
expect_bad "accepted: single, multislot" sim --pattern=bogus
expect_bad "--tracker: unknown value 'nope'" sim --tracker=nope
expect_bad "unknown option '--frobnicate'" sim --frobnicate=1
expect_bad "--vcpus: 'x' is not a number" sim --vcpus=x
expect_bad "--vcpus: '-1' is negative" sim --vcpus=-1
expect_bad "--vcpus: 0 is out of range" sim --vcpus=0
expect_bad "--invalidators: 9 is out of range" sim --invalidators=9
expect_bad "--slot-pages: 0 is out of range" sim --slot-pages=0
expect_bad "--alias-distance: 100 would make the slots overlap" sim --pattern=alias --alias-distance=100
expect_bad "--slots: only the multislot pattern" sim --pattern=single --slots=3
expect_bad "--hot-fraction: 1.5 is out of range" sim --hot-fraction=1.5
expect_bad "unexpected argument 'extra'" sim extra

out=$("$bench" sim --pattern=multislot --steps=50000 --json) && [[ "$out" == *'"trackers"'* ]] &&
	ok || ko "good sim run"
"$bench" sim --help | grep -q -- "--alias-distance" && ok || ko "sim --help lists options"
"$bench" --help | grep -q "sim" && ok || ko "bench --help lists commands"

# Same seed: byte-identical JSON apart from timing; another seed differs.
strip() { sed '/"timing"/,$d'; }
a=$("$bench" sim --pattern=mixed --steps=100000 --seed=5 --json | strip)
b=$("$bench" sim --pattern=mixed --steps=100000 --seed=5 --json | strip)
c=$("$bench" sim --pattern=mixed --steps=100000 --seed=6 --json | strip)
[ "$a" = "$b" ] && ok || ko "same seed differs"
[ "$a" != "$c" ] && ok || ko "other seed identical"

summary cli_sim
