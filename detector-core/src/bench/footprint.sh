#!/usr/bin/env bash
# Measures the agent's footprint in local mode, from the distribution: time from process start to
# /healthz 200 (JVM start included), resident memory after an idle period, and CPU while idle.
#   detector-core/src/bench/footprint.sh [distribution-dir] [idle-seconds] [cpu-seconds] [starts]
# Prints the figures; nothing else is needed on the machine but curl.
set -euo pipefail
dist=${1:-$(cd "$(dirname "$0")/../.." && pwd)/target/nodemedic}
idle=${2:-30}
cpu_window=${3:-60}
starts=${4:-5}
port=${PORT:-20299}
work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
printf 'status:\n  port: %s\npluginsDir: %s\n' "$port" "$dist/plugins" > "$work/agent.yaml"

now_ms() { date +%s%3N; }

start_agent() {
  "$dist/bin/nodemedic" run --local --config "$work/agent.yaml" >"$work/agent.log" 2>&1 &
  pid=$!
}

wait_healthy() {
  for _ in $(seq 1 3000); do
    if curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then return 0; fi
    sleep 0.005
  done
  echo "agent did not become healthy; log:" >&2; cat "$work/agent.log" >&2; return 1
}

echo "distribution: $dist"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "java flags: $(sed -n 's/^opts="\(.*\)/\1/p' "$dist/bin/nodemedic" | head -1) ..."
[ -f "$dist/lib/nodemedic.aot" ] && echo "AOT cache: yes" || echo "AOT cache: no"

times=()
for i in $(seq 1 "$starts"); do
  t0=$(now_ms); start_agent; wait_healthy; t1=$(now_ms)
  times+=($((t1 - t0)))
  if [ "$i" -lt "$starts" ]; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')
echo "start to /healthz 200 (ms, $starts starts, JVM start included): $sorted"
echo "  median: $(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}') ms"

sleep "$idle"
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "RSS after ${idle}s idle: $((rss_kb / 1024)) MiB ($rss_kb kB)"
# Where it is: anonymous (heap, metaspace, code cache, stacks, malloc) against file-backed (libjvm and the
# mapped AOT cache, whose pages count as the agent's own once the JVM has relocated them).
awk '/RssAnon|RssFile/ {printf "  %s %d kB", $1, $2} END {print ""}' /proc/$pid/status
awk '/^[0-9a-f]+-[0-9a-f]+ / {aot = ($NF ~ /nodemedic\.aot$/)} aot && /^Rss:/ {kb += $2} END {printf "  of which the AOT cache: %d kB\n", kb}' /proc/$pid/smaps

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' /proc/$pid/stat; }
c0=$(cpu); sleep "$cpu_window"; c1=$(cpu)
awk -v d=$((c1 - c0)) -v t="$ticks" -v w="$cpu_window" 'BEGIN {printf "CPU while idle over %ds: %.2f %% of one core\n", w, 100 * d / t / w}'
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
echo "RSS at the end: $((rss_kb / 1024)) MiB"
echo "threads: $(ls /proc/$pid/task | wc -l)"
