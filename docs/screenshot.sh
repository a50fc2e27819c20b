#!/bin/sh
# Takes docs/status-page.png, the picture in README.md: the status page of a local agent
# (./nodemedic run --local) with a few problems on it, loaded in headless Chromium, so the page is
# also seen by a real browser. Needs Debian's chromium (apt-get install chromium).
#   docs/screenshot.sh [OUTPUT.png]
# NODEMEDIC names another launcher (default: ./nodemedic, which builds the distribution when needed).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/docs/status-page.png}
agent=${NODEMEDIC:-$root/nodemedic}
chromium=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}
if [ -z "$chromium" ]; then
  echo "screenshot.sh: no chromium on PATH; on Debian: apt-get install chromium (or set CHROMIUM)" >&2
  exit 2
fi

work=$(mktemp -d -t nodemedic.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Waits (bounded) for a line matching $1 in the agent's log; prints it.
await_log() {
  i=0
  while ! grep -m1 -E "$1" "$work/agent.log" 2>/dev/null; do
    i=$((i + 1))
    if [ "$i" -gt 600 ] || ! kill -0 "$pid" 2>/dev/null; then
      echo "screenshot.sh: the agent never logged /$1/; its log:" >&2
      cat "$work/agent.log" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# A node with something to show: a pending reboot, and a kernel log that will report a hung task and an OOM kill.
printf 'linux-image-6.1.0-27-amd64\n' > "$work/reboot-required.pkgs"
: > "$work/reboot-required"
: > "$work/kern.log"
sed "s|/var/log/kern.log|$work/kern.log|" "$root/problem-daemons/kernel-log/src/main/resources/config/kernel-monitor-filelog.json" > "$work/kernel-monitor.json"
printf 'markerFile: %s/reboot-required\n' "$work" > "$work/reboot-required.yaml"
# ./nodemedic builds the distribution first when it has to; its plugins are copied so that the page
# shows a short folder rather than this checkout's.
"$agent" version > /dev/null
mkdir "$work/plugins"
cp "$root"/detector-core/target/nodemedic/plugins/*.jar "$work/plugins/"
cat > "$work/nodemedic.yaml" <<EOF
nodeName: node-a
configDir: .
pluginsDir: plugins
status: {address: 127.0.0.1, port: 0}
metrics: {address: 127.0.0.1, port: 0}
daemons:
  - daemon: kernel-log
    name: kernel-monitor
    config: kernel-monitor.json
EOF

# XDG_RUNTIME_DIR: the report socket of this agent, beside any other agent's.
XDG_RUNTIME_DIR="$work" "$agent" run --local --config "$work/nodemedic.yaml" > "$work/agent.log" 2>&1 &
pid=$!
status=$(await_log 'agent started' | sed -n 's|.* status=\(http://[^ ]*\) .*|\1|p')
await_log 'daemon started daemon=kernel-monitor' > /dev/null

now=$(LC_ALL=C date '+%b %e %H:%M:%S')
cat >> "$work/kern.log" <<EOF
$now node-a kernel: [ 1234.500000] task docker:7 blocked for more than 120 seconds.
$now node-a kernel: [ 1240.000001] Out of memory: Killed process 4242 (java) total-vm:1234kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB
EOF
await_log 'type=KernelDeadlock from=False to=True' > /dev/null
await_log 'reason=OOMKilling' > /dev/null

"$chromium" --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update \
  --disable-sync --disable-quic --user-data-dir="$work/chromium" --hide-scrollbars --window-size=1280,1560 \
  --screenshot="$out" "$status" > "$work/chromium.log" 2>&1 || { cat "$work/chromium.log" >&2; exit 1; }
echo "screenshot.sh: $out from $status"
