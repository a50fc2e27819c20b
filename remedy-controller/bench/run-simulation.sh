#!/usr/bin/env bash
# Figures for docs/benchmarks.md, "Remedy controller: 5,000 nodes, a 30 % storm": the controller's
# loop and engine over 5,000 Node objects on a simulated clock (RemedySimulation), under -Xmx256m.
# Prints the figures and "RESULT ok", or the budget violations and "RESULT FAILED" (exit 1).
#
#   remedy-controller/bench/run-simulation.sh
#
# Needs a JDK 25 as JAVA (or first on PATH). Run it from anywhere in the repo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
root="$(dirname "$module")"
java="${JAVA:-java}"

if ! "$java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  echo "JDK 25 or newer needed: set JAVA to its bin/java" >&2
  exit 2
fi

(cd "$root" && ./mvnw -B -q test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test -pl remedy-controller)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench-classpath.txt")"

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true
"$java" -version 2>&1 | head -1

echo "== simulation: 5,000 nodes, 6 simulated hours, -Xmx256m"
"$java" -Xmx256m -XX:+UseSerialGC -cp "$cp" dev.nodemedic.remedy.controller.RemedySimulation
