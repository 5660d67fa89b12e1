#!/usr/bin/env bash
# Runs a main class of scalpel-experiments (the step benchmarks) with the module's runtime classpath and JVM flags.
#   scalpel-experiments/scripts/run-main.sh dev.scalpel.experiments.bench.StepBench --rounds 6
# Environment: JAVA_HOME (a JDK >= 21; else the newest one under /usr/lib/jvm), JAVA_OPTS (extra JVM flags),
# SKIP_BUILD=1 to reuse the last build.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
. "$root/bin/env.sh"
scalpel_find_java || exit 1
scalpel_find_maven || exit 1
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  (cd "$root" && "$MVN" -q -pl scalpel-experiments -am compile dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime >/dev/null)
fi
cp="$here/target/classes:$root/scalpel-core/target/classes:$root/scalpel-train/target/classes:$root/scalpel-djl/target/classes:$(cat "$here/target/classpath.txt")"
exec "$JAVA_HOME/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -Dai.djl.offline=true ${JAVA_OPTS:-} -cp "$cp" "$@"
