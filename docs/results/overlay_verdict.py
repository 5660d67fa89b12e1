#!/usr/bin/env python3
"""The overlay verdict (Fashion-MNIST background = main, MNIST digit = aux) from a sweep's results.csv over seeds,
computed independently of scalpel's Java statistics.

    docs/results/overlay_verdict.py SWEEP_DIR [--bloop LABEL ...] [--reference LABEL]

Prints markdown tables:
  1. hypervolume per method (mean ± sd over seeds) of its points over λ in two spaces, each bounded by the chance
     level of both heads: test cross-entropies (main, aux) with reference (ln 10, ln 10), and test error rates with
     reference (0.9, 0.9);
  2. each Bloop label minus each other method, paired by seed: mean, sd, 95 % Student-t interval, wins/losses;
  3. per λ, the test error rates (main / aux, %) of every method, mean over seeds;
  4. the diagnostics of every method, from each run's metrics.csv (mean over the run's evaluations, then over λ
     and seeds): cos(EMA of g_main, g_main) — how stale the EMA is (1: the current gradient), cos(d, g_main), and
     the mean absolute gap to --reference (default mixed) in both test errors at the same λ and seed (how far a
     method is from plain mixing).
"""
import argparse
import csv
import math
import os
import statistics
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smooth_mnist_verdict import hypervolume, mean_sd_ci  # noqa: E402

SPACES = (("test_loss", "test_aux_loss", "test CE (main × aux), ref (ln 10, ln 10)", (math.log(10), math.log(10))),
          ("test_err", "test_aux_err", "test error (main × aux), ref (0.9, 0.9)", (0.9, 0.9)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sweep")
    ap.add_argument("--bloop", action="append", help="label(s) of the Bloop runs (default: every label 'bloop…')")
    ap.add_argument("--reference", default="mixed")
    a = ap.parse_args()
    rows = [r for r in csv.DictReader(open(os.path.join(a.sweep, "results.csv"), newline=""))
            if r["status"] == "ok"]
    for r in rows:  # a sweep without --seeds leaves the column empty: the task's seed (0 unless --seed was given)
        r["seed"] = r["seed"] or "0"
    labels = list(dict.fromkeys(r["label"] for r in rows))
    bloops = a.bloop or [lab for lab in labels if lab.startswith("bloop")]
    seeds = sorted({r["seed"] for r in rows}, key=int)
    pts = defaultdict(list)
    for r in rows:
        pts[(r["label"], r["seed"])].append(r)

    print(f"Runs: {len(rows)} (seeds {', '.join(seeds)})\n")
    print("### Hypervolume per method (larger is better): mean ± sd over seeds\n")
    print("| space | " + " | ".join(labels) + " |")
    print("|---|" + "---:|" * len(labels))
    hv = {}
    for xc, yc, name, ref in SPACES:
        cells = []
        for lab in labels:
            have = [s for s in seeds if pts[(lab, s)]]
            v = [hypervolume([(float(r[xc]), float(r[yc])) for r in pts[(lab, s)]], ref) for s in have]
            hv[(name, lab)] = dict(zip(have, v))
            m, sd, _, _ = mean_sd_ci(v)
            cells.append(f"{m:.4f} ± {sd:.4f}")
        print(f"| {name} | " + " | ".join(cells) + " |")

    print("\n### Bloop minus each other method, paired by seed (hypervolume; positive: Bloop better)\n")
    print("| space | Bloop | other | mean | sd | 95 % t interval | wins/losses |")
    print("|---|---|---|---:|---:|---|---|")
    for _, _, name, _ in SPACES:
        for b in bloops:
            for lab in labels:
                if lab == b or lab in bloops and labels.index(lab) < labels.index(b):
                    continue
                d = [hv[(name, b)][s] - hv[(name, lab)][s] for s in seeds
                     if s in hv[(name, b)] and s in hv[(name, lab)]]
                if not d:
                    continue
                m, sd, lo, hi = mean_sd_ci(d)
                print(f"| {name} | {b} | {lab} | {m:+.4f} | {sd:.4f} | [{lo:+.4f}, {hi:+.4f}] | "
                      f"{sum(x > 0 for x in d)}/{sum(x < 0 for x in d)} |")

    print("\n### Per λ: test error of the background (main) / digit (aux), %, mean over seeds\n")
    lambdas = sorted({float(r["lambda"]) for r in rows})
    by = {(r["label"], float(r["lambda"]), r["seed"]): r for r in rows}
    print("| λ | " + " | ".join(labels) + " |")
    print("|---|" + "---|" * len(labels))
    for lam in lambdas:
        cells = []
        for lab in labels:
            rs = [by[(lab, lam, s)] for s in seeds if (lab, lam, s) in by]
            cells.append(f"{100 * statistics.fmean(float(r['test_err']) for r in rs):.1f} / "
                         f"{100 * statistics.fmean(float(r['test_aux_err']) for r in rs):.1f}" if rs else "–")
        print(f"| {lam:.3g} | " + " | ".join(cells) + " |")

    print(f"\n### Diagnostics and distance to {a.reference} (means over evaluations, λ and seeds)\n")
    print(f"| method | cos(EMA g_main, g_main) | cos(d, g_main) | mean abs. gap to {a.reference}, main / aux "
          "test error (points) |")
    print("|---|---:|---:|---|")
    for lab in labels:
        ema, dmain, gap_m, gap_a = [], [], [], []
        for (l2, lam, s), r in by.items():
            if l2 != lab:
                continue
            m = list(csv.DictReader(open(os.path.join(a.sweep, r["run_dir"], "metrics.csv"), newline="")))
            e = [float(x["cos_ema_main"]) for x in m if x.get("cos_ema_main") not in (None, "", "NaN")]
            if e:
                ema.append(statistics.fmean(e))
            dmain.append(statistics.fmean(float(x["cos_d_main"]) for x in m))
            o = by.get((a.reference, lam, s))
            if o and lab != a.reference:
                gap_m.append(100 * abs(float(r["test_err"]) - float(o["test_err"])))
                gap_a.append(100 * abs(float(r["test_aux_err"]) - float(o["test_aux_err"])))
        ema_s = f"{statistics.fmean(ema):.3f}" if ema else "–"
        gap = f"{statistics.fmean(gap_m):.1f} / {statistics.fmean(gap_a):.1f}" if gap_m else "–"
        print(f"| {lab} | {ema_s} | {statistics.fmean(dmain):.3f} | {gap} |")


if __name__ == "__main__":
    main()
