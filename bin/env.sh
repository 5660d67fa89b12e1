# Sourced by ./scalpel and ./run-tests: finds a JDK >= 21 and Maven, and exports JAVA_HOME, JAVA and MVN.
# Order: $JAVA_HOME if it is >= 21, then the newest JDK >= 21 under /usr/lib/jvm. Maven: `mvn` on the PATH,
# installed with apt-get when missing and running as root.

scalpel_java_major() { # prints the major version of the java binary $1, or nothing
  local v
  v=$("$1" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)
  case "$v" in
    1.*) echo "$v" | cut -d. -f2 ;;
    "") ;;
    *) echo "$v" | cut -d. -f1 | cut -d- -f1 | cut -d+ -f1 ;;
  esac
}

scalpel_find_java() {
  local cand major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(scalpel_java_major "$JAVA_HOME/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME JAVA="$JAVA_HOME/bin/java"
      return 0
    fi
    echo "scalpel: JAVA_HOME=$JAVA_HOME is Java ${major:-?}; looking for a JDK >= 21 under /usr/lib/jvm" >&2
  fi
  for cand in /usr/lib/jvm/*; do
    [ -x "$cand/bin/java" ] && [ -x "$cand/bin/javac" ] || continue
    major=$(scalpel_java_major "$cand/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
      best="$cand"; best_major="$major"
    fi
  done
  if [ -z "$best" ]; then
    echo "scalpel: no JDK >= 21 found (JAVA_HOME=${JAVA_HOME:-unset}; nothing suitable under /usr/lib/jvm)." >&2
    echo "scalpel: install one (e.g. apt-get install openjdk-21-jdk-headless, or Temurin 25) or set JAVA_HOME." >&2
    return 1
  fi
  export JAVA_HOME="$best" JAVA="$best/bin/java"
}

scalpel_find_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "scalpel: Maven not found; installing it with apt-get" >&2
      apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2 || return 1
    else
      echo "scalpel: Apache Maven (3.8+) is needed to build; install it (apt-get install maven)." >&2
      return 1
    fi
  fi
  export MVN="mvn"
  # Maven 3.8's bundled Guava calls sun.misc.Unsafe; JDK 24+ warns about it on every build unless allowed.
  if [ -z "${MAVEN_OPTS:-}" ] && [ "$(scalpel_java_major "$JAVA")" -ge 24 ]; then
    export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow"
  fi
}

# The JVM options Spark's JVMs need on JDK 17+ (the module opens of Spark's launcher), as for scalpel-spark's tests
SCALPEL_SPARK_JVM_OPTS="--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
 --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
 --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
 --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
 --add-opens=java.base/sun.util.calendar=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true
 --enable-native-access=ALL-UNNAMED"
