#!/usr/bin/env bash
# docs/options.md against `bench ... --help`: every command has a section,
# every option --help lists has a row whose "accepted" cell starts with what
# --help says (normalised by help_options.sh), and every --option row names
# an option --help lists (Google Benchmark's --benchmark_* pass-through
# excepted where --help mentions it).
#   options_doc.sh BENCH DOC
set -u
bench=$1 doc=$2
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
rows=$("$here/doc_rows.sh" "$doc")
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAILED: $*"; }

commands=$("$bench" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }')
[ -n "$commands" ] || bad "bench --help lists no commands"
for c in $commands; do
	grep -qx "## bench $c" "$doc" && ok || bad "no section '## bench $c' in $doc"
done

while read -r section; do
	# shellcheck disable=SC2086 # "bench explore --vs-spin" -> explore --vs-spin
	words=${section#bench}
	help=$("$here/help_options.sh" "$bench" $words) || { bad "$section --help failed"; continue; }
	helptext=$("$bench" $words --help)
	sec_rows=$(printf '%s\n' "$rows" | awk -F'\t' -v s="$section" '$1 == s')
	while IFS=$'\t' read -r name acc; do
		[ -n "$name" ] || continue
		matches=$(printf '%s\n' "$sec_rows" | awk -F'\t' -v o="$name" '$2 == o { print $3 }')
		if [ -z "$matches" ]; then
			bad "$section: $name is in --help but has no row in $doc"
			continue
		fi
		while IFS= read -r cell; do
			case $cell in
			"$acc"|"$acc;"*) ok ;;
			*) bad "$section: $name: doc says '$cell', --help says '$acc'" ;;
			esac
		done <<<"$matches"
	done <<<"$help"
	while IFS=$'\t' read -r _ opt _; do
		case $opt in
		--benchmark_*)
			[[ $helptext == *--benchmark_* ]] && ok ||
				bad "$section: $opt row, but --help has no --benchmark_ pass-through" ;;
		--*)
			printf '%s\n' "$help" | cut -f1 | grep -qx -- "$opt" && ok ||
				bad "$section: $opt has a row in $doc but is not in --help" ;;
		esac
	done <<<"$sec_rows"
done < <(sed -n 's/^## \(bench.*\)$/\1/p' "$doc")

echo "options_doc: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
