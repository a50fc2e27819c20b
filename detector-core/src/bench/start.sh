#!/usr/bin/env bash
# Launcher start -> first /healthz 200, JVM start included, in local mode and in cluster mode against
# fabric8's mock API server over TLS (and, in cluster mode, -> the first node status PATCH received),
# with the JVM's CPU time (user+sys) at that first /healthz 200.
#   detector-core/src/bench/start.sh [starts per mode]
# Needs a built tree (./mvnw -B -DskipTests install, as latency.sh), or the class path footprint-cluster.sh
# leaves in target/bench-classpath.txt; and a Java 25. DIST=<folder> starts another distribution (a
# copy of an older build, for an A/B).
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-java.sh
starts=${1:-7}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
if [ -f target/bench-classpath.txt ]; then
  cp target/bench-classpath.txt "$work/cp.txt"
else
  ../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
fi
find_java25
"$java" -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" dev.nodemedic.core.bench.StartToHealthz "${DIST:-target/nodemedic}" "$work/run" "$starts"
