#!/usr/bin/env bash
# Prints the options a `bench` command's --help lists, one per line:
#   --name<TAB>accepted values
# normalised the way docs/options.md writes them:
#   integer LO..HI | number LO..HI | one of: a, b, c | 0, 1, true, false or no value | text
# Only opts_usage() lines count ("  --name[=KIND]  help..."); prose that
# mentions flags (stress's --benchmark_* pass-through) is not an option row.
# A choice list that is the tracker registry (model/trackers.def, in order)
# is written "(registered trackers)", so that adding a tracker needs no edit
# of docs/options.md.
#   help_options.sh BENCH [COMMAND [MODE-FLAG]]
set -u
bench=$1; shift
def=$(dirname "$0")/../../model/trackers.def
registry=$(sed -n 's/^TRACKER(\([a-z0-9_]*\))$/\1/p' "$def" | paste -sd, | sed 's/,/, /g')
"$bench" "$@" --help | awk -v registry="$registry" '
/^  --[a-z0-9-]+(=N|=X|=NAME|=TEXT|\[=0\|1\])?  +[^ ]/ {
	tok = $1
	name = tok; sub(/[=[].*/, "", name)
	kind = tok; sub(/^--[a-z0-9-]+/, "", kind)
	line = $0
	if (kind == "=N" || kind == "=X") {
		if (match(line, /\[[^][]*\.\.[^][]*\] \(default [^)]*\)$/)) {
			r = substr(line, RSTART + 1, RLENGTH)
			sub(/\].*/, "", r)
			acc = (kind == "=N" ? "integer " : "number ") r
		} else {
			acc = "?"
		}
	} else if (kind == "=NAME") {
		sub(/ \(default [^)]*\)$/, "", line)
		n = split(line, parts, ": ")
		acc = "one of: " parts[n]
		if (registry != "" && index(acc, "one of: " registry) == 1)
			acc = "one of: (registered trackers)" substr(acc, length("one of: " registry) + 1)
	} else if (kind == "[=0|1]") {
		acc = "0, 1, true, false or no value"
	} else {
		acc = "text"
	}
	printf "%s\t%s\n", name, acc
}'
