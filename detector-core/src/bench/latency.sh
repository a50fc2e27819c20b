#!/usr/bin/env bash
# Line appended to a watched file -> node status PATCH received (and merged) by an API server on loopback.
#   detector-core/src/bench/latency.sh [lines/s] [seconds] [match-rate] [storm]
#   detector-core/src/bench/latency.sh 2 20 1.0     # 40 probe lines 0.5 s apart, each a condition change
# 'storm' runs the shipped kernel rules (problems become Events) and prints what reached the API server.
# Builds the distribution and the test classes through the reactor first (nothing is installed);
# needs python3; the workload is shared/bench's generator.
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-java.sh
rate=${1:-50}
seconds=${2:-60}
match=${3:-0.1}
mode=${4:-latency}
generator=$(cd .. && pwd)/../shared/bench/gen_kernlog.py
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
# Every module of the reactor writes the file in turn; detector-core, built last, has the final word.
(cd .. && ./mvnw -B -q -pl detector-core -am -DskipTests -Daot.skip package dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null)
find_java25
"$java" -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" dev.nodemedic.core.bench.AppendToPatchLatency \
  target/nodemedic "$work/run" "$generator" "$rate" "$seconds" "$match" "$mode"
