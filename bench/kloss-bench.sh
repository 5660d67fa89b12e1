#!/usr/bin/env bash
# Scalpel k-loss benchmark: the Gramian pass + k×k solve + combine pass for k = 2, 3, 5, 8 at P = 10^7 and 10^8
# on 1 and 2 threads (upgrad, bloop, mean), against an in-place triad measured in the same run; and the k×k solve
# time of every method for k = 2 … 64. JMH; then a markdown report (dev.scalpel.bench.KLossReport).
#
#   bench/kloss-bench.sh [--smoke] [--out DIR] [--no-build]
#
#   --smoke     a quick pipeline check (P = 10^7 only, k = 2 and 8, short iterations; numbers meaningless)
#   --out DIR   where the JSON, logs and report.md go (default scalpel-bench/target/kloss-bench/<UTC time>)
#   --no-build  use scalpel-bench/target/benchmarks.jar as it is
#
# The full run takes about 25 minutes and needs ~12 GB of memory (8 gradients and 7 EMAs of 10^8 floats).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/bin/env.sh"
scalpel_find_java || exit 1
JAR="$ROOT/scalpel-bench/target/benchmarks.jar"
SMOKE=0
BUILD=1
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --no-build) BUILD=0 ;;
    --out) OUT="$2"; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "kloss-bench: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$BUILD" = 1 ]; then
  scalpel_find_maven || exit 1
  (cd "$ROOT" && "$MVN" -q -B -pl scalpel-bench -am package -DskipTests)
fi
[ -f "$JAR" ] || { echo "kloss-bench: $JAR missing (build with mvn -pl scalpel-bench -am package)" >&2; exit 1; }
[ -n "$OUT" ] || OUT="$ROOT/scalpel-bench/target/kloss-bench/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

jmh() { # jmh NAME ARGS...
  local name="$1"; shift
  echo "kloss-bench: [$name] $(date -u +%H:%M:%S) jmh $*" | tee -a "$OUT/commands.txt"
  "$JAVA" -cp "$JAR" org.openjdk.jmh.Main "$@" -rf json -rff "$OUT/$name.json" >"$OUT/$name.log" 2>&1 \
    || { echo "kloss-bench: [$name] JMH failed, see $OUT/$name.log" >&2; exit 1; }
  grep -E '^(Benchmark|[A-Z][A-Za-z]+Bench\.)' "$OUT/$name.log" || true
}

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
T0="$(date +%s)"
if [ "$SMOKE" = 1 ]; then
  Q=(-f 1 -wi 1 -w 300ms -i 1 -r 300ms)
  jmh passes '\.KLossBench\.' '\.TriadBench\.inPlace$' -p P=10000000 -p k=2,8 "${Q[@]}"
  jmh solve '\.SolveBench\.' -p k=2,64 "${Q[@]}"
else
  jmh passes7 '\.KLossBench\.' '\.TriadBench\.inPlace$' -p P=10000000 -f 1 -wi 2 -w 1s -i 4 -r 1s
  jmh passes8 '\.KLossBench\.' '\.TriadBench\.inPlace$' -p P=100000000 -f 1 -wi 1 -w 2s -i 3 -r 2s
  jmh solve '\.SolveBench\.' -f 1 -wi 3 -w 500ms -i 3 -r 500ms
fi
T1="$(date +%s)"
LOAD_END="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
{
  echo "## Scalpel k-loss benchmark results"
  echo
  echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'), run time $(( (T1 - T0) / 60 )) min $(( (T1 - T0) % 60 )) s$([ "$SMOKE" = 1 ] && echo ' (SMOKE run: numbers meaningless)')"
  echo "- command: \`bench/kloss-bench.sh$([ "$SMOKE" = 1 ] && echo ' --smoke')\` (commit $(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "- JDK: $("$JAVA" -version 2>&1 | sed -n 2p); CPU: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1), $(nproc) CPUs"
  echo "- load average (1/5/15 min) at start: $LOAD_START, at end: $LOAD_END"
  echo
  echo '```'
  sed 's/^kloss-bench: //' "$OUT/commands.txt"
  echo '```'
  echo
  "$JAVA" -cp "$JAR" dev.scalpel.bench.KLossReport "$OUT"/*.json
} >"$OUT/report.md"
echo "kloss-bench: report $OUT/report.md"
