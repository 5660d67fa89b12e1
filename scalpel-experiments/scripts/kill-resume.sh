#!/usr/bin/env bash
# A true kill -9 test on the real task: a smooth-MNIST run (scalpel train) is killed with SIGKILL right after a
# mid-epoch checkpoint (plus a random delay, so the kill lands inside training), resumed with --resume, and its
# metrics.csv compared with that of an uninterrupted run (every column but seconds must be identical, the
# diagnostics included). CI runs the same check on the quadratic task (KillResumeTest).
#   scalpel-experiments/scripts/kill-resume.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
args=(--task smooth-mnist --method "bloop:ema=0.01" --lambda 0.01 --epochs 2 --set max_steps_per_epoch=120
      --checkpoint-every 50 --set eval_train_samples=5000)
"$root/scalpel" train "${args[@]}" --out "$work/full" > /dev/null 2>&1
"$root/scalpel" train "${args[@]}" --out "$work/cut" > "$work/cut.log" 2>&1 &
pid=$!
until grep -q "checkpoint: step 150" "$work/cut.log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || { echo "run ended before the checkpoint"; cat "$work/cut.log"; exit 1; }
  sleep 0.05
done
sleep "0.$((RANDOM % 5))"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
echo "killed with SIGKILL after: $(grep checkpoint "$work/cut.log" | tail -1)"
"$root/scalpel" train --resume "$work/cut" 2>&1 | grep -E "^resuming" || true
strip() { sed 's/,[^,]*$//' "$1"; }
if diff <(strip "$work/full/metrics.csv") <(strip "$work/cut/metrics.csv"); then
  echo "PASS: the resumed run's metrics equal the uninterrupted run's"
  cat "$work/cut/metrics.csv"
  rm -rf "$work"
else
  echo "FAIL: metrics differ (kept in $work)"
  exit 1
fi
