#!/usr/bin/env bash
# Figures for docs/benchmarks.md, "NPD's own rule files": the agent (the distribution, JVM start
# included) and `nodemedic rules test`, each on NPD's upstream files as they are and on ours, pinned to
# one core, on the standard workload (shared/bench/gen_kernlog.py, 1,000,000 kern lines, seed 42).
#
#   problem-daemons/kernel-log/bench/run-npd-configs-bench.sh [RUNS=5] [WORK_DIR]
#
# Needs the distribution built (./mvnw -B -DskipTests package -pl detector-core -am, with the plugin
# modules), python3 and taskset. CPU picks the core (default 1). NPD's configs are read from
# shared/npd-configs at run time: its 11 kernel rules (kernel-monitor.json) with the filelog plugin and
# pluginConfig of its kernel-monitor-filelog.json (`kernel: \[.*\] (.*)`), logPath set to the workload
# and lookback widened to 24h (the workload's stamps are those of when it was generated).
#
# Agent, three ways (AGENT_MODES picks): "npd-flags", NPD's rule file through NPD's own flag, as NPD's
# DaemonSet passes it (`run --local --config.system-log-monitor=kernel-monitor.json`: only the monitors
# named run, as in NPD); "npd", the same file as an instance in our agent config (every plugin of the
# distribution runs its default instance beside it); "ours", our rewritten config the same way.
# Each is `nodemedic run --local` with one kernel-log instance on the file, read from its start; the time
# is from the launcher's start until nodemedic_kernel_log_lines_read_total, scraped from /metrics over one kept-open connection (every
# 50 ms before the first line, 10 ms near the end, else 100 ms), counts every line ("to last line"), and the same from the first scrape that counts any line
# ("steady": the reading alone, after start); and the CPU time the agent used until then (utime+stime,
# all its threads, JVM start included), which other processes on the core do not inflate as they do
# the wall time. Then the agent is left reading nothing for 20 s and its
# CPU over the next 30 s is reported, and a writer appends 1,000 lines/s for 40 s and the CPU of the
# agent and of its kernel-log reader thread over the last 30 s is reported (utime+stime from /proc).
# LIVE=0 leaves those out. DIST names another distribution (a copy of an older build, to alternate
# old and new run by run on a loaded machine).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
module="$(dirname "$here")"
root="$(cd "$module/../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
runs="${1:-5}"
work="${2:-$(mktemp -d)}"
cpu="${CPU:-1}"
dist="${DIST:-$root/detector-core/target/nodemedic}"
lines=1000000

[[ -x "$dist/bin/nodemedic" ]] || { echo "no distribution at $dist: build it first" >&2; exit 2; }
mkdir -p "$work"
log="$work/kern.log"
[[ -s "$log" ]] || python3 "$shared/bench/gen_kernlog.py" --lines "$lines" --seed 42 --out "$log"

python3 - "$shared/npd-configs" "$dist/config" "$log" "$work" <<'PY'
import json, sys
npd, ours, log, work = sys.argv[1:]
rules = json.load(open(f"{npd}/kernel-monitor.json"))
filelog = json.load(open(f"{npd}/kernel-monitor-filelog.json"))
for key in ("plugin", "pluginConfig"):
    rules[key] = filelog[key]
rules.update(logPath=log, lookback="24h")
json.dump(rules, open(f"{work}/npd.json", "w"), indent=1)
mine = json.load(open(f"{ours}/kernel-monitor-filelog.json"))
mine.update(logPath=log, lookback="24h")
json.dump(mine, open(f"{work}/ours.json", "w"), indent=1)
PY

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== workload: $lines kern lines, $(wc -c < "$log") bytes; one core: taskset -c $cpu"

agent_run() { # mode run-number; mode: npd-flags, npd or ours
  local mode=$1 n=$2 dir="$work/agent-$1-$2" name=${1%-flags}
  mkdir -p "$dir"
  cat > "$dir/agent.yaml" <<YAML
nodeName: bench-node
pluginsDir: $dist/plugins
status: {port: 0}
metrics: {port: 0}
report: {enabled: false}
daemons:
  - daemon: kernel-log
    name: kernel-monitor
    config: $work/$name.json
YAML
  python3 - "$dist/bin/nodemedic" "$dir" "$cpu" "$lines" "$mode" "$work/$name.json" <<'PY'
import http.client, os, re, socket, subprocess, sys, time, urllib.parse
launcher, d, cpu, lines, mode, rules = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5], sys.argv[6]
if mode.endswith("-flags"):
    # As NPD's DaemonSet runs it: the rule file named by NPD's flag (so only the monitors named run, as
    # in NPD), on free ports in place of NPD's 20256 and 20257.
    def free_ports(n):
        # All bound at once, so the two cannot be the same port.
        held = [socket.socket() for _ in range(n)]
        for s in held:
            s.bind(("127.0.0.1", 0))
        ports = [s.getsockname()[1] for s in held]
        for s in held:
            s.close()
        return ports
    status_port, metrics_port = free_ports(2)
    # The file under NPD's name, so the instance (and its reader thread) is kernel-monitor as in NPD.
    named = f"{d}/kernel-monitor.json"
    with open(rules) as src, open(named, "w") as dst:
        dst.write(src.read())
    args = [f"--config.system-log-monitor={named}", f"--port={status_port}", f"--prometheus-port={metrics_port}"]
else:
    args = ["--config", f"{d}/agent.yaml"]
