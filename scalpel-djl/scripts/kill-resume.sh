#!/usr/bin/env bash
# A true kill -9 test: a deterministic smooth-MNIST run is killed with SIGKILL right after a mid-epoch checkpoint
# (plus a random delay, so the kill lands inside training), resumed, and its metrics.csv compared with that of an
# uninterrupted run (all columns but seconds must be identical).
#   scalpel-djl/scripts/kill-resume.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
args=(--method "bloop:lambda=0.01,ema=0.01" --epochs 2 --max-steps 120 --checkpoint-every 50 --eval-train 5000
      --deterministic true)
main=dev.scalpel.djl.smooth.SmoothMnistMain
"$here/run-main.sh" "$main" --run-dir "$work/full" "${args[@]}" | tail -1
SKIP_BUILD=1 "$here/run-main.sh" "$main" --run-dir "$work/cut" "${args[@]}" > "$work/cut.log" 2>&1 &
pid=$!
until grep -q "checkpoint step 150" "$work/cut.log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "run ended before the checkpoint"; cat "$work/cut.log"; exit 1; }
  sleep 0.05
done
sleep "0.$((RANDOM % 5))"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "killed with SIGKILL after: $(grep checkpoint "$work/cut.log" | tail -1)"
SKIP_BUILD=1 "$here/run-main.sh" "$main" --run-dir "$work/cut" "${args[@]}" | grep -E "^start|^done"
if diff <(cut -d, -f1-7 "$work/full/metrics.csv") <(cut -d, -f1-7 "$work/cut/metrics.csv"); then
  echo "PASS: resumed run's metrics equal the uninterrupted run's"
  cat "$work/cut/metrics.csv"
  rm -rf "$work"
else
  echo "FAIL: metrics differ (kept in $work)"
  exit 1
fi
