#!/usr/bin/env bash
# The floor under the agent's footprint in cluster mode: the least RSS of a JVM that uses the libraries
# the agent is built on (Vert.x, fabric8, Jackson) for the agent's calls to the API server and nothing of
# the agent, each with its own AOT cache and the launcher's flags (LibraryFloor, FloorProbe).
#   detector-core/src/bench/footprint-floor.sh [idle-seconds=60]
# Each probe is measured with the AOT cache its training run made, then with the JDK's CDS archive only.
#   FLOOR_JAVA_OPTS=-Xint detector-core/src/bench/footprint-floor.sh 60     # flags tried on every probe
# Builds the distribution and the test classes through the reactor first (nothing is installed;
# SKIP_BUILD=1 reuses them).
set -euo pipefail
cd "$(dirname "$0")/../.."
idle=${1:-60}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
if [ -z "${SKIP_BUILD:-}" ] || [ ! -f target/bench-classpath.txt ]; then
  (cd .. && ./mvnw -B -q -pl detector-core -am -DskipTests package dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/detector-core/target/bench-classpath.txt" >/dev/null)
fi
java=""
for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java; do
  if "$candidate" -version 2>&1 | grep -q 'version "2[5-9]'; then java=$candidate; break; fi
done
[ -n "$java" ] || { echo "needs a Java 25" >&2; exit 1; }
"$java" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.nodemedic.core.bench.LibraryFloor \
  target/nodemedic/bin/nodemedic target/bench-classpath.txt "$work" "$idle"
