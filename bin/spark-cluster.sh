#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, from the Maven artifacts (no Spark distribution needed):
#   bin/spark-cluster.sh start [WORKERS]   a master and WORKERS workers (default 2) of one core each; prints the URL
#   bin/spark-cluster.sh stop              stops them
#   bin/spark-cluster.sh status            the master's view (JSON)
#   bin/spark-cluster.sh jars              only builds the jars/ directory (bin/spark-train.sh uses it)
# Each daemon is a JVM of its own; executors are started by the workers. SPARK_HOME is a directory of links to
# scalpel-spark's jar and its dependencies (Spark's workers look for jars/ there). State, logs and the executors'
# work directories: $SCALPEL_SPARK_DIR (default /tmp/scalpel-spark-cluster). Ports: $SCALPEL_SPARK_PORT (7177) and
# the web UIs from $SCALPEL_SPARK_UI_PORT (18180). SCALPEL_SPARK_JARS=spark leaves Scalpel and DJL out of jars/, as
# on a real cluster (the application then comes with spark-submit: bin/spark-submit-check.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/env.sh"
DIR="${SCALPEL_SPARK_DIR:-/tmp/scalpel-spark-cluster}"
PORT="${SCALPEL_SPARK_PORT:-7177}"
UI="${SCALPEL_SPARK_UI_PORT:-18180}"
URL="spark://127.0.0.1:$PORT"
OPENS="$SCALPEL_SPARK_JVM_OPTS"

stop() {
  for f in "$DIR"/*.pid; do
    [ -e "$f" ] || continue
    kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
}

master_json() {
  if command -v curl > /dev/null; then
    curl -s "http://127.0.0.1:$UI/json/" 2>/dev/null || true
  else
    python3 -c "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('http://127.0.0.1:$UI/json/').read().decode())" 2>/dev/null || true
  fi
}

alive() {
  master_json | sed -n 's/.*"aliveworkers" : \([0-9]*\).*/\1/p'
}

# builds scalpel-spark and links its jar and every dependency into $DIR/home/jars (a SPARK_HOME-like directory)
jars() {
  scalpel_find_java || exit 1
  scalpel_find_maven || exit 1
  mkdir -p "$DIR/home/jars" "$DIR/home/conf"
  echo "spark-cluster: building scalpel-spark and its classpath ..." >&2
  (cd "$ROOT" && "$MVN" -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true install \
    -pl scalpel-spark -am) >&2
  local scope="" own="$ROOT/scalpel-spark/target/scalpel-spark-0.1.0-SNAPSHOT.jar"
  if [ "${SCALPEL_SPARK_JARS:-all}" = spark ]; then # as on a real cluster: no Scalpel, no DJL; spark-submit brings them
    scope="-DexcludeGroupIds=dev.scalpel,ai.djl,ai.djl.pytorch"; own=""
  fi
  (cd "$ROOT" && "$MVN" -q -B -f scalpel-spark/pom.xml dependency:build-classpath $scope \
    -Dmdep.outputFile="$DIR/classpath.txt") >&2
  rm -f "$DIR/home/jars/"*
  for j in $(tr ':' ' ' < "$DIR/classpath.txt") $own; do
    ln -s "$j" "$DIR/home/jars/"
  done
  cp "$ROOT/scalpel-spark/src/test/resources/log4j2-test.properties" "$DIR/home/conf/log4j2.properties"
  touch "$DIR/classpath.txt" # bin/spark-train.sh rebuilds when a source is newer
}

case "${1:-}" in
  start)
    workers="${2:-2}"
    if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then
      echo "spark-cluster: WORKERS ($workers) must be an integer >= 1" >&2
      exit 2
    fi
    if [ -n "$(master_json)" ] || (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
      echo "spark-cluster: port $PORT or $UI is in use (another cluster?); stop it, or choose others with" \
        "SCALPEL_SPARK_PORT and SCALPEL_SPARK_UI_PORT" >&2
      exit 1
    fi
    stop
    jars
    export SPARK_HOME="$DIR/home" SPARK_LOCAL_IP=127.0.0.1 SPARK_SCALA_VERSION=2.13
    cp_="$DIR/home/conf:$DIR/home/jars/*"
    # shellcheck disable=SC2086
    nohup "$JAVA" $OPENS -Dspark.port.maxRetries=0 -Xmx512m -cp "$cp_" org.apache.spark.deploy.master.Master --host 127.0.0.1 \
      --port "$PORT" --webui-port "$UI" > "$DIR/master.log" 2>&1 &
    echo $! > "$DIR/master.pid"
    for w in $(seq 1 "$workers"); do
      # shellcheck disable=SC2086
      nohup "$JAVA" $OPENS -Dspark.port.maxRetries=0 -Xmx512m -cp "$cp_" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
        --cores 1 --memory 2g --work-dir "$DIR/work" --webui-port $((UI + w)) "$URL" > "$DIR/worker$w.log" 2>&1 &
      echo $! > "$DIR/worker$w.pid"
    done
    for _ in $(seq 1 120); do
      if [ "$(alive)" = "$workers" ]; then
        echo "$URL"
        exit 0
      fi
      sleep 1
    done
    echo "spark-cluster: $workers worker(s) did not register within 120 s; logs in $DIR" >&2
    stop
    exit 1
    ;;
  stop) stop ;;
  jars) jars ;;
  status)
    json="$(master_json)"
    if [ -z "$json" ]; then
      echo "spark-cluster: no master answers at http://127.0.0.1:$UI" >&2
      exit 1
    fi
    echo "$json"
    ;;
  *) echo "usage: bin/spark-cluster.sh start [WORKERS] | stop | status | jars" >&2; exit 2 ;;
esac
