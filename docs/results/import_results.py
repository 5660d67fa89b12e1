#!/usr/bin/env python3
"""Imports finished runs recorded in results.csv files of separate single-seed sweeps into one sweep directory
over seeds, so that `scalpel sweep ... --seeds` finds them done and only writes the statistics and the report.

    docs/results/import_results.py OUT_DIR SEED=path/to/results.csv [SEED=path/to/results.csv ...]

For each row with status ok it writes OUT_DIR/runs/<label slug>_lambda=<λ>_seed=<SEED>/result.csv (the row, with
its seed), exactly the file a sweep with --seeds writes when a run finishes. Then run the same sweep command with
--seeds listing those seeds and --out OUT_DIR. The final metrics travel, and each run's metrics.csv (its training
curves and diagnostics) where its run directory is still beside the results.csv.
"""
import csv
import os
import shutil
import sys


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    out = argv[1]
    for spec in argv[2:]:
        seed, path = spec.split("=", 1)
        int(seed)
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        n = 0
        for row in rows:
            if row["status"] != "ok":
                continue
            row_dir = row["run_dir"]
            name = os.path.basename(row_dir.rstrip("/")) + "_seed=" + seed
            run = os.path.join(out, "runs", name)
            os.makedirs(run, exist_ok=True)
            header = ["method", "label", "lambda", "seed"] + [k for k in row if k not in
                                                               ("method", "label", "lambda", "seed", "run_dir")]
            header.append("run_dir")
            row = dict(row, seed=seed, run_dir="runs/" + name)
            with open(os.path.join(run, "result.csv"), "w", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(header)
                w.writerow([row[k] for k in header])
            source = os.path.join(os.path.dirname(path), row_dir, "metrics.csv")
            if os.path.exists(source):  # the training curves and diagnostics, where the run dir was kept
                shutil.copyfile(source, os.path.join(run, "metrics.csv"))
            n += 1
        print(f"seed {seed}: {n} runs from {path}")


if __name__ == "__main__":
    main(sys.argv)
