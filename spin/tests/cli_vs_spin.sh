#!/usr/bin/env bash
# `bench explore --vs-spin` from the outside: on multislot the two checkers
# agree (gfn violates in both, with the same schedule; hva and union are
# safe in both), and bad input exits 2 with one message and no output.
# Exits 77 (skipped) when spin is missing or --vs-spin is not wired into
# bench/cmd_explore.c yet.
set -u
bench=$1
. "$(dirname "$0")/../../tests/lib.sh"

count() { grep -c -- "$1" <<<"$2"; }

if ! command -v spin >/dev/null || ! command -v gcc >/dev/null; then
	echo "SKIP: spin or gcc not installed"; exit 77
fi
"$bench" explore --vs-spin --help >/dev/null 2>"$tmp/err"
if [ $? -eq 2 ] && grep -q "vs-spin" "$tmp/err"; then
	echo "SKIP: bench explore does not accept --vs-spin yet"; exit 77
fi

out=$("$bench" explore --vs-spin --scenario=multislot --early-check=on --json 2>"$tmp/err"); rc=$?
json=$out
if [ "$rc" -eq 0 ]; then ok; else ko "multislot: rc $rc, stderr $(cat "$tmp/err")"; fi
# Rows hva, gfn, union: only gfn violates, in both checkers.
n=$(count '"violation": true' "$out")
[ "$n" -eq 2 ] && ok || ko "expected 2 violations (explore + spin, gfn), got $n"
n=$(count '"agree": false' "$out")
[ "$n" -eq 0 ] && ok || ko "expected no disagreement, got $n"
n=$(count '"trail": "same"' "$out")
[ "$n" -eq 1 ] && ok || ko "expected gfn's two counterexamples to be the same schedule, got $n rows"
grep -q 'range=\[2,3), truly stale' <<<"$out" && ok ||
	ko "spin's counterexample lacks the locked check against range [2,3)"

# Every registered tracker has a row (in $json, the multislot run above);
# one without a Promela model is explored only, and the table names the
# file that would add it (cheap: no spin run for such a tracker).
spin_dir=$(dirname "$0")/../model/trackers
for t in $(registered_trackers); do
	rows=$(grep -c "\"tracker\": \"$t\"" <<<"$json")
	if [ -f "$spin_dir/$t.pml" ]; then
		[ "$rows" -eq 1 ] && ok || ko "$t: $rows rows in the multislot JSON"
	else
		grep -q "\"spin_model_missing\": \"spin/model/trackers/$t.pml\"" <<<"$json" &&
			ok || ko "$t: JSON does not name its missing model"
		out=$("$bench" explore --vs-spin --scenario=multislot --tracker="$t" --early-check=on); rc=$?
		[ "$rc" -eq 0 ] && grep -Eq "^multislot +$t +on .*no spin model" <<<"$out" &&
			grep -q "no spin model: $t (to compare it, add spin/model/trackers/$t.pml" <<<"$out" &&
			ok || ko "$t: rc $rc, not shown as 'no spin model' with its file"
	fi
done

out=$("$bench" explore --vs-spin --scenario=nope 2>"$tmp/err"); rc=$?
err=$(cat "$tmp/err")
if [ "$rc" -eq 2 ] && [ -z "$out" ] && [[ "$err" == *"accepted: alias, concurrent, gfn_zap, gmem, multislot, nested, overflow, overflow-private, private, private-nohva, smm, yield, all"* ]]; then ok
else ko "--scenario=nope: rc $rc, stdout '${out:0:60}', stderr '$err'"; fi

# --atomic-walks reaches spin: yield.scn's walk becomes one lock hold in
# both checkers (fewer states in each than with its yield=1), and gfn still
# misses in both (its last-slot range leaves slot 0 out).
y=$("$bench" explore --vs-spin --scenario=yield --tracker=gfn --early-check=off --json 2>"$tmp/err")
a=$("$bench" explore --vs-spin --scenario=yield --tracker=gfn --early-check=off --atomic-walks --json 2>"$tmp/err"); rc=$?
states() { grep -o '"states[a-z_]*": [0-9]*' <<<"$1" | tr '\n' ' '; }
[ "$rc" -eq 0 ] && [ "$(count '"violation": true' "$a")" -eq 2 ] &&
	[ "$(states "$a")" != "$(states "$y")" ] && ok ||
	ko "--atomic-walks: rc $rc, states '$(states "$a")' vs '$(states "$y")', stderr $(cat "$tmp/err")"

# A user's scenario file drives both checkers: a gfn zap beside a notifier
# in two address spaces (worlds the hand-written Promela never had), and
# the explorer reduced.
cat >"$tmp/user.scn" <<'SCN'
address-spaces 2
slot as=0 gfn=[0,2) hva=[0,2)
slot as=0 gfn=[2,4) hva=[2,4)
slot as=1 gfn=[2,4) hva=[2,4)
fault vcpu0 gfn=1
fault vcpu1 as=1 gfn=2
notifier inval0 hva=[1,3)
zap inval1 gfn=[0,2)
SCN
out=$("$bench" explore --vs-spin --scenario-file="$tmp/user.scn" --early-check=on --reduce=on --json 2>"$tmp/err"); rc=$?
n=$(count '"agree": true' "$out")
# one row per registered tracker (one without a model agrees when the
# explorer completes), and the overall verdict
want=$(( $(registered_trackers | wc -l) + 1 ))
[ "$rc" -eq 0 ] && [ "$n" -eq "$want" ] && ok || ko "user scenario: rc $rc, $n agreeing rows, stderr $(cat "$tmp/err")"
# Each tracker's two verdicts: gfn misses (as1's slot is walked last), in both.
n=$(count '"violation": true' "$out")
[ "$n" -eq 2 ] && ok || ko "user scenario: expected gfn's violation in both checkers, got $n"

printf 'slot gfn=[0,2) hva=[0,2)\nfault vcpu0 gfn=1\nnotifier inval0 hva=[0,2) phase2=2\n' >"$tmp/p2.scn"
"$bench" explore --vs-spin --scenario-file="$tmp/p2.scn" --tracker=union >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" -eq 1 ] && grep -q "spin's model has one-step phases only" "$tmp/err" && ok ||
	ko "phase2=2 under spin: rc $rc, $(cat "$tmp/err")"

# --keep-dir: the row's work directory is named on stderr and holds what
# spin/README.md's by-hand recipe starts from; the table is unchanged.
"$bench" explore --vs-spin --scenario=multislot --tracker=union --early-check=on \
	--keep-dir >"$tmp/out" 2>"$tmp/err"; rc=$?
kept=$(sed -n "s/.*spin's work directory kept: //p" "$tmp/err")
[ "$rc" -eq 0 ] && [ -n "$kept" ] && [ -s "$kept/model.pml" ] && [ -s "$kept/pan.out" ] &&
	grep -Eq "^multislot +union +on " "$tmp/out" && ok ||
	ko "--keep-dir: rc $rc, kept '$kept', stderr $(cat "$tmp/err")"
case $kept in /tmp/*) rm -rf "$kept" ;; esac

summary cli_vs_spin
