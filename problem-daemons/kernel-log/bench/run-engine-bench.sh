#!/usr/bin/env bash
# Figures for docs/benchmarks.md, "Kernel-log matching engine": the JMH benchmark of the engine, a
# whole `rules test` run (JVM start included) and the daemon on a live file, pinned to one core, on the standard workload
# (shared/bench/gen_kernlog.py, 1,000,000 kern lines, seed 42).
#
#   problem-daemons/kernel-log/bench/run-engine-bench.sh [WORK_DIR]
#
# Needs a JDK 25 as JAVA (or first on PATH), python3 and taskset. Run it from anywhere in the repo.
# MEMORY_RUN=1 adds a 10-minute run at 1,000 lines/s for memory.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
root="$(cd "$module/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
work="${1:-$(mktemp -d)}"
java="${JAVA:-java}"
cpu="${CPU:-0}"

if ! "$java" -version 2>&1 | grep -qE 'version "(2[5-9]|[3-9][0-9])'; then
  echo "JDK 25 or newer needed: set JAVA to its bin/java" >&2
  exit 2
fi

log="$work/kern.log"
if [[ ! -s "$log" ]]; then
  python3 "$shared/bench/gen_kernlog.py" --lines 1000000 --seed 42 --out "$log"
fi

(cd "$root" && ./mvnw -B -q -Pbench test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test -pl problem-daemons/kernel-log)
cp="$module/target/classes:$module/target/test-classes:$(cat "$module/target/bench-classpath.txt")"

echo "== machine"
nproc
grep -m1 'model name' /proc/cpuinfo || true
"$java" -version 2>&1 | head -1

echo "== JMH: engine alone, one core (taskset -c $cpu), lines/s"
taskset -c "$cpu" "$java" -cp "$cp" org.openjdk.jmh.Main RuleEngineBenchmark -p log="$log" -rf json -rff "$work/jmh.json" 2>&1 \
  | grep -E '^(Benchmark|RuleEngineBenchmark)'

echo "== rules test: whole run, JVM start included, one core (taskset -c $cpu), best of 3"
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, max RSS %M KB" taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.kernellog.RulesTestMain \
    test --config "$module/src/main/resources/config/kernel-monitor-filelog.json" --log "$log" 2>&1 | tail -2
done

echo "== live file, one core (taskset -c $cpu): the daemon follows a file a writer thread appends to"
echo "-- latency at 50 lines/s, every 5th line a problem, 60 s"
taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.kernellog.LiveProbe 50 60 5 2>/dev/null
echo "-- CPU at 1,000 lines/s, 0.1 % problems, 45 s (measured over the last 30 s)"
taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.kernellog.LiveProbe 1000 45 1000 2>/dev/null
echo "-- storm: 100,000 lines/s for 30 s"
taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.kernellog.LiveProbe 100000 30 1000 2>/dev/null

echo "== rules test with a JDK 25 AOT cache (trained on 200,000 lines), one core, best of 3"
jar_tool="$(dirname "$(command -v "$java")")/jar"
rm -f "$work/app.jar" "$work/rules.aot"
"$jar_tool" cf "$work/app.jar" -C "$module/target/classes" . && "$jar_tool" uf "$work/app.jar" -C "$module/target/test-classes" dev
aot_cp="$work/app.jar:$(cat "$module/target/bench-classpath.txt")"
head -200000 "$log" > "$work/train.log"
taskset -c "$cpu" "$java" -XX:AOTCacheOutput="$work/rules.aot" -XX:+UseSerialGC -cp "$aot_cp" dev.nodemedic.daemons.kernellog.RulesTestMain \
  test --config "$module/src/main/resources/config/kernel-monitor-filelog.json" --log "$work/train.log" > /dev/null 2>&1
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, max RSS %M KB" taskset -c "$cpu" "$java" -XX:AOTCache="$work/rules.aot" -XX:+UseSerialGC -cp "$aot_cp" \
    dev.nodemedic.daemons.kernellog.RulesTestMain test --config "$module/src/main/resources/config/kernel-monitor-filelog.json" --log "$log" 2>&1 | tail -2
done

if [[ "${MEMORY_RUN:-0}" == 1 ]]; then
  echo "== memory over 10 minutes at 1,000 lines/s, one core"
  taskset -c "$cpu" "$java" -XX:+UseSerialGC -cp "$cp" dev.nodemedic.daemons.kernellog.LiveProbe 1000 600 1000 2>/dev/null
fi
