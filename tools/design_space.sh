#!/usr/bin/env bash
# The design space of retry trackers (docs/design-space.md), measured. Every
# registered tracker is included (the registry is the input). Writes to
# OUT_DIR:
#   sim.csv     pattern,tracker,attempts,fp_range,fp_seq,fn,stale_sptes
#               bench sim on every pattern and with more invalidators (exact
#               counts, default seed and steps);
#   vm.csv      vm,tracker,fp,fp_over_exact,fn: bench sim --vm=PRESET, every
#               source summed; fp_over_exact is the range share (exact never
#               retries on a range), so union's "range false positives" there;
#   check.csv   tracker,check_ns,inflight1_ns,inflight2_ns,inflight4_ns,
#               check_instr,inflight_instr
#               bench stress check/ and check_inflight/ in ONE run: CPU time
#               per check, median of 5 repetitions (CPU, not wall time: on a
#               loaded machine wall time measures preemption); compare them
#               as differences within the run. Instructions per check from
#               bench icount (exact, check_inflight at 2 in flight);
#   stress.csv  pattern,tracker,faults_per_s,fp_range: bench stress on
#               alias, concurrent and mixed, 2 vCPU threads, in one run;
#   design.csv  tracker,check_ns,inflight2_ns,fp_range,pct_of_union,safe,
#               pareto: fp_range summed over the target patterns (TARGETS);
#   design_space.{png,svg,txt}  spurious range retries against the check's
#               cost with invalidations in flight, the Pareto front of the
#               safe trackers, union and exact marked;
#   table.txt   the tables docs/design-space.md quotes.
#   tools/design_space.sh [OUT_DIR]       (default: ./design-space)
#   BENCH=path/to/bench tools/design_space.sh ...
#   REUSE=1 tools/design_space.sh OUT_DIR  redo the tables and the plot from
#                                          OUT_DIR's measurements
#   QUICK=1 tools/design_space.sh OUT_DIR  two patterns, one preset, short
#                                          timings: the pipeline, not figures
#                                          to quote (tests/design_space.sh)
# About 2 minutes on 2 cores (QUICK: about 20 s).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bench=${BENCH:-$here/../build/bench}
out=${1:-design-space}
reuse=${REUSE:-0}
quick=${QUICK:-0}
mkdir -p "$out"

TARGETS="alias concurrent mixed alias+inv3 multislot private numa single"
patterns=("alias" "concurrent" "mixed" "alias --invalidators=3"
	  "multislot" "private" "numa" "single"
	  "alias --invalidators=8" "concurrent --invalidators=8"
	  "mixed --invalidators=4")
vms=(q35 vga-alias)
reps=5
timing=()
if [ "$quick" = 1 ]; then
	patterns=("alias" "multislot")
	vms=(q35)
	reps=2
	timing=(--benchmark_min_time=0.01)
fi
label() { sed 's/ --invalidators=/+inv/' <<<"$1"; }

if [ "$reuse" != 1 ]; then
	echo "pattern,tracker,attempts,fp_range,fp_seq,fn,stale_sptes" >"$out/sim.csv"
	for p in "${patterns[@]}"; do
		echo "design_space: bench sim --pattern=$p" >&2
		# shellcheck disable=SC2086 # the pattern's extra options split on purpose
		"$bench" sim --pattern=$p | awk -v p="$(label "$p")" '
			$1 == "tracker" { on = 1; next }
			on && NF >= 14 && $2 ~ /^[0-9]+$/ {
				# tracker attempts faults retries r_range r_seq r_early tp fp_range fp_seq fn stale
				printf "%s,%s,%s,%s,%s,%s,%s\n", p, $1, $2, $9, $10, $11, $12
			}' >>"$out/sim.csv"
	done
	for v in "${vms[@]}"; do
		echo "design_space: bench sim --vm=$v" >&2
		"$bench" sim --vm="$v" --json >"$out/vm-$v.json"
	done
	echo "design_space: bench stress check/ and check_inflight/ ($reps repetitions)" >&2
	"$bench" stress --benchmark_filter='^check(_inflight)?/' "${timing[@]}" \
		--benchmark_repetitions=$reps --benchmark_report_aggregates_only=true \
		--benchmark_out="$out/check.json" --benchmark_out_format=json >/dev/null
	echo "design_space: bench icount" >&2
	"$bench" icount --json >"$out/icount.json"
	echo "design_space: bench stress on alias, concurrent, mixed (2 vCPU threads)" >&2
	"$bench" stress --threads=2 --benchmark_filter='^stress/(alias|concurrent|mixed)/' "${timing[@]}" \
		--benchmark_out="$out/stress.json" --benchmark_out_format=json >/dev/null
