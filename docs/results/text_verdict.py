#!/usr/bin/env python3
"""The tables of a language-model or translation sweep (results.csv with a seed column), without the Java code:

1. per method and λ, the mean ± sd over seeds of the held-out main and domain bits per byte (and the domain chrF of
   a translation sweep);
2. per method, "the domain at no cost to the main task": for each seed, the lowest held-out domain loss among the
   method's runs whose held-out main loss is at most plain training's of that seed (mixed at λ = 0; Bloop and the
   barrier are the same run there, PCGrad's differs), the gain over plain training, and that run's λ — the bilevel reading of the paper's claim (pursue the
   auxiliary loss only where the main one does not suffer);
3. per method, the lowest held-out main loss over λ (mean over seeds of each seed's best) and the best domain loss.

    docs/results/text_verdict.py runs/lm/results.csv
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


def main(path):
    rows = [r for r in csv.DictReader(open(path, newline="")) if r["status"] == "ok"]
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


if __name__ == "__main__":
    main(sys.argv[1])
