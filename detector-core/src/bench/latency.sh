#!/usr/bin/env bash
# Line appended to a watched file -> node status PATCH received by an API server on loopback.
#   detector-core/src/bench/latency.sh [lines/s] [seconds] [match-rate] [storm]
# 'storm' runs the shipped kernel rules (problems become Events) and prints what reached the API server.
# Needs a built tree (./mvnw -DskipTests install) and python3; the workload is shared/bench's generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-50}
seconds=${2:-60}
match=${3:-0.1}
mode=${4:-latency}
generator=$(cd .. && pwd)/../shared/bench/gen_kernlog.py
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
../mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
java=""
for candidate in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/*/bin/java; do
  if "$candidate" -version 2>&1 | grep -q 'version "2[5-9]'; then java=$candidate; break; fi
done
[ -n "$java" ] || { echo "needs a Java 25" >&2; exit 1; }
"$java" -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" dev.nodemedic.core.bench.AppendToPatchLatency \
  target/nodemedic "$work/run" "$generator" "$rate" "$seconds" "$match" "$mode"
