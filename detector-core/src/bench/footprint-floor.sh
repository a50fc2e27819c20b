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
source src/bench/bench-java.sh
idle=${1:-60}
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
build_bench_classpath
find_java25
"$java" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.nodemedic.core.bench.LibraryFloor \
  target/nodemedic/bin/nodemedic target/bench-classpath.txt "$work" "$idle"
