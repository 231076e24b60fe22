#!/usr/bin/env bash
# Prints the rows of docs/options.md, one per line, tab-separated:
#   section<TAB>option<TAB>accepted<TAB>bad example<TAB>message<TAB>status
# where section is the header after "## " ("bench sim", "bench explore
# --vs-spin"). Backticks are dropped; header and separator rows skipped.
#   doc_rows.sh DOC
set -u
awk '
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); gsub(/`/, "", s); return s }
/^## / { section = substr($0, 4); next }
/^\|/ && section ~ /^bench/ {
	n = split($0, c, "|")
	if (n < 7) next
	opt = trim(c[2])
	if (opt == "option" || opt ~ /^-+$/) next
	printf "%s\t%s\t%s\t%s\t%s\t%s\n", section, opt, trim(c[3]), trim(c[4]), trim(c[5]), trim(c[6])
}' "$1"
