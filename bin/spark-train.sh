#!/usr/bin/env bash
# Runs the driver of a data-parallel run (dev.scalpel.spark.SparkTrain) in this machine's JVM, with scalpel-spark and
# Spark from the Maven artifacts (the jars/ directory bin/spark-cluster.sh builds; built here when missing):
#   bin/spark-train.sh --task lm --method bloop:lambda=1,ema=0.01 --set micro_batches=4 --out runs/lm-spark \
#       [--master spark://127.0.0.1:7177 | local[N] | in-process] [--executors 2] [--executor-memory 1g]
# Re-running the same command resumes the run from its checkpoint. On a real cluster use spark-submit instead
# (scalpel-spark/README.md).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/env.sh"
DIR="${SCALPEL_SPARK_DIR:-/tmp/scalpel-spark-cluster}"
scalpel_find_java || exit 1
if [ ! -e "$DIR/home/jars/scalpel-spark-0.1.0-SNAPSHOT.jar" ] \
    || [ -n "$(find "$ROOT" -path "$ROOT/*/target" -prune -o \( -name '*.java' -o -name 'pom.xml' \) \
      -newer "$DIR/classpath.txt" -print 2>/dev/null | head -n 1)" ]; then
  "$ROOT/bin/spark-cluster.sh" jars
fi
# on loopback (no --master, local[N], a master on 127.0.0.1 or localhost) Spark binds to 127.0.0.1 without warning
case " $* " in
  *" --master spark://"*) case " $* " in *"spark://127.0.0.1"*|*"spark://localhost"*) export SPARK_LOCAL_IP=127.0.0.1 ;; esac ;;
  *) export SPARK_LOCAL_IP=127.0.0.1 ;;
esac
extra=""
if [ "$(scalpel_java_major "$JAVA")" -ge 24 ]; then
  extra="--sun-misc-unsafe-memory-access=allow" # Spark's Platform calls sun.misc.Unsafe; JDK 24+ warns otherwise
fi
# shellcheck disable=SC2086
exec "$JAVA" $SCALPEL_SPARK_JVM_OPTS $extra --add-modules jdk.incubator.vector -Djava.awt.headless=true \
  -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
  -Xmx${SCALPEL_SPARK_DRIVER_MEMORY:-2g} -cp "$DIR/home/conf:$DIR/home/jars/*" dev.scalpel.spark.SparkTrain "$@"
