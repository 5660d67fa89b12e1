#!/usr/bin/env bash
# Data-parallel training's cost on a loopback Spark cluster, as ratios against the in-process step measured in the
# same run: the language model (width 64, 4 micro-batches a step; SCALPEL_BENCH_BATCH windows of 65 bytes per corpus
# per step, default 64: an in-process step of ≈ 0.2 s here; 256: ≈ 0.7 s), trained in-process, then on a two-worker
# cluster with 1 and with 2 one-core executors. Seconds per step: the time between the evaluation after the first
# epoch and the last one, over the two epochs' steps (the first epoch, JVM start and JIT warm-up, left out);
# REPEATS runs of each, the median kept.
#   bin/spark-bench.sh [OUT] [REPEATS]   (default /tmp/scalpel-spark-bench, 3; writes OUT/bench.csv, prints a table)
# Needs idle cores: the executors, the driver and the in-process run each want one.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/tmp/scalpel-spark-bench}"
REPEATS="${2:-3}"
STEPS="${SCALPEL_BENCH_STEPS:-20}"
ARGS=(--task lm --method bloop:lambda=1,ema=0.01 --set epochs=3 --set steps_per_epoch="$STEPS" --set batch_size="${SCALPEL_BENCH_BATCH:-64}"
  --set micro_batches=4 --set eval_windows=8 --set checkpoint_every=0 --set diagnostics=false)
rm -rf "$OUT" && mkdir -p "$OUT"
per_step() { # seconds per step between the second and the last evaluation of metrics.csv
  awk -F, -v steps="$STEPS" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds") c = i }
    NR == 3 { a = $c } END { print ($c - a) / (2 * steps) }' "$1/metrics.csv"
}
MASTER="$("$ROOT/bin/spark-cluster.sh" start 2)" || exit 1
trap '"$ROOT/bin/spark-cluster.sh" stop' EXIT
echo "config,repeat,seconds_per_step" > "$OUT/bench.csv"
for r in $(seq 1 "$REPEATS"); do
  for config in in-process spark-1 spark-2; do
    case $config in
      in-process) m=(--master in-process) ;;
      spark-1) m=(--master "$MASTER" --executors 1) ;;
      spark-2) m=(--master "$MASTER" --executors 2) ;;
    esac
    "$ROOT/bin/spark-train.sh" "${ARGS[@]}" "${m[@]}" --out "$OUT/$config-$r" > "$OUT/$config-$r.log" 2>&1 \
      || { echo "spark-bench: $config failed, see $OUT/$config-$r.log" >&2; exit 1; }
    s="$(per_step "$OUT/$config-$r")"
    echo "$config,$r,$s" >> "$OUT/bench.csv"
    echo "spark-bench: $config run $r: $s s per step" >&2
    sleep 2 # the master frees the application's executors
  done
done
bytes="$(grep -m 1 '^spark:' "$OUT/spark-2-1.log")"
python3 - "$OUT/bench.csv" "$bytes" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
med = {c: statistics.median(float(r["seconds_per_step"]) for r in rows if r["config"] == c)
       for c in ("in-process", "spark-1", "spark-2")}
print("| configuration | seconds per step (median) | ratio to in-process |")
print("|---|---:|---:|")
for c, v in med.items():
    print(f"| {c} | {v:.4f} | {v / med['in-process']:.2f} |")
print(f"\nper-step overhead of Spark (1 executor − in-process): {med['spark-1'] - med['in-process']:.4f} s; "
      f"speed-up of 2 executors over 1: {med['spark-1'] / med['spark-2']:.2f}×")
print(sys.argv[2])
PY
