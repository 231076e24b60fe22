#!/usr/bin/env bash
# The design space of retry trackers (docs/design-space.md), measured:
#   sim.csv    pattern,tracker,attempts,fp_range,fp_seq,fn,stale_sptes
#              bench sim on every pattern and with more invalidators (exact
#              counts, default seed and steps);
#   check.csv  tracker,check_ns,inflight1_ns,inflight2_ns,inflight4_ns
#              bench stress check/ and check_inflight/ in one run: CPU time
#              per check, median of 5 repetitions (CPU, not wall time: on a
#              loaded machine wall time measures preemption); same-run
#              figures, compare them as differences within the run;
#   design.csv tracker,check_ns,inflight2_ns,fp_range,pct_of_union,safe,pareto
#              fp_range summed over the target patterns (TARGETS);
#   design_space.{png,svg,txt}  check cost against spurious range retries,
#              the Pareto front of the safe trackers, union and exact marked;
#   table.txt  the per-pattern table docs/design-space.md quotes.
# Every registered tracker is included (the registry is the input).
#   tools/design_space.sh [OUT_DIR]       (default: ./design-space)
#   BENCH=path/to/bench tools/design_space.sh ...
#   REUSE=1 tools/design_space.sh OUT_DIR  redo the tables and the plot from
#                                          OUT_DIR's sim.csv and check.json
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH:-$here/../build/bench}
out=${1:-design-space}
mkdir -p "$out"

TARGETS="alias concurrent mixed alias+inv3"
patterns=("alias" "concurrent" "mixed" "alias --invalidators=3"
	  "multislot" "private" "numa" "single"
	  "alias --invalidators=8" "concurrent --invalidators=8"
	  "mixed --invalidators=4")
label() { sed 's/ --invalidators=/+inv/' <<<"$1"; }

[ "${REUSE:-0}" = 1 ] || echo "pattern,tracker,attempts,fp_range,fp_seq,fn,stale_sptes" >"$out/sim.csv"
for p in "${patterns[@]}"; do
	[ "${REUSE:-0}" = 1 ] && break
	echo "design_space: bench sim --pattern=$p" >&2
	# shellcheck disable=SC2086 # the pattern's extra options split on purpose
	"$bench" sim --pattern=$p | awk -v p="$(label "$p")" '
		$1 == "tracker" { on = 1; next }
		on && NF >= 14 && $2 ~ /^[0-9]+$/ {
			# tracker attempts faults retries r_range r_seq r_early tp fp_range fp_seq fn stale
			printf "%s,%s,%s,%s,%s,%s,%s\n", p, $1, $2, $9, $10, $11, $12
		}' >>"$out/sim.csv"
done

[ "${REUSE:-0}" = 1 ] || echo "design_space: bench stress check/ and check_inflight/ (5 repetitions)" >&2
[ "${REUSE:-0}" = 1 ] || "$bench" stress --benchmark_filter='^check(_inflight)?/' \
	--benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
	--benchmark_out="$out/check.json" --benchmark_out_format=json >/dev/null
awk '
	/"name":/ { gsub(/[",]/, "", $2); name = $2 }
	/"cpu_time":/ { gsub(/,/, "", $2); if (name ~ /_median$/) t[name] = $2 }
	END {
		for (n in t) {
			split(n, a, "/"); tr = a[2]; sub(/_median$/, "", tr)
			if (a[1] == "check") c[tr] = t[n]
			else { k = a[3]; sub(/_median$/, "", k); sub(/invals:/, "", k); i[tr, k] = t[n] }
			seen[tr] = 1
		}
		print "tracker,check_ns,inflight1_ns,inflight2_ns,inflight4_ns"
		for (tr in seen)
			printf "%s,%.3f,%.3f,%.3f,%.3f\n", tr, c[tr], i[tr, 1], i[tr, 2], i[tr, 4]
	}' "$out/check.json" | { read -r h; echo "$h"; sort; } >"$out/check.csv"

# design.csv: one row per tracker, with the Pareto front of the safe ones
# (no other safe tracker is at least as cheap and as precise, and better in
# one).
awk -F, -v targets="$TARGETS" '
	BEGIN { n = split(targets, tg, " "); for (k = 1; k <= n; k++) want[tg[k]] = 1 }
	FNR == 1 { next }
	FILENAME ~ /sim.csv$/ {
		if (!($2 in order)) { order[$2] = ++nt; names[nt] = $2 }
		if ($6 > 0 || $7 > 0) unsafe[$2] = 1
		if ($1 in want) fp[$2] += $4
		next
	}
	{ chk[$1] = $2; inf[$1] = $4 }
	END {
		print "tracker,check_ns,inflight2_ns,fp_range,pct_of_union,safe,pareto"
		for (a = 1; a <= nt; a++) {
			t = names[a]; dom = 0
			for (b = 1; b <= nt && !unsafe[t]; b++) {
				u = names[b]
				if (u == t || unsafe[u] || !(u in chk)) continue
				if (inf[u] <= inf[t] && fp[u] <= fp[t] &&
				    (inf[u] < inf[t] || fp[u] < fp[t])) dom = 1
			}
			printf "%s,%s,%s,%d,%.2f,%d,%d\n", t, chk[t], inf[t], fp[t],
			       fp["union"] ? 100 * fp[t] / fp["union"] : 0, !unsafe[t],
			       !unsafe[t] && !dom
		}
	}' "$out/sim.csv" "$out/check.csv" >"$out/design.csv"

# table.txt: fp_range per pattern and tracker, with the share of union's.
awk -F, '
	FNR == 1 { next }
	{ if (!($2 in col)) { col[$2] = ++nc; tn[nc] = $2 }
	  if (!($1 in row)) { row[$1] = ++nr; pn[nr] = $1 }
	  v[$1, $2] = $4; bad[$1, $2] = ($6 > 0 || $7 > 0) }
	END {
		w = 12
		printf "%-16s", "fp_range"; for (c = 1; c <= nc; c++) printf " %*s", w + 7, tn[c]; print ""
		for (r = 1; r <= nr; r++) {
			p = pn[r]; printf "%-16s", p
			for (c = 1; c <= nc; c++) {
				t = tn[c]; u = v[p, "union"]
				cell = sprintf("%d", v[p, t])
				if (bad[p, t]) cell = cell " UNSAFE"
				else if (u > 0) cell = cell sprintf(" (%3.0f%%)", 100 * v[p, t] / u)
				printf " %*s", w + 7, cell
			}
			print ""
		}
	}' "$out/sim.csv" >"$out/table.txt"
{ echo; echo "check cost, CPU ns per check (median of 5, one run):"; column -t -s, "$out/check.csv"; echo
  echo "design space (fp_range summed over: $TARGETS):"; column -t -s, "$out/design.csv"; } >>"$out/table.txt"

# The front as a line: its points in order of cost.
awk -F, 'NR > 1 && $7 == 1 { print $3 "," $5 }' "$out/design.csv" | sort -t, -g >"$out/front.dat"
gnuplot -e "f='$out/design.csv'; out='$out'" "$here/design_space.gp"
cat "$out/table.txt"
