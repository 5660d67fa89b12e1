#!/usr/bin/env bash
# Gathers the smooth-MNIST paper-protocol runs (three single-seed sweeps, seed 2 split over up to three directories, and
# Bloop's extension over seeds) into one sweep directory over seeds, then writes its statistics, plots and report
# without redoing any run. Run from the repository root when every run is finished:
#   docs/results/gather_paper.sh [OUT]          (default runs/smooth-mnist-paper-3seeds)
set -euo pipefail
OUT="${1:-runs/smooth-mnist-paper-3seeds}"
python3 docs/results/import_results.py "$OUT" \
  0=runs/smooth-mnist-paper-seed0/results.csv 1=runs/smooth-mnist-paper-seed1/results.csv \
  2=runs/smooth-mnist-paper-seed2a/results.csv 2=runs/smooth-mnist-paper-seed2b/results.csv \
  $( [ -f runs/smooth-mnist-paper-seed2c/results.csv ] && echo 2=runs/smooth-mnist-paper-seed2c/results.csv )
# the extension is a sweep over seeds already: its run directories have the names a --seeds sweep uses
for d in runs/smooth-mnist-paper-ext/runs/*; do
  [ -f "$d/result.csv" ] && cp -r "$d" "$OUT/runs/"
done
C="--task smooth-mnist --epochs 100 --set warmup_steps=1170 --seeds 0:3 --hv-ref=-1,7 --out $OUT"
./scalpel sweep $C --method bloop:ema=0.01 --lambdas 3.16227766017,10
./scalpel sweep $C --method mixed --method bloop:ema=0.01 --method dynamic-barrier:ema=1 --method pcgrad:ema=1 \
  --lambdas 1e-4:1:9
python3 docs/results/smooth_mnist_verdict.py "$OUT/results.csv"