out = open(f"{d}/agent.log", "w")
t0, wall0 = time.monotonic(), time.time()
p = subprocess.Popen(["taskset", "-c", cpu, launcher, "run", "--local"] + args, stdout=out, stderr=subprocess.STDOUT)
def ticks(task=None):
    """utime+stime of the agent, or of its thread whose name starts with task."""
    if task is None:
        f = open(f"/proc/{p.pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    for t in os.listdir(f"/proc/{p.pid}/task"):
        s = open(f"/proc/{p.pid}/task/{t}/stat").read()
        if s[s.index("(") + 1:s.rindex(")")].startswith(task):
            f = s.rsplit(")", 1)[1].split()
            return int(f[11]) + int(f[12])
    return 0
url, first, last, seen, conn = None, None, None, 0, None
try:
    while time.monotonic() - t0 < 120:
        if url is None:
            m = re.search(r"metrics=(http://\S+/metrics)", open(f"{d}/agent.log").read())
            if m:
                url = m.group(1)
            time.sleep(0.005)
            continue
        # One connection kept open, as Prometheus scrapes: a new connection costs the agent ≈ 2-3 ms of
        # CPU on its one core (C1; Netty's channel and pipeline), a request on an open one ≈ 0.2 ms.
        if conn is None:
            target = urllib.parse.urlsplit(url)
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=5)
        conn.request("GET", urllib.parse.urlsplit(url).path)
        text = conn.getresponse().read().decode()
        seen = sum(float(v) for v in re.findall(r'^nodemedic_kernel_log_lines_read_total\{[^}]*\} (\S+)', text, re.M))
        now = time.monotonic()
        if seen > 0 and first is None:
            first = (now, seen)
        if seen >= lines:
            last, cpu_used = now, ticks() / os.sysconf("SC_CLK_TCK")
            break
        # A scrape costs the agent CPU on its one core: every 100 ms while the end is far, every 10 ms
        # once the rate seen so far says it is less than 0.3 s away.
        rate = (seen - first[1]) / (now - first[0]) if first and now > first[0] and seen > first[1] else 0
        near = rate > 0 and (lines - seen) / rate < 0.3
        time.sleep(0.01 if near else 0.05 if seen == 0 else 0.1)
    if last is None:
        print(f"  run: only {seen:.0f} lines counted in 120 s; see {d}/agent.log")
        sys.exit(1)
    whole = last - t0
    began = re.search(r"^(\S+) INFO .*kernel-log reading", open(f"{d}/agent.log").read(), re.M)
    import datetime
    began = datetime.datetime.fromisoformat(began.group(1).replace("Z", "+00:00")).timestamp() - wall0
    print(f"  run: the agent started and its kernel-log began to read at {began:.2f} s (JVM start included); "
          f"read the file in {whole - began:.2f} s = {lines / (whole - began):,.0f} lines/s")
    steady = (lines - first[1]) / (last - first[0]) if last > first[0] else float("nan")
    print(f"  run: to last line {whole:.2f} s = {lines / whole:,.0f} lines/s (JVM start included); "
          f"first line counted at {first[0] - t0:.2f} s; steady {steady:,.0f} lines/s; "
          f"CPU of the agent to then {cpu_used:.2f} s = {lines / cpu_used:,.0f} lines per CPU-second")
    if os.environ.get("IDLE", "1") == "1":
        time.sleep(20)
        a, ta = ticks(), time.monotonic()
        time.sleep(30)
        hz = os.sysconf("SC_CLK_TCK")
        print(f"  idle after the file: {100 * (ticks() - a) / hz / (time.monotonic() - ta):.2f} % of a core")
        with open(sys.argv[2] + "/../kern.log", "rb") as src:
            sample = [src.readline() for _ in range(1000)]
        log = d + "/../kern.log"
        a = None
        with open(log, "ab") as sink:
            start = time.monotonic()
            for i in range(40 * 1000):
                target = start + i / 1000
                delay = target - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                sink.write(sample[i % 1000])
                sink.flush()
                if i == 10 * 1000:
                    a, r, ta = ticks(), ticks("kernel-monitor"), time.monotonic()
        el = time.monotonic() - ta
        print(f"  at 1,000 lines/s (last 30 of 40 s): whole agent {100 * (ticks() - a) / hz / el:.2f} % of a core, "
              f"the kernel-log reader thread {100 * (ticks('kernel-monitor') - r) / hz / el:.2f} %")
finally:
    p.terminate()
    p.wait(10)
PY
}

for name in ${AGENT_MODES:-npd-flags npd ours}; do
  echo "== agent, $name (NODEMEDIC_JAVA_OPTS='${NODEMEDIC_JAVA_OPTS:-}')"
  for n in $(seq 1 "$runs"); do
    # The live-rate runs append to the file: measure from a fresh copy each time.
    IDLE=$([[ $n == 1 && ${LIVE:-1} == 1 ]] && echo 1 || echo 0) agent_run "$name" "$n"
    [[ $n == 1 && ${LIVE:-1} == 1 ]] && head -n "$lines" "$log" > "$log.tmp" && mv "$log.tmp" "$log"
  done
done

for name in npd ours; do
  echo "== rules test, $name config, whole run with JVM start (wall) and the replay as the command reports it"
  for n in $(seq 1 "$runs"); do
    /usr/bin/time -f "  wall %e s, max RSS %M KB" taskset -c "$cpu" "$dist/bin/nodemedic" rules test --config "$work/$name.json" --log "$log" 2>&1 \
      | grep -E 'lines read|wall'
  done
done
