#!/usr/bin/env python3
"""The table of means over seeds of a smooth-MNIST sweep, per method and λ (finished runs only; the `seeds` column
counts them), from one results.csv or several (a file without a seed column takes the seed from its name, seedS-...).

    docs/results/smooth_mnist_means.py docs/results/smooth-mnist-paper-3seeds/results.csv
"""
import csv
import sys
from collections import defaultdict


def main(paths):
    rows = defaultdict(list)
    order = []
    for path in paths:
        seed_from_name = path.split("/")[-1].split("-")[0].replace("seed", "")
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                if r["status"] != "ok":
                    continue
                seed = r.get("seed") or seed_from_name
                key = (r["label"], float(r["lambda"]))
                if key not in rows:
                    order.append(key)
                rows[key].append((seed, r))
    methods = []
    for label, _ in order:
        if label not in methods:
            methods.append(label)
    print("| method | λ | seeds | train CE | test CE | test acc | aux log∏σ² |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for m in methods:
        for key in sorted(k for k in rows if k[0] == m):
            rs = [r for _, r in rows[key]]
            seeds = sorted({s for s, _ in rows[key]})

            def mean(c):
                return sum(float(r[c]) for r in rs) / len(rs)
            print(f"| {m} | {key[1]:.3g} | {len(seeds)} | {mean('main_loss'):.4f} | {mean('test_loss'):.4f} | "
                  f"{100 * mean('test_acc'):.2f} | {mean('aux_loss'):.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
