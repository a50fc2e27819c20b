# Sourced by the bench scripts here, from the detector-core folder: what they need to run a harness of
# the test classes (dev.nodemedic.core.bench) on Java 25.

# Sets java to a Java 25 or newer: $JAVA_HOME's, else the first one the system has.
find_java25() {
  java=""
  for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -q 'version "2[5-9]'; then java=$candidate; break; fi
  done
  [ -n "$java" ] || { echo "needs a Java 25" >&2; exit 1; }
}

# Builds the distribution (its AOT caches included) and the test classes through the reactor (nothing is
# installed), and writes their class path to target/bench-classpath.txt; with SKIP_BUILD=1 an earlier
# build's is reused.
build_bench_classpath() {
  if [ -z "${SKIP_BUILD:-}" ] || [ ! -f target/bench-classpath.txt ]; then
    # Every module of the reactor writes the file in turn; detector-core, built last, has the final word.
    (cd .. && ./mvnw -B -q -pl detector-core -am -DskipTests package dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/detector-core/target/bench-classpath.txt" >/dev/null)
  fi
}
