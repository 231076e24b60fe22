#!/usr/bin/env bash
# Every command the docs show, run as written, in the state a newcomer has
# after the README's two commands (a build, then `./build/bench`): its exit
# status and the line the text promises. The commands are read from the
# docs (4-space-indented lines that start with a command, and ```sh
# blocks, each block one example), so a new example without an entry in
# the table below fails, and so does an entry whose example is gone.
# Examples whose comment says "needs /dev/kvm" are skipped, with that
# reason, where /dev/kvm cannot be opened.
#   docs_examples.sh SRC BUILD SCRATCH
set -u
src=$1 build=$2 scratch=$3
fail=0 ran=0 skipped=0
rm -rf "$scratch" && mkdir -p "$scratch/cwd"
# The working folder mirrors the repository (symlinks), with build/ the
# tree under test: commands run exactly as written, and files they write
# in the current folder (a.json) stay out of the source tree.
for e in "$src"/* "$src"/.ci; do
	[ "$(basename "$e")" = build ] || ln -s "$e" "$scratch/cwd/$(basename "$e")"
done
ln -s "$build" "$scratch/cwd/build"

# Expected exit status and promised line (extended regex, on stdout and
# stderr together) of each example; "skip: REASON" for the ones not run.
expectations() {
	cat <<'T'
tools/deps.sh && cmake -S . -B build && cmake --build build -j2 && ./build/bench	0	^== Summary of .*/results/
tools/deps.sh && cmake -S . -B build -DWERROR=ON && cmake --build build -j2 && ctest --test-dir build --output-on-failure	skip: the command that runs this test
./build/bench sim --pattern=multislot	0	^UNSAFE: gfn missed [0-9]+ invalidations
./build/bench explore --scenario=multislot	0	locked check: install \(STALE\)
./build/bench explore --vs-spin --scenario=multislot	0	^the checkers agree on every row
./build/bench explore --scenario-file=scenarios/alias.scn	0	^  union +on +[0-9]+ +[0-9]+
./build/bench explore --scenario-file=scenarios/large/storm.scn --tracker=union --reduce=on	0	reduce=on: [0-9]+ of [0-9]+ states expanded fully
./build/bench sim --pattern=alias --alias-distance=65536	0	^union +[0-9]+ +[0-9]+
./build/bench sim --vm=q35 --source=numa	0	^  union +[0-9]+ +[0-9]+
./build/bench icount	0	^check/union +[0-9]+ +[0-9.]+ +check$
./build/bench --benchmark_filter='^check/'	0	^check/union +[0-9.]+ ns
./build/bench live	0	aliased
./build/bench run --quick && ./build/bench compare results/baseline results/latest	0	compared: no regression$
./build/bench compare --update-baseline	skip: rewrites the committed results/baseline (report_cli_compare runs it on a scratch baseline)
./build/bench stress	skip: the default ./build/bench above ran this suite as its stress stage (about a minute; CI's 20 minutes have no room for it twice)
./build/bench stress --quick	0	^stress/mixed/exact/threads:1 
./build/bench stress --quick --preempt	0	^stress/mixed/exact/threads:1 
./build/bench stress --quick --placement=compact --threads=1,2,8	0	^stress/mixed/exact/threads:8 
./build/bench stress --benchmark_filter='^stress/alias/' --benchmark_out=a.json --benchmark_out_format=json	0	^stress/alias/union/threads:2 
T
}

# Examples in doc order: README.md, docs/*.md, then the folders' READMEs.
# One per line; a ```sh block becomes "#spin-by-hand"-style keys from the
# folder name, its text saved apart.
list_examples() {
	for f in README.md docs/*.md */README.md; do
		awk -v file="$f" -v dir="$scratch" '
		/^```sh/ { blk = 1; n++; body = ""; next }
		blk && /^```/ { blk = 0; key = "#" substr(file, 1, index(file, "/") - 1) "-by-hand";
			print body > (dir "/" substr(key, 2) ".sh"); close(dir "/" substr(key, 2) ".sh");
			print file "\t" key; next }
		blk { body = body $0 "\n"; next }
		/^```/ { fence = !fence; next }
		!fence && /^    [^ |]/ {
			line = substr($0, 5)
			if (line ~ /^(\.\/|bench |tools\/|cmake |ctest |spin )/) print file "\t" line
		}' "$f"
	done
}

strip_comment() { # a line without its trailing "  # comment"
	sed -E 's/[[:space:]]+#[^'"'"']*$//' <<<"$1"
}

cd "$scratch/cwd" || exit 1
examples=$(list_examples)
table=$(expectations)
declare -A seen
while IFS=$'\t' read -r file line; do
	[ -n "$file" ] || continue
	cmd=$(strip_comment "$line")
	[[ $line == "#"* ]] && cmd=$line
	seen[$cmd]=1
	row=$(awk -F'\t' -v c="$cmd" '$1 == c' <<<"$table")
	if [ -z "$row" ]; then
		echo "FAIL: $file: '$cmd' has no entry in tests/docs_examples.sh"
		fail=1
		continue
	fi
	want=$(cut -f2 <<<"$row") promise=$(cut -f3 <<<"$row")
	if [[ $want == skip:* ]]; then
		echo "SKIP  $file: $cmd (${want#skip: })"
		skipped=$((skipped + 1))
		continue
	fi
	if [[ $line == *"needs /dev/kvm"* ]] && ! [ -r /dev/kvm -a -w /dev/kvm ]; then
		echo "SKIP  $file: $cmd (needs /dev/kvm, which this machine lacks)"
		skipped=$((skipped + 1))
		continue
	fi
	run=$cmd
	# The README's first command: the build is the one under test; the
	# newcomer's state starts with its last part, the default run.
	[[ $cmd == "tools/deps.sh && cmake -S . -B build && "* ]] && run=${cmd##*&& }
	start=$SECONDS
	if [[ $cmd == "#"* ]]; then
		(bash -e "$scratch/${cmd#\#}.sh") >"$scratch/out" 2>&1
	else
		(eval "$run") >"$scratch/out" 2>&1
	fi
	rc=$?
	got=$(grep -E -m1 -- "$promise" "$scratch/out")
	ran=$((ran + 1))
	if [ "$rc" = "$want" ] && [ -n "$got" ]; then
		echo "ok    $file: $cmd -> exit $rc ($((SECONDS - start)) s): $got"
	else
		echo "FAIL  $file: $cmd -> exit $rc (want $want), promised line /$promise/ ${got:+found}${got:-not found}"
		tail -15 "$scratch/out"
		fail=1
	fi
done <<<"$examples"
while IFS=$'\t' read -r cmd _; do
	[ -n "$cmd" ] && [ -z "${seen[$cmd]:-}" ] && {
		echo "FAIL: tests/docs_examples.sh lists '$cmd', which no doc shows"
		fail=1
	}
done <<<"$table"
echo "docs_examples: $ran run, $skipped skipped, $([ $fail = 0 ] && echo "all as promised" || echo FAILED)"
exit $fail
