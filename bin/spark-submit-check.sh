#!/usr/bin/env bash
# Checks the spark-submit path as on a real cluster: builds the application jar (-Pcluster-jar), starts a loopback
# cluster whose workers have Spark's jars only (SCALPEL_SPARK_JARS=spark), submits SparkTrain with Spark's own
# SparkSubmit (what the spark-submit script runs) and compares the run with the in-process one.
#   bin/spark-submit-check.sh [OUT]   (default /tmp/scalpel-spark-submit; exit 1 on a difference)
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/env.sh"
OUT="${1:-/tmp/scalpel-spark-submit}"
export SCALPEL_SPARK_DIR="$OUT/cluster" SCALPEL_SPARK_JARS=spark
export SCALPEL_SPARK_PORT="${SCALPEL_SPARK_PORT:-7277}" SCALPEL_SPARK_UI_PORT="${SCALPEL_SPARK_UI_PORT:-18280}"
ARGS=(--task lm --method bloop:lambda=0.5,ema=0.1 --set epochs=2 --set steps_per_epoch=5 --set batch_size=16
  --set micro_batches=4 --set context=32 --set width=32 --set heads=2 --set hidden=64 --set eval_windows=8)
scalpel_find_java || exit 1
scalpel_find_maven || exit 1
rm -rf "$OUT" && mkdir -p "$OUT"
echo "spark-submit check: building the application jar ..." >&2
(cd "$ROOT" && "$MVN" -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -Pcluster-jar package \
  -pl scalpel-spark -am) >&2 || exit 1
JAR="$ROOT/scalpel-spark/target/scalpel-spark-0.1.0-SNAPSHOT-cluster.jar"
SCALPEL_SPARK_DIR="$OUT/train" SCALPEL_SPARK_JARS=all "$ROOT/bin/spark-train.sh" "${ARGS[@]}" --master in-process \
  --out "$OUT/ref" > "$OUT/ref.log" 2>&1 || { echo "the in-process run failed: $OUT/ref.log" >&2; exit 1; }
MASTER="$("$ROOT/bin/spark-cluster.sh" start 2)" || exit 1
trap '"$ROOT/bin/spark-cluster.sh" stop' EXIT
# what `spark-submit` runs; the driver's JVM options are spark-submit's --driver-java-options on a real cluster
# shellcheck disable=SC2086
"$JAVA" $SCALPEL_SPARK_JVM_OPTS --add-modules jdk.incubator.vector -Dai.djl.offline=true \
  -Dai.djl.pytorch.num_threads=1 -cp "$SCALPEL_SPARK_DIR/home/conf:$SCALPEL_SPARK_DIR/home/jars/*" \
  org.apache.spark.deploy.SparkSubmit --master "$MASTER" --deploy-mode client --class dev.scalpel.spark.SparkTrain \
  --conf spark.executor.cores=1 --conf spark.cores.max=2 --conf spark.executor.memory=1g \
  "$JAR" "${ARGS[@]}" --out "$OUT/submitted" > "$OUT/submitted.log" 2>&1
rc=$?
final() { sed -n '/^main_loss /,/^run: /p' "$1" | grep -v '^run: '; }
if [ $rc = 0 ] && [ -n "$(final "$OUT/submitted.log")" ] && diff <(final "$OUT/ref.log") <(final "$OUT/submitted.log") \
    && diff <(sed 's/,[^,]*$//' "$OUT/ref/metrics.csv") <(sed 's/,[^,]*$//' "$OUT/submitted/metrics.csv"); then
  echo "spark-submit check passed: the submitted run (2 executors, Spark-only workers) equals the in-process run"
  final "$OUT/submitted.log"
  exit 0
fi
echo "spark-submit check FAILED (exit status $rc; logs in $OUT)" >&2
tail -n 20 "$OUT/submitted.log" >&2
exit 1
