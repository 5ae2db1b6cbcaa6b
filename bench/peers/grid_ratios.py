#!/usr/bin/env python3
"""Joins AotNet and PyTorch grid runs into one markdown table of ratios (AotNet time / PyTorch time).

    python3 bench/peers/grid_ratios.py --aotnet a1.json [a2.json ...] --torch t1.json [t2.json ...]

The JSON files come from `aotnet-grid --json FILE` (or `AotNet.Bench --grid --json FILE`) and
`torch_grid.py --json FILE`. With several runs per side each cell shows the range of s/epoch over the runs
(min–max), and the ratio is computed from each side's fastest run (noise from a shared machine only adds time),
with the range of per-run ratios (run i against run i) after it when both sides have the same number of runs. A ratio below 1 means AotNet is faster.
A † marks a side whose fastest run had under 0.9 cores busy (starved by other load).
"bytes/step" is the most any AotNet run allocated per optimizer step (warm epochs, all threads).
"% of peak" is AotNet's best GFLOP/s over threads × the one-core Vector256 FMA peak of the AotNet runs (best run).
"""
import argparse
import json
import sys


def load(paths, tool):
    runs = []
    for path in paths:
        try:
            with open(path) as f:
                data = json.load(f)
        except (OSError, ValueError) as e:
            sys.exit(f"grid_ratios.py: cannot read {path}: {e}")
        if data.get("tool") != tool:
            sys.exit(f"grid_ratios.py: {path} is a '{data.get('tool')}' grid, expected '{tool}'")
        runs.append(data)
    return runs


def cells(runs):
    """(topology, batch, threads) -> list of s/epoch (one per run that measured it), GFLOP/s list."""
    out = {}
    for run in runs:
        for c in run["cells"]:
            entry = out.setdefault((c["topology"], c["batch"], c["threads"]),
                                   {"s": [], "gflops": [], "busy": [], "bytes": [], "skipped": None})
            if "skipped" in c:
                entry["skipped"] = c["skipped"]
            else:
                entry["s"].append(c["s_per_epoch"])
                entry["gflops"].append(c["gflops"])
                entry["busy"].append(c.get("cores_busy", float("nan")))
                if "bytes_per_step" in c:
                    entry["bytes"].append(c["bytes_per_step"])
    return out


def fmt(s):
    for limit, digits in ((100, 0), (10, 1), (1, 2), (0.1, 3), (0.01, 4)):
        if s >= limit:
            return f"{s:.{digits}f}"
    return f"{s:.5f}"


STARVED = 0.9


def span(entry):
    """min–max of s/epoch; † when the fastest run had under STARVED cores busy (other load took the machine)."""
    values = entry["s"]
    text = fmt(values[0]) if len(values) == 1 else f"{fmt(min(values))}–{fmt(max(values))}"
    busy = entry["busy"][values.index(min(values))]
    return text + (" †" if busy < STARVED else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--aotnet", nargs="+", required=True, metavar="JSON")
    ap.add_argument("--torch", nargs="+", required=True, metavar="JSON")
    args = ap.parse_args()
    aot_runs, torch_runs = load(args.aotnet, "aotnet"), load(args.torch, "pytorch")
    aot, pt = cells(aot_runs), cells(torch_runs)
    peaks = [r["fma_peak_gflops_vector256_1core"] for r in aot_runs if r.get("fma_peak_gflops_vector256_1core")]
    peak = max(peaks) if peaks else None
    titles = {}
    for run in aot_runs + torch_runs:
        for key, t in run["topologies"].items():
            titles.setdefault(key, t)
    order = list(dict.fromkeys(k for run in aot_runs for k in run["topologies"]))
    batches = sorted({b for (_, b, _) in aot})
    threads = sorted({t for (_, _, t) in aot})

    print(f"AotNet ({', '.join(sorted({r['runtime'] for r in aot_runs}))}; {len(aot_runs)} run(s): "
          f"{', '.join(r['utc'] for r in aot_runs)}) against {', '.join(sorted({r['runtime'] for r in torch_runs}))} "
          f"({len(torch_runs)} run(s): {', '.join(r['utc'] for r in torch_runs)}). "
          f"One-core FMA peak (Vector256): {'%.1f GFLOP/s' % peak if peak else 'not measured'}.")
    print()
    head = "| topology | batch |"
    rule = "|---|---:|"
    for t in threads:
        head += f" AotNet s/epoch, {t}T | PyTorch s/epoch, {t}T | AotNet / PyTorch, {t}T | AotNet GFLOP/s, {t}T (% of peak) | AotNet bytes/step, {t}T |"
        rule += "---:|---:|---:|---:|---:|"
    print(head)
    print(rule)
    for key in order:
        for b in batches:
            line = f"| {titles[key]['title']} | {b} |"
            for t in threads:
                a = aot.get((key, b, t))
                p = pt.get((key, b, t))
                a_s = a["s"] if a else []
                p_s = p["s"] if p else []
                line += f" {span(a) if a_s else ('skipped' if a and a['skipped'] else '–')} |"
                line += f" {span(p) if p_s else ('skipped' if p and p['skipped'] else '–')} |"
                if a_s and p_s:
                    ratio = min(a_s) / min(p_s)
                    per_run = [x / y for x, y in zip(a_s, p_s)]
                    extra = f" ({min(per_run):.3g}–{max(per_run):.3g})" if len(a_s) == len(p_s) > 1 else ""
                    line += f" **{ratio:.3g}**{extra} |"
                else:
                    line += " – |"
                if a and a["gflops"]:
                    g = max(a["gflops"])
                    line += f" {g:.1f}" + (f" ({100 * g / (t * peak):.0f} %)" if peak else "") + " |"
                else:
                    line += " – |"
                line += f" {max(a['bytes']):.0f} |" if a and a["bytes"] else " – |"
            print(line)
    print()
    print(f"† the fastest run of this cell had under {STARVED} cores busy (process CPU / wall): other processes took "
          "the machine, so the time is too long and its ratio is not to be trusted.")
    skipped = sorted({(k, b, t, v["skipped"]) for side in (aot, pt) for (k, b, t), v in side.items() if v["skipped"]},
                     key=lambda x: (order.index(x[0]) if x[0] in order else 99, x[1], x[2]))
    if skipped:
        print()
        print("Skipped in at least one run:")
        for reason in dict.fromkeys(r for *_, r in skipped):
            print(f"- {', '.join(f'{k} b{b} {t}T' for k, b, t, r in skipped if r == reason)}: {reason}")


if __name__ == "__main__":
    main()
