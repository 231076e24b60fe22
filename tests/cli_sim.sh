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

# Real VMs: unknown preset or source, a source that cannot apply, a RAM
# size the preset does not take or its layout does not fit, and options
# that belong to patterns.
expect_bad "--vm: unknown preset 'nope'" sim --vm=nope
expect_bad "accepted: cvm, firecracker, pc, q35" sim --vm=nope
expect_bad "--source: unknown source 'nope'" sim --vm=q35 --source=nope
expect_bad "--source: unknown source 'nope'" sim --vm=q35 --source=ksm,nope
expect_bad "--source: gmem-convert cannot apply to preset q35" sim --vm=q35 --source=gmem-convert
expect_bad "no private (guest_memfd) memory" sim --vm=q35 --source=gmem-convert
expect_bad "--source: ksm cannot apply to preset cvm" sim --vm=cvm --source=ksm
expect_bad "--source: memslot-delete cannot apply to preset firecracker" sim --vm=firecracker --source=memslot-delete
expect_bad "--vm-ram: 512M does not fit preset virtio-mem; accepted: 3G..512G" sim --vm=virtio-mem --vm-ram=512M
expect_bad "does not fit preset q35: slot below4g" sim --vm=q35 --vm-ram=16M
expect_bad "--steps: not used with --vm" sim --vm=q35 --steps=5
expect_bad "--slot-pages: not used with --vm" sim --vm=pc --slot-pages=8

out=$("$bench" sim --vm=firecracker --vm-ram=256M --source=numa --invals=5 --json 2>/dev/null) &&
	[[ "$out" == *'"missed_per_hour"'* && "$out" == *'"fault_source": "default:'* ]] &&
	ok || ko "good sim --vm run"
# A skipped live probe leaves the documented defaults, and says so.
printf '{"skipped": "cannot open /dev/kvm"}\n' >"$tmp/live.json"
out=$("$bench" sim --vm=firecracker --vm-ram=256M --source=ksm --invals=5 --calibration="$tmp/live.json" 2>/dev/null)
[[ "$out" == *"live probe skipped: cannot open /dev/kvm"* ]] && ok || ko "skipped calibration"
printf '{"timing": {"fault_us": 3.5}}\n' >"$tmp/live.json"
out=$("$bench" sim --vm=firecracker --vm-ram=256M --source=ksm --invals=5 --calibration="$tmp/live.json" 2>/dev/null)
[[ "$out" == *"fault: 3.50 us (bench live on this host"* && "$out" == *"one step: 0.438 us"* ]] &&
	ok || ko "calibration from live.json"
# bench live --sweep: the fitted step (0.2 of a fault: lookup 1 step).
out=$("$bench" sim --vm=firecracker --vm-ram=256M --source=ksm --invals=5 \
	--calibration="$(dirname "$0")/../report/tests/fixtures/live_sweep/live.json" 2>/dev/null)
[[ "$out" == *"fault: 8.00 us (bench live --sweep on this host"* && "$out" == *"one step: 1.600 us (fault / 5 steps)"* ]] &&
	ok || ko "calibration from a live sweep"

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
