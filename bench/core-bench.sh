#!/usr/bin/env bash
# Scalpel core benchmark: every method's direction step (in place, out == gMain) against a STREAM-style triad,
# over P = 10^3 ... 10^8 floats and 1 vs 2 threads, with JMH; then a markdown report made from the JSON results.
#
#   bench/core-bench.sh [--smoke] [--out DIR] [--prepend CLASSPATH] [--no-build]
#
#   --smoke     a quick pipeline check (P = 10^3 and 10^6, very short iterations; numbers meaningless), ~2 min
#   --out DIR   where the JSON, logs and report.md go (default scalpel-bench/target/core-bench/<UTC time>)
#   --prepend CP  classpath entries put before the benchmark jar (to try a changed core class without a rebuild)
#   --no-build  use scalpel-bench/target/benchmarks.jar as it is
#
# The full run takes about 13 minutes. JDK: $JAVA_HOME if it is 21 or newer, else the newest /usr/lib/jvm/* that is.
# Results: $OUT/*.json (JMH -rf json), $OUT/*.log (JMH output), $OUT/report.md (tables, via dev.scalpel.bench.Report).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAR="$ROOT/scalpel-bench/target/benchmarks.jar"
SMOKE=0
BUILD=1
PREPEND=""
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    --prepend) PREPEND="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "core-bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

java_major() { # prints the major version of the java binary $1, or 0
  local v
  v="$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n1)" || true
  case "$v" in
    1.*) echo "${v#1.}" | cut -d. -f1 ;;
    "") echo 0 ;;
    *) echo "$v" | cut -d. -f1 | cut -d- -f1 | cut -d+ -f1 ;;
  esac
}

find_jdk() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ] \
      && [ "$(java_major "$JAVA_HOME/bin/java")" -ge 21 ]; then
    echo "$JAVA_HOME"; return 0
  fi
  local best="" best_v=0 d v
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    v="$(java_major "$d/bin/java")"
    if [ "$v" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$d"; best_v="$v"; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}

JDK="$(find_jdk)" || { echo "core-bench: no JDK >= 21 (set JAVA_HOME or install one under /usr/lib/jvm)" >&2; exit 1; }
export JAVA_HOME="$JDK"
JAVA="$JDK/bin/java"
echo "core-bench: JDK $JDK ($("$JAVA" -version 2>&1 | head -n1))"

if [ "$BUILD" = 1 ]; then
  stale=0
  if [ ! -f "$JAR" ]; then
    stale=1
  elif [ -n "$(find "$ROOT/pom.xml" "$ROOT/scalpel-core/pom.xml" "$ROOT/scalpel-bench/pom.xml" \
      "$ROOT/scalpel-core/src/main" "$ROOT/scalpel-bench/src/main" -newer "$JAR" -type f 2>/dev/null | head -n1)" ]; then
    stale=1
  fi
  if [ "$stale" = 1 ]; then
    echo "core-bench: building $JAR"
    (cd "$ROOT" && mvn -q -pl scalpel-bench -am package -DskipTests)
  fi
fi
[ -f "$JAR" ] || { echo "core-bench: $JAR missing (build with mvn -pl scalpel-bench -am package)" >&2; exit 1; }

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
[ -n "$OUT" ] || OUT="$ROOT/scalpel-bench/target/core-bench/$STAMP"
mkdir -p "$OUT"
CP="$JAR"
[ -z "$PREPEND" ] || CP="$PREPEND:$JAR"

FAILED=0
jmh() { # jmh NAME ARGS... : one JMH invocation, JSON to $OUT/NAME.json, log to $OUT/NAME.log
  local name="$1"; shift
  echo "core-bench: [$name] $(date -u +%H:%M:%S) jmh $*" | tee -a "$OUT/commands.txt"
  if ! "$JAVA" -cp "$CP" org.openjdk.jmh.Main "$@" -rf json -rff "$OUT/$name.json" >"$OUT/$name.log" 2>&1; then
    echo "core-bench: [$name] JMH exited with an error, see $OUT/$name.log" >&2
    FAILED=1
  fi
  if grep -q '<failure>' "$OUT/$name.log"; then
    echo "core-bench: [$name] some benchmarks failed, see $OUT/$name.log" >&2
    FAILED=1
  fi
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)' "$OUT/$name.log" || true
}

