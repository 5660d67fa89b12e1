#!/usr/bin/env python3
"""The smooth-MNIST verdict from a sweep's results.csv over seeds, computed independently of scalpel's Java
statistics (the train-loss rows must agree with its hypervolume.csv and paired.csv).

    docs/results/smooth_mnist_verdict.py results.csv [--bloop LABEL] [--max-lambda X]

Prints markdown tables:
  1. hypervolume per method (mean, sd over seeds) of its points over λ, in four spaces: x = log10 of the train or
     test cross-entropy, y = the aux loss log ∏σ(W)²; reference points (x_ref, 7) for x_ref in {log10 0.1 (train),
     log10 0.2 (test)}, and the reference derived from all runs (worst coordinate + 5 % of the range);
  2. Bloop minus each baseline, paired by seed: mean, sd, 95 % Student-t interval, wins/losses;
  3. per λ, Bloop minus each baseline (mean over seeds): train CE ratio, test accuracy difference, aux difference.
--max-lambda X leaves out runs with λ > X (to compare on a common grid when Bloop's grid was extended).
Hypervolume (minimisation): the area dominated by the points and bounded by the reference point; points not
strictly better than the reference in both coordinates add nothing.
"""
import argparse
import csv
import math
import statistics
from collections import defaultdict

from scipy import stats


def hypervolume(points, ref):
    pts = sorted((x, y) for x, y in points if x < ref[0] and y < ref[1])
    area, best_y = 0.0, ref[1]
    for i, (x, y) in enumerate(pts):
        best_y = min(best_y, y)
        x_next = pts[i + 1][0] if i + 1 < len(pts) else ref[0]
        area += (x_next - x) * (ref[1] - best_y)
    return area


def mean_sd_ci(values):
    n = len(values)
    m = statistics.fmean(values)
    if n < 2:
        return m, float("nan"), float("nan"), float("nan")
    sd = statistics.stdev(values)
    h = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return m, sd, m - h, m + h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results")
    ap.add_argument("--bloop", default="bloop ema=0.01")
    ap.add_argument("--max-lambda", type=float, default=math.inf)
    a = ap.parse_args()
    rows = [r for r in csv.DictReader(open(a.results, newline="")) if r["status"] == "ok"
            and float(r["lambda"]) <= a.max_lambda]
    labels = list(dict.fromkeys(r["label"] for r in rows))
    seeds = sorted({r["seed"] for r in rows}, key=int)
    pts = defaultdict(list)  # (label, seed) -> rows
    for r in rows:
        pts[(r["label"], r["seed"])].append(r)

    def coords(r, col):
        return math.log10(float(r[col])), float(r["aux_loss"])

    spaces = []
    for col, xref in (("main_loss", math.log10(0.1)), ("test_loss", math.log10(0.2))):
        spaces.append((col, f"log10({col}) x aux, ref ({xref:.3f}, 7)", (xref, 7.0)))
    allc = [coords(r, "main_loss") for r in rows]
    xs, ys = [c[0] for c in allc], [c[1] for c in allc]
    derived = (max(xs) + 0.05 * (max(xs) - min(xs)), max(ys) + 0.05 * (max(ys) - min(ys)))
    spaces.append(("main_loss", f"log10(main_loss) x aux, derived ref ({derived[0]:.3f}, {derived[1]:.3f})", derived))
    allt = [coords(r, "test_loss") for r in rows]
    xs, ys = [c[0] for c in allt], [c[1] for c in allt]
    derived_t = (max(xs) + 0.05 * (max(xs) - min(xs)), max(ys) + 0.05 * (max(ys) - min(ys)))
    spaces.append(("test_loss", f"log10(test_loss) x aux, derived ref ({derived_t[0]:.3f}, {derived_t[1]:.3f})",
                   derived_t))

    print(f"Runs: {len(rows)} (seeds {', '.join(seeds)}; λ ≤ {a.max_lambda})\n")
    print("### Hypervolume per method (larger is better): mean ± sd over seeds\n")
    print("| space | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    hv = {}
    for col, name, ref in spaces:
        cells = []
        for lab in labels:
            v = [hypervolume([coords(r, col) for r in pts[(lab, s)]], ref) for s in seeds if pts[(lab, s)]]
            hv[(name, lab)] = dict(zip([s for s in seeds if pts[(lab, s)]], v))
            m, sd, _, _ = mean_sd_ci(v)
            cells.append(f"{m:.3f} ± {sd:.3f}")
        print(f"| {name} | " + " | ".join(cells) + " |")

    print(f"\n### {a.bloop} minus each baseline, paired by seed (hypervolume; positive: Bloop better)\n")
    print("| space | baseline | mean | sd | 95 % t interval | wins/losses |")
    print("|---|---|---:|---:|---|---|")
    for col, name, ref in spaces:
        for lab in labels:
            if lab == a.bloop:
                continue
            d = [hv[(name, a.bloop)][s] - hv[(name, lab)][s] for s in seeds
                 if s in hv[(name, a.bloop)] and s in hv[(name, lab)]]
            m, sd, lo, hi = mean_sd_ci(d)
            w = sum(x > 0 for x in d)
            l = sum(x < 0 for x in d)
            print(f"| {name} | {lab} | {m:+.3f} | {sd:.3f} | [{lo:+.3f}, {hi:+.3f}] | {w}/{l} |")

    print(f"\n### Per λ: {a.bloop} minus each baseline, mean over seeds\n")
    print("train CE ratio (Bloop / baseline; < 1: Bloop lower), test accuracy difference (points), aux difference "
          "(negative: Bloop lower)\n")
    lambdas = sorted({float(r["lambda"]) for r in rows})
    print("| λ | " + " | ".join(f"vs {lab}" for lab in labels if lab != a.bloop) + " |")
    print("|---|" + "---|" * (len(labels) - 1))
    by = {(r["label"], float(r["lambda"]), r["seed"]): r for r in rows}
    for lam in lambdas:
        cells = []
        for lab in labels:
            if lab == a.bloop:
                continue
            ratio, acc, aux = [], [], []
            for s in seeds:
                b, o = by.get((a.bloop, lam, s)), by.get((lab, lam, s))
                if b and o:
                    ratio.append(float(b["main_loss"]) / float(o["main_loss"]))
                    acc.append(100 * (float(b["test_acc"]) - float(o["test_acc"])))
                    aux.append(float(b["aux_loss"]) - float(o["aux_loss"]))
            cells.append(f"{statistics.fmean(ratio):.2f}, {statistics.fmean(acc):+.2f}, {statistics.fmean(aux):+.2f}"
                         if ratio else "–")
        print(f"| {lam:.3g} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