fi

python3 - "$out" "${vms[@]}" <<'EOF'
import json, sys
out, vms = sys.argv[1], sys.argv[2:]
with open(f"{out}/vm.csv", "w") as f:
    f.write("vm,tracker,fp,fp_over_exact,fn\n")
    for v in vms:
        d = json.load(open(f"{out}/vm-{v}.json"))
        tot = {}
        for s in d["sources"].values():
            for t, r in s["trackers"].items():
                a = tot.setdefault(t, [0, 0])
                a[0] += r["fp"]; a[1] += r["fn"]
        for t, (fp, fn) in tot.items():
            f.write(f"{v},{t},{fp},{fp - tot['exact'][0]},{fn}\n")
chk = {}
for b in json.load(open(f"{out}/check.json"))["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    parts = b["run_name"].split("/")
    col = "check_ns" if parts[0] == "check" else "inflight%s_ns" % parts[2].split(":")[1]
    chk.setdefault(parts[1], {})[col] = b["cpu_time"]
for b in json.load(open(f"{out}/icount.json"))["icount"]["benchmarks"]:
    kind, t = b["name"].split("/")[:2]
    if kind in ("check", "check_inflight") and t in chk:
        chk[t]["check_instr" if kind == "check" else "inflight_instr"] = b["instructions_per_op"]
cols = ["check_ns", "inflight1_ns", "inflight2_ns", "inflight4_ns", "check_instr", "inflight_instr"]
with open(f"{out}/check.csv", "w") as f:
    f.write("tracker," + ",".join(cols) + "\n")
    for t, r in chk.items():
        f.write(t + "," + ",".join("%.3f" % r.get(c, float("nan")) for c in cols) + "\n")
with open(f"{out}/stress.csv", "w") as f:
    f.write("pattern,tracker,faults_per_s,fp_range\n")
    for b in json.load(open(f"{out}/stress.json"))["benchmarks"]:
        if b.get("run_type") == "iteration":
            _, p, t, _ = b["name"].split("/")
            f.write(f"{p},{t},{b['faults_per_s']:.0f},{b['fp_range']:.0f}\n")
EOF

# design.csv: one row per tracker, with the Pareto front of the safe ones
# (no other safe tracker is at least as cheap and as precise, and better in
# one). exact is an instrument (unbounded state, not a proposal): drawn as
# a reference, neither on the front nor dominating anything.
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
				if (u == t || unsafe[u] || u == "exact" || !(u in chk)) continue
				if (inf[u] <= inf[t] && fp[u] <= fp[t] &&
				    (inf[u] < inf[t] || fp[u] < fp[t])) dom = 1
			}
			printf "%s,%s,%s,%d,%.2f,%d,%d\n", t, chk[t], inf[t], fp[t],
			       fp["union"] ? 100 * fp[t] / fp["union"] : 0, !unsafe[t],
			       !unsafe[t] && !dom && t != "exact"
		}
	}' "$out/sim.csv" "$out/check.csv" >"$out/design.csv"

# table.txt: fp_range per pattern and tracker, with the share of union's;
# then the VM presets, the check's cost, stress throughput, the design rows.
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
{ echo; echo "VM presets, every source summed (fp over exact = range false positives):"
  column -t -s, "$out/vm.csv"
  echo; echo "check cost, CPU ns per check (median of 5, one run), instructions per check (bench icount):"
  column -t -s, "$out/check.csv"
  echo; echo "stress, 2 vCPU threads, one run:"; column -t -s, "$out/stress.csv"
  echo; echo "design space (fp_range summed over: $TARGETS):"; column -t -s, "$out/design.csv"; } >>"$out/table.txt"

# The front as a line: its points in order of cost.
awk -F, 'NR > 1 && $7 == 1 { print $3 "," $5 }' "$out/design.csv" | sort -t, -g >"$out/front.dat"
gnuplot -e "f='$out/design.csv'; out='$out'" "$here/design_space.gp"
cat "$out/table.txt"
