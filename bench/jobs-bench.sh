#!/usr/bin/env bash
# sweep --jobs: the same smooth-MNIST sweep (mixed and bloop × 2 λ = 4 runs of 10 epochs) one run at a time
# and two at a time, in the same invocation, into fresh directories; prints both wall times, their ratio, and
# checks that the two results.csv agree bit for bit (seconds aside).
#
#   bench/jobs-bench.sh [--out DIR] [--epochs N]
#
#   --out DIR    where the two sweeps and result.md go (default target/jobs-bench/<UTC time>)
#   --epochs N   epochs per run (default 10, about a minute per run; with --jobs 2 every run pays a JVM start
#                and a JIT warm-up, ~7 s of C2 compilation on a core, so runs of a few seconds gain nothing)
#
# Meaningful only on an otherwise idle machine: the ratio is what a second core buys.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=""
EPOCHS=10
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT="$2"; shift ;;
    --epochs) EPOCHS="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "jobs-bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$OUT" ] || OUT="$ROOT/target/jobs-bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
ARGS=(sweep --task smooth-mnist --method mixed --method bloop:ema=0.01 --lambdas 1e-3,1 --epochs "$EPOCHS")
"$ROOT/scalpel" tasks > /dev/null # builds once, outside the timings
declare -A WALL
for J in 1 2; do
  rm -rf "$OUT/jobs$J"
  S=$(date +%s.%N)
  "$ROOT/scalpel" "${ARGS[@]}" --jobs "$J" --out "$OUT/jobs$J" > "$OUT/jobs$J.log" 2>&1
  E=$(date +%s.%N)
  WALL[$J]=$(python3 -c "print(f'{$E - $S:.1f}')")
  echo "jobs $J: ${WALL[$J]} s"
done
SAME=$(python3 - "$OUT" <<'PY'
import csv, sys
rows = []
for j in (1, 2):
    with open(f"{sys.argv[1]}/jobs{j}/results.csv", newline="") as f:
        rows.append([{k: v for k, v in r.items() if k != "seconds"} for r in csv.DictReader(f)])
print("identical" if rows[0] == rows[1] and len(rows[0]) == 4 else "DIFFERENT")
PY
)
RATIO=$(python3 -c "print(f'{${WALL[1]} / ${WALL[2]}:.2f}')")
{
  echo "# sweep --jobs 2 against --jobs 1 ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -m))"
  echo
  echo "Command: \`scalpel ${ARGS[*]} --jobs J\` (4 runs)."
  echo
  echo "| jobs | wall time (s) |"
  echo "|---|---|"
  echo "| 1 | ${WALL[1]} |"
  echo "| 2 | ${WALL[2]} |"
  echo
  echo "Speed-up of two at a time: ${RATIO}×. results.csv of the two: ${SAME} (seconds column aside)."
} > "$OUT/result.md"
cat "$OUT/result.md"
[ "$SAME" = identical ]
