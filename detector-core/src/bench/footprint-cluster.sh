#!/usr/bin/env bash
# The agent's footprint in cluster mode, as the DaemonSet runs it: RSS of the JVM and of every child
# process after an idle period and at the peak of a kernel log storm, with the JVM's threads and,
# with NMT=1, jcmd's native memory breakdown (the tracking itself costs memory: take RSS from a run without it).
#   detector-core/src/bench/footprint-cluster.sh [idle-seconds=300] [storm lines/s=10000] [storm seconds=60] [kubeconfig]
# The agent finds the API server as in a pod (auto-configuration), or with 'kubeconfig' through --kubeconfig.
#   NMT=1 detector-core/src/bench/footprint-cluster.sh 300
# With FAKE_JOURNAL=1 the node has a journal (journalctl played by the journal tests' kind of script, first
# on the agent's PATH) and kernel-log reads it as kubelet-health does: the run shows the journal readers.
#   FAKE_JOURNAL=1 detector-core/src/bench/footprint-cluster.sh 60 10000 0
# Builds the distribution (AOT caches included) and the test classes through the reactor first (nothing
# is installed; SKIP_BUILD=1 reuses them); needs python3; the workload is shared/bench's generator.
# DIST=<folder> measures another distribution (a copy of an older build, for an A/B) with this build's bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
source src/bench/bench-java.sh
idle=${1:-300}
rate=${2:-10000}
seconds=${3:-60}
generator=$(cd .. && pwd)/../shared/bench/gen_kernlog.py
work=$(mktemp -d)
[ -n "${KEEP:-}" ] && echo "work dir: $work" >&2 || trap 'rm -rf "$work"' EXIT
build_bench_classpath
find_java25
if [ -n "${NMT:-}" ]; then
  export NODEMEDIC_JAVA_OPTS="${NODEMEDIC_JAVA_OPTS:-} -XX:NativeMemoryTracking=summary"
fi
"$java" -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" dev.nodemedic.core.bench.ClusterFootprint \
  "${DIST:-target/nodemedic}" "$work/run" "$generator" "$idle" "$rate" "$seconds" "${4:-}"
