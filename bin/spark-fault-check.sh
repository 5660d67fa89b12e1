#!/usr/bin/env bash
# The fault checks of data-parallel training on a real Spark cluster on loopback (a master, two one-core workers,
# each a JVM; bin/spark-cluster.sh). A small language model (40 steps, 4 micro-batches a step) is trained
#   0. in-process, without Spark: the reference;
#   1. on the cluster, one executor JVM killed (SIGKILL) after the first evaluation: Spark recomputes the lost
#      micro-batches on the other executor (or a new one) and the run must end identical to the reference;
#   2. on the cluster, the driver JVM killed (SIGKILL) after a checkpoint, then the same command again: the run
#      resumes from its checkpoint and must end identical to the reference.
# "Identical": metrics.csv (every evaluation, the timing column left out) and the final metrics, compared as text.
#   bin/spark-fault-check.sh [OUT]   (default /tmp/scalpel-spark-faults; prints a report, exit 1 on a difference)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-/tmp/scalpel-spark-faults}"
TRAIN="$ROOT/bin/spark-train.sh"
# micro-batches of 16 windows of 65 bytes: the executors spend most of a step computing, so one killed a second
# into the steps is likely to die inside a task (the check says whether it did)
SETTINGS=(--task lm --method bloop:lambda=0.5,ema=0.1 --set epochs=4 --set steps_per_epoch=10 --set batch_size=64
  --set micro_batches=4 --set context=64 --set width=32 --set heads=2 --set hidden=64 --set warmup_steps=2
  --set eval_windows=8 --set checkpoint_every=5)
rm -rf "$OUT" && mkdir -p "$OUT"
say() { echo "$*" | tee -a "$OUT/report.txt"; }
evals() { [ -f "$1/metrics.csv" ] && echo $(( $(wc -l < "$1/metrics.csv") - 1 )) || echo 0; }
final() { sed -n '/^main_loss /,/^run: /p' "$1" | grep -v '^run: '; }
same() { # the run in $1 (its log $2) against the reference
  if diff <(sed 's/,[^,]*$//' "$OUT/ref/metrics.csv") <(sed 's/,[^,]*$//' "$1/metrics.csv") > /dev/null \
      && diff <(final "$OUT/ref.log") <(final "$2") > /dev/null && [ -n "$(final "$2")" ]; then
    say "  identical to the reference: yes ($(evals "$1") evaluations of metrics.csv and the final metrics)"
    return 0
  fi
  say "  identical to the reference: NO"; diff <(final "$OUT/ref.log") <(final "$2") | tee -a "$OUT/report.txt"
  return 1
}
say "spark fault check, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
say "settings: ${SETTINGS[*]}"
"$TRAIN" "${SETTINGS[@]}" --master in-process --out "$OUT/ref" > "$OUT/ref.log" 2>&1 || { say "reference run failed"; exit 1; }
say "0. reference (in-process): $(final "$OUT/ref.log" | head -n 1)"
MASTER="$("$ROOT/bin/spark-cluster.sh" start 2)" || { say "the cluster did not start"; exit 1; }
trap '"$ROOT/bin/spark-cluster.sh" stop' EXIT
fail=0

say "1. executor killed: 2 executors on $MASTER"
"$TRAIN" "${SETTINGS[@]}" --master "$MASTER" --executors 2 --out "$OUT/exec" > "$OUT/exec.log" 2>&1 &
driver=$!
while kill -0 $driver 2>/dev/null && [ "$(evals "$OUT/exec")" -lt 2 ]; do sleep 0.2; done
sleep 1 # into the steps after the evaluation, so that the executor dies while computing a micro-batch
victim="$(pgrep -f CoarseGrainedExecutorBackend | head -n 1)"
if [ -n "$victim" ] && kill -0 $driver 2>/dev/null; then
  kill -9 "$victim"
  say "  killed executor JVM $victim 1 s after evaluation $(evals "$OUT/exec") (step $(tail -n 1 "$OUT/exec/metrics.csv" | cut -d, -f2))"
else
  say "  could not kill an executor while the run was going (victim '${victim}')"; fail=1
fi
wait $driver; rc=$?
lost="$(grep -c 'Lost task' "$OUT/exec.log")"
say "  driver exit status $rc; Spark's log: the executor lost, $lost micro-batch task(s) lost with it and run again:"
grep -E 'Lost executor|Lost task' "$OUT/exec.log" | cut -c1-160 | sed 's/^/    /' | tee -a "$OUT/report.txt"
if [ "$lost" = 0 ]; then say "  (no task was running when the executor died: run the check again)"; fail=1; fi
[ $rc = 0 ] && same "$OUT/exec" "$OUT/exec.log" || fail=1

say "2. driver killed: 2 executors on $MASTER"
"$TRAIN" "${SETTINGS[@]}" --master "$MASTER" --executors 2 --out "$OUT/driver" > "$OUT/driver1.log" 2>&1 &
driver=$!
while kill -0 $driver 2>/dev/null && ! grep -qs "checkpoint: step 15" "$OUT/driver1.log"; do sleep 0.2; done
if kill -0 $driver 2>/dev/null; then
  kill -9 $driver; wait $driver 2>/dev/null
  say "  killed the driver JVM $driver after its checkpoint at step 15 (last line: $(tail -n 1 "$OUT/driver1.log" | cut -c1-80))"
else
  say "  the driver ended before it could be killed"; fail=1
fi
sleep 2 # the master notices the application's end and frees its executors
"$TRAIN" "${SETTINGS[@]}" --master "$MASTER" --executors 2 --out "$OUT/driver" > "$OUT/driver2.log" 2>&1; rc=$?
say "  the same command again: exit status $rc, $(grep -m 1 '^resuming' "$OUT/driver2.log" || echo 'did not resume')"
[ $rc = 0 ] && same "$OUT/driver" "$OUT/driver2.log" || fail=1
[ $fail = 0 ] && say "all fault checks passed" || say "FAULT CHECK FAILED (logs in $OUT)"
exit $fail
