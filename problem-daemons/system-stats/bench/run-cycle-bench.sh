#!/usr/bin/env bash
# Figures for docs/benchmarks.md, "System stats": CPU per collection cycle of the system-stats daemon
# on this machine's /proc, /sys and /etc, with NPD's own system-stats-monitor.json and
# net-cgroup-system-stats-monitor.json, read from shared/npd-configs at run time (not kept in this repo).
#
#   problem-daemons/system-stats/bench/run-cycle-bench.sh
#
# Needs a JDK 25 as JAVA (or first on PATH) and taskset. Run it from anywhere in the repo.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
root="$(cd "$module/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
java="${JAVA:-java}"
cpu="${CPU:-0}"

if ! "$java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  echo "JDK 25 or newer needed: set JAVA to its bin/java" >&2
  exit 2
fi

(cd "$root" && ./mvnw -B -q -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test -pl problem-daemons/system-stats)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench-classpath.txt")"

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true
"$java" -version 2>&1 | head -1

for config in system-stats-monitor.json net-cgroup-system-stats-monitor.json; do
  echo "== $config, one core (taskset -c $cpu)"
  taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.systemstats.CycleProbe "$shared/npd-configs/$config"
done
