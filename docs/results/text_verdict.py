#!/usr/bin/env python3
"""The tables of a language-model or translation sweep (results.csv with a seed column), without the Java code:

1. per method and λ, the mean ± sd over seeds of the held-out main and domain bits per byte (and the domain chrF of
   a translation sweep);
2. per method, "the domain at no cost to the main task": for each seed, the lowest held-out domain loss among the
   method's runs whose held-out main loss is at most plain training's of that seed (mixed at λ = 0; Bloop and the
   barrier are the same run there, PCGrad's differs), the gain over plain training, and that run's λ — the bilevel reading of the paper's claim (pursue the
   auxiliary loss only where the main one does not suffer);
3. per method, the lowest held-out main loss over λ (mean over seeds of each seed's best) and the best domain loss.

    docs/results/text_verdict.py [--ref=X,Y] runs/lm/results.csv [runs/lm-ema/results.csv ...]

4. per method, the hypervolume in held-out main × domain bpb (mean ± sd over seeds, and per seed) against each
   seed's plain-training run, and against the fixed point --ref=X,Y when given (e.g. a sweep's hypervolume.csv's).
"""
import csv
import math
import statistics
import sys
from collections import defaultdict


def mean_sd(v):
    if not v:
        return float("nan"), float("nan")
    return statistics.mean(v), (statistics.stdev(v) if len(v) > 1 else float("nan"))


def main(paths, ref=None):
    rows, seen = [], set()
    for path in paths:  # several sweeps (e.g. the main sweep and the ρ ablation): a run counted once
        for r in csv.DictReader(open(path, newline="")):
            key = (r["label"], float(r["lambda"]), r["seed"])
            if r["status"] == "ok" and key not in seen:
                seen.add(key)
                rows.append(r)
    chrf = "test_aux_chrf" in rows[0]
    by = defaultdict(list)
    labels = []
    for r in rows:
        if r["label"] not in labels:
            labels.append(r["label"])
        by[(r["label"], float(r["lambda"]))].append(r)
    seeds = sorted({r["seed"] for r in rows})
    print(f"Runs: {len(rows)} (seeds {', '.join(seeds)})\n")
    head = "| method | λ | seeds | main held-out bpb | domain held-out bpb |" + (" domain chrF |" if chrf else "")
    print(head)
    print("|---|---:|---:|---:|---:|" + ("---:|" if chrf else ""))
    for label in labels:
        for lam in sorted({k[1] for k in by if k[0] == label}):
            g = by[(label, lam)]
            m = mean_sd([float(r["test_bpb"]) for r in g])
            a = mean_sd([float(r["test_aux_bpb"]) for r in g])
            line = f"| {label} | {lam:g} | {len(g)} | {m[0]:.3f} ± {m[1]:.3f} | {a[0]:.3f} ± {a[1]:.3f} |"
            if chrf:
                c = mean_sd([float(r["test_aux_chrf"]) for r in g])
                line += f" {c[0]:.1f} ± {c[1]:.1f} |"
            print(line)

    # seed -> plain training's row: mixed at λ = 0 (Bloop and the barrier are the same run there; PCGrad's differs,
    # it projects the main gradient too), else the first λ = 0 row
    zero = {}
    for r in rows:
        if float(r["lambda"]) == 0 and (r["seed"] not in zero or r["label"] == "mixed"):
            zero[r["seed"]] = r
    base = {s: float(r["test_bpb"]) for s, r in zero.items()}
    print("\nThe domain at no cost to the main task: per seed, the lowest held-out domain loss among the runs whose "
          "held-out main loss is at most plain training's (mixed, λ = 0; mean over seeds; the λ chosen per seed)\n")
    print("| method | domain bpb at no main cost | gain over plain training (bpb) | λ chosen per seed | best main bpb "
          "(mean of per-seed bests) | best domain bpb |")
    print("|---|---:|---:|---|---:|---:|")
    for label in labels:
        best_aux, gains, chosen, best_main, best_dom = [], [], [], [], []
        for s in seeds:
            mine = [r for r in rows if r["label"] == label and r["seed"] == s]
            if not mine or s not in base:
                continue
            ok = [r for r in mine if float(r["test_bpb"]) <= base[s]]
            if ok:
                b = min(ok, key=lambda r: float(r["test_aux_bpb"]))
                best_aux.append(float(b["test_aux_bpb"]))
                gains.append(float(zero[s]["test_aux_bpb"]) - float(b["test_aux_bpb"]))
                chosen.append(f"{float(b['lambda']):g}")
            best_main.append(min(float(r["test_bpb"]) for r in mine))
            best_dom.append(min(float(r["test_aux_bpb"]) for r in mine))
        print(f"| {label} | {mean_sd(best_aux)[0]:.3f} | {mean_sd(gains)[0]:+.3f} | {', '.join(chosen)} | "
              f"{mean_sd(best_main)[0]:.3f} | {mean_sd(best_dom)[0]:.3f} |")
    if ref is not None:
        hypervolumes(rows, labels, seeds, {s: ref for s in seeds}, f"the reference point ({ref[0]}, {ref[1]})")
    if zero:
        hypervolumes(rows, labels, seeds, {s: (float(r["test_bpb"]), float(r["test_aux_bpb"]))
                                           for s, r in zero.items()}, "each seed's plain-training run (mixed, λ = 0)")


def hypervolume(points, ref):
    """Area dominated by the points (both coordinates minimised) up to ref; points beyond ref count nothing."""
    pts = sorted(p for p in points if p[0] < ref[0] and p[1] < ref[1])
    area, best_y, front = 0.0, math.inf, []
    for x, y in pts:
        if y < best_y:
            front.append((x, y))
            best_y = y
    for i, (x, y) in enumerate(front):
        nx = front[i + 1][0] if i + 1 < len(front) else ref[0]
        area += (nx - x) * (ref[1] - y)
    return area


def hypervolumes(rows, labels, seeds, refs, what):
    """Per method, the mean ± sd over seeds of the hypervolume in held-out main × domain bpb against refs[seed]."""
    print(f"\nHypervolume in test_bpb × test_aux_bpb against {what}, mean ± sd over seeds, and per seed\n")
    print("| method | hypervolume | per seed |")
    print("|---|---:|---|")
    for label in labels:
        v = [hypervolume([(float(r["test_bpb"]), float(r["test_aux_bpb"])) for r in rows
                          if r["label"] == label and r["seed"] == s], refs[s]) for s in seeds]
        m = mean_sd(v)
        print(f"| {label} | {m[0]:.4f} ± {m[1]:.4f} | {', '.join(f'{x:.4f}' for x in v)} |")


if __name__ == "__main__":
    args = sys.argv[1:]
    ref = None
    if args and args[0].startswith("--ref="):
        ref = tuple(float(v) for v in args.pop(0)[len("--ref="):].split(","))
    main(args, ref)
