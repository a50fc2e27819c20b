#!/usr/bin/env bash
# Reports per second over the report socket, and report -> condition in the book (p50/p99).
#   detector-core/src/bench/report-throughput.sh [seconds] [connections] [daemons]
# Needs a built tree (./mvnw -DskipTests install, then ./mvnw -pl detector-core test-compile).
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-java.sh
seconds=${1:-20}
connections=${2:-8}
daemons=${3:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
find_java25
# The agent's JIT and GC (bin/nodemedic: C1 only, serial GC); the heap holds the harness's timestamps too.
"$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" \
  dev.nodemedic.core.bench.ReportThroughput "$work" "$seconds" "$connections" "$daemons"