DIR='\.DirectionBench\.direction$'
SCALAR='\.ScalarDirectionBench\.direction$'
TRIAD='\.TriadBench\.inPlace$'
CLASSIC='\.TriadBench\.classic$'
BUF='\.BufferBench\.'

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
T0="$(date +%s)"
if [ "$SMOKE" = 1 ]; then
  Q=(-f 1 -wi 1 -w 200ms -i 1 -r 200ms)
  jmh main "$DIR" "$TRIAD" -p P=1000,1000000 -prof gc "${Q[@]}"
  jmh extras "$SCALAR" "$BUF" "$CLASSIC" -p P=1000000 -p method=bloop "${Q[@]}"
else
  # Settings: the vector kernels need ~2 iterations of warm-up (C2 compiles the Vector API intrinsics); one
  # fork per point keeps the whole run near 12 minutes. 10^8 gets longer iterations (a call there is ~0.1-0.5 s).
  # -prof gc records the bytes allocated per call (the in-place path should allocate none).
  S=(-f 1 -wi 3 -w 600ms -i 4 -r 600ms)
  L=(-f 1 -wi 2 -w 1s -i 3 -r 1500ms)
  jmh main "$DIR" "$TRIAD" -p P=1000,10000,100000,1000000,10000000 -prof gc "${S[@]}"
  jmh large "$DIR" "$TRIAD" "$CLASSIC" -p P=100000000 -prof gc "${L[@]}"
  # Where two threads start to pay: bloop and mixed just above the core's 2^17 single-thread cut-off.
  jmh crossover "$DIR" "$TRIAD" -p P=131072,262144,524288 -p method=bloop,mixed "${S[@]}"
  # Cache cliff of this machine: triads whose 2 arrays are 114 MB and 229 MB; classic triad at 10^7.
  jmh cliff "$TRIAD" -p P=15000000,30000000 "${S[@]}"
  jmh classic "$CLASSIC" -p P=10000000 "${S[@]}"
  jmh scalar "$SCALAR" -p P=1000000,10000000 -p method=mixed,bloop "${S[@]}"
  jmh buffers "$BUF" "${S[@]}"
fi
T1="$(date +%s)"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

cpu_field() { lscpu 2>/dev/null | sed -n "s/^$1:[[:space:]]*//p" | head -n1; }
{
  echo "## Scalpel core benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), run time $(( (T1 - T0) / 60 )) min $(( (T1 - T0) % 60 )) s$([ "$SMOKE" = 1 ] && echo ' (SMOKE run: numbers meaningless)')"
  echo "- command: \`bench/core-bench.sh$([ "$SMOKE" = 1 ] && echo ' --smoke')$([ -n "$PREPEND" ] && echo " --prepend $PREPEND")\`" \
       "(commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$ROOT" && git diff --quiet HEAD -- scalpel-core scalpel-bench 2>/dev/null || echo ', with uncommitted changes'))"
  echo "- JDK: $("$JAVA" -version 2>&1 | sed -n 2p); JVM flags: --add-modules jdk.incubator.vector -Xms1g -Xmx6g"
  echo "- CPU: $(cpu_field 'Model name'), $(nproc) CPUs; L1d $(cpu_field 'L1d cache'), L2 $(cpu_field 'L2 cache'), L3 $(cpu_field 'L3 cache')"
  echo "- load average (1/5/15 min) at start: $LOAD_START, at end: $LOAD_END"
  echo "- JMH invocations (one fork per point):"
  echo
  echo '```'
  sed 's/^core-bench: //' "$OUT/commands.txt"
  echo '```'
  echo
  "$JAVA" -cp "$CP" dev.scalpel.bench.Report "$OUT"/*.json
} >"$OUT/report.md"
echo "core-bench: report $OUT/report.md"
exit "$FAILED"
