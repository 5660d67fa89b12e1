#!/usr/bin/env python3
"""Compares Pareto fronts in a sweep's results.csv: for each method A and baseline B, and each point of A whose
main metric lies inside B's range, the aux loss B reaches at the same main metric (linear interpolation in log of
the main metric between B's points sorted by it) minus A's aux loss. Positive = A reaches a LOWER aux loss at equal
main loss (A better). Prints a markdown table. Usage: compare_fronts.py results.csv [main_column ...]"""
import csv, math, sys
from collections import defaultdict

path = sys.argv[1]
columns = sys.argv[2:] or ["main_loss", "test_loss"]
rows = [r for r in csv.DictReader(open(path)) if r["status"] == "ok"]
by = defaultdict(list)
for r in rows:
    by[r["label"]].append(r)

def interp(points, x):
    pts = sorted(points)
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        if x0 <= x <= x1:
            if x1 == x0:
                return min(y0, y1)
            t = (math.log(x) - math.log(x0)) / (math.log(x1) - math.log(x0))
            return y0 + t * (y1 - y0)
    return None

print("| main metric | method A | baseline B | points of A inside B's range | A better at | mean aux(B) − aux(A) |")
print("|---|---|---|---:|---:|---:|")
for col in columns:
    for a in by:
        for b in by:
            if a == b:
                continue
            front_b = [(float(r[col]), float(r["aux_loss"])) for r in by[b]]
            deltas = []
            for r in by[a]:
                y = interp(front_b, float(r[col]))
                if y is not None:
                    deltas.append(y - float(r["aux_loss"]))
            if deltas:
                better = sum(1 for d in deltas if d > 0)
                print(f"| {col} | {a} | {b} | {len(deltas)} | {better} | {sum(deltas) / len(deltas):+.3f} |")
