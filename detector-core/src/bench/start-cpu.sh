#!/usr/bin/env bash
# CPU time of a start, for docs/benchmarks.md "Where the start goes": user+sys of
# `bin/nodemedic version` (the command line alone), and of the agent from its launch until its log says
# `kernel-log reading` (every thread of the JVM, from /proc/<pid>/stat, and per thread from
# /proc/<pid>/task/*/stat at that moment), and until it says `agent started` (every plugin loaded and
# its daemons started, the servers listening). A/B: each distribution given is measured in turn, run by run.
#
#   detector-core/src/bench/start-cpu.sh [RUNS=7] [DIST ...]
#
# DIST defaults to detector-core/target/nodemedic; give a copy of an older build beside it to compare
# (copy with cp -a: the AOT cache is used only when no jar is newer than it). DIST@OPTIONS runs that
# distribution with NODEMEDIC_JAVA_OPTS=OPTIONS, to compare JVM flags. The agent runs
# `run --local` with one kernel-log instance on NPD's own kernel-monitor.json with the filelog
# pluginConfig of its kernel-monitor-filelog.json (read from shared/npd-configs at run time, as
# problem-daemons/kernel-log/bench/run-npd-configs-bench.sh does) on 1,000 generated kern lines, and
# every plugin of the distribution's plugins folder with its default instances, as a DaemonSet runs.
# Wall times are printed too but mean little on a loaded machine. Needs python3.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
shared="$(cd "$root/../shared" && pwd)"
runs="${1:-7}"
shift || true
dists=("$@")
[[ ${#dists[@]} -gt 0 ]] || dists=("$root/detector-core/target/nodemedic")
work=$(mktemp -d)
[[ -n "${KEEP:-}" ]] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT

python3 "$shared/bench/gen_kernlog.py" --lines 1000 --seed 42 --out "$work/kern.log" >/dev/null
python3 - "$shared/npd-configs" "$work" <<'PY'
import json, sys
npd, work = sys.argv[1:]
rules = json.load(open(f"{npd}/kernel-monitor.json"))
filelog = json.load(open(f"{npd}/kernel-monitor-filelog.json"))
for key in ("plugin", "pluginConfig"):
    rules[key] = filelog[key]
rules.update(logPath=f"{work}/kern.log", lookback="24h")
json.dump(rules, open(f"{work}/npd.json", "w"), indent=1)
PY

echo "== machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work" "$runs" "${dists[@]}" <<'PY'
import os, re, statistics, subprocess, sys, time
work, runs, dists = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
hz = os.sysconf("SC_CLK_TCK")

def cpu_of(stat):
    f = stat.rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / hz

def launch(dist, *args, **kwargs):
    path, _, opts = dist.partition("@")
    return subprocess.Popen([f"{path}/bin/nodemedic", *args], env=dict(os.environ, NODEMEDIC_JAVA_OPTS=opts), **kwargs)

def version(dist):
    before = os.times()
    launch(dist, "version", stdout=subprocess.DEVNULL).wait()
    after = os.times()
    return after.children_user - before.children_user + after.children_system - before.children_system

def first_line(dist, n):
    d = f"{work}/{len(dist)}-{abs(hash(dist))}-{n}"
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/agent.yaml", "w") as y:
        y.write(f"nodeName: bench-node\npluginsDir: {dist.partition(chr(64))[0]}/plugins\nstatus: {{port: 0}}\nmetrics: {{port: 0}}\n"
                f"report: {{enabled: false}}\ndaemons:\n  - daemon: kernel-log\n    name: kernel-monitor\n    config: {work}/npd.json\n")
    out = open(f"{d}/agent.log", "w")
    t0 = time.monotonic()
    p = launch(dist, "run", "--local", "--config", f"{d}/agent.yaml", stdout=out, stderr=subprocess.STDOUT)
    try:
        with open(f"{d}/agent.log") as log:
            text = await_line(p, log, "", "kernel-log reading", t0, d)
            wall = time.monotonic() - t0
            first = cpu_of(open(f"/proc/{p.pid}/stat").read())
            threads = read_threads(p)
            # The whole start: every plugin's daemons started and the servers listening.
            await_line(p, log, text, "agent started", t0, d)
            started = cpu_of(open(f"/proc/{p.pid}/stat").read())
        return first, wall, threads, started
    finally:
        p.terminate()
        p.wait(30)

def await_line(p, log, text, words, t0, d):
    while words not in text:
        if time.monotonic() - t0 > 120 or p.poll() is not None:
            raise SystemExit(f"no '{words}' in {d}/agent.log")
        chunk = log.read()
        text += chunk
        if not chunk:
            time.sleep(0.001)
    return text

def read_threads(p):
    threads = {}
    for t in os.listdir(f"/proc/{p.pid}/task"):
        try:
            s = open(f"/proc/{p.pid}/task/{t}/stat").read()
        except FileNotFoundError:
            continue
        name = re.sub(r"[-#]?\d+$", "", s[s.index("(") + 1:s.rindex(")")])
        threads[name] = threads.get(name, 0) + cpu_of(s)
    return threads

results = {d: {"version": [], "first": [], "wall": [], "threads": [], "started": []} for d in dists}
for n in range(runs):
    for dist in dists:
        results[dist]["version"].append(version(dist))
    for dist in dists:
        total, wall, threads, started = first_line(dist, n)
        results[dist]["started"].append(started)
        results[dist]["first"].append(total)
        results[dist]["wall"].append(wall)
        results[dist]["threads"].append(threads)

def fmt(xs):
    return f"median {statistics.median(xs):.2f} ({min(xs):.2f}-{max(xs):.2f})  [{' '.join(f'{x:.2f}' for x in xs)}]"

for dist in dists:
    r = results[dist]
    print(f"== {dist}")
    print(f"  version, user+sys s:               {fmt(r['version'])}")
    print(f"  run to 'kernel-log reading', CPU s: {fmt(r['first'])}")
    print(f"  run to 'kernel-log reading', wall s: {fmt(r['wall'])}")
    print(f"  run to 'agent started', CPU s:      {fmt(r['started'])}")
    names = sorted({k for t in r["threads"] for k in t}, key=lambda k: -statistics.median(t.get(k, 0) for t in r["threads"]))
    for k in names[:8]:
        print(f"    thread {k:28s} {statistics.median(t.get(k, 0) for t in r['threads']):.2f}")
print(f"== load average at the end: {open('/proc/loadavg').read().split()[:3]}")
PY
