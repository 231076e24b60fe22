#!/usr/bin/env python3
"""The spread the gate's thresholds are chosen from: N complete runs of one
unchanged commit (`bench run --quick`, one after another), per metric the
largest move between any two of them (max/min - 1), which is the worst that
`bench compare` can see between a baseline and a new run of that commit.

    tools/gate_spread.py RUN_DIR...

Prints, per family, the worst spread of:
  instructions per op (icount.json), exact
  same-run cpu_time ratios (check/X / check/nop, ..., stress.json)
  absolute cpu_time and real_time medians (stress.json), for comparison
A developer's tool (report/README.md, "Thresholds"); not run by CI."""
import json
import statistics
import sys

# As report/gate/compare_gbench.c: families over their floors, then the
# cross-family floors, and the machine's bare lock in neither.
FAMILIES = [("check/", "check/nop"), ("check_inflight/", "check_inflight/nop"),
            ("path/", "path/nop"), ("sim/", "sim/nop")]
CROSS = [("path/nop", "check/nop")]
EXCLUDED = {"path/rwlock"}


def medians(run, key):
    reps = {}
    for b in json.load(open(run + "/stress.json"))["benchmarks"]:
        if b.get("run_type") == "aggregate":
            continue
        reps.setdefault(b.get("run_name", b["name"]), []).append(b[key])
    return {k: statistics.median(v) for k, v in reps.items()}


def spread(values):
    return max(values) / min(values) - 1 if min(values) > 0 else float("inf")


def main(runs):
    ic = {}
    for r in runs:
        for b in json.load(open(r + "/icount.json"))["icount"]["benchmarks"]:
            ic.setdefault(b["name"], []).append(b["instructions_per_op"])
    print(f"{len(runs)} runs")
    worst = max(ic, key=lambda k: spread(ic[k]))
    print(f"instructions per op: {len(ic)} benchmarks, worst spread "
          f"{100 * spread(ic[worst]):.4f}% ({worst})")
    cpu = [medians(r, "cpu_time") for r in runs]
    real = [medians(r, "real_time") for r in runs]
    all_ratio = []
    for prefix, floor in FAMILIES:
        rows = []
        for name in sorted(cpu[0]):
            if (not name.startswith(prefix) or name == floor or
                    name in EXCLUDED or "/" in name[len(prefix):]):
                continue
            q = [c[name] / c[floor] for c in cpu]
            rows.append((spread(q), name, min(q), max(q)))
        if not rows:
            continue
        all_ratio += [r[0] for r in rows]
        s, name, lo, hi = max(rows)
        print(f"ratio {prefix}X / {floor} (cpu_time): worst spread "
              f"{100 * s:.0f}% ({name}: {lo:.3g}..{hi:.3g}); per tracker: " +
              ", ".join(f"{n[len(prefix):]} {100 * v:.0f}%" for v, n, _, _ in rows))
    for name, floor in CROSS:
        q = [c[name] / c[floor] for c in cpu]
        all_ratio.append(spread(q))
        print(f"ratio {name} / {floor} (cpu_time): spread "
              f"{100 * spread(q):.0f}% ({min(q):.3g}..{max(q):.3g})")
    for label, m in (("cpu_time", cpu), ("real_time", real)):
        sp = sorted((spread([x[n] for x in m]), n) for n in m[0])
        micro = [v for v, n in sp if not n.startswith(("stress/", "shim/"))]
        print(f"absolute {label} medians: worst spread {100 * sp[-1][0]:.0f}% "
              f"({sp[-1][1]}); check/path/sim worst {100 * max(micro):.0f}%")
    print(f"worst same-run ratio spread over all families: "
          f"{100 * max(all_ratio):.0f}%")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: tools/gate_spread.py RUN_DIR RUN_DIR...")
    main(sys.argv[1:])
