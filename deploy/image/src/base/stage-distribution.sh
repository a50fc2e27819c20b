#!/usr/bin/env bash
# Stages the agent distribution as the image holds it (/opt/nodemedic) and makes its AOT caches with the
# image's own Java runtime: a cache only serves the JVM, runtime image, jar paths and jar times it was
# made with, so the one detector-core made with the build's JDK does not apply in the image. The
# training run happens in a chroot of the base (build-base.sh) on a copy of the staged files, at their
# image paths and with the modification time Jib gives every file in the image (1970-01-01T00:00:01Z).
# Two caches, as detector-core's build makes them: lib/nodemedic.aot from a local run (local runs and
# every other command) and lib/nodemedic-cluster.aot from a cluster run against an API server address
# that refuses connections (the DaemonSet's agent); the launcher picks by mode.
# The staged files themselves keep their own times: Jib's layer cache tells a changed file by its time.
#
# Set by the module's pom:
#   DIST   the agent distribution (detector-core's target/nodemedic)
#   WORK   build-base.sh's work folder; the staged tree is $WORK/app/opt/nodemedic
#   AOT    "true" to make the cache, anything else to ship without one
set -euo pipefail

fail() {
  echo "stage-distribution: $*" >&2
  exit 1
}
for v in DIST WORK AOT; do
  [ -n "${!v:-}" ] || fail "$v is not set; run this through the image module's Maven build"
done
[ -d "$WORK/rootfs" ] && [ -d "$WORK/java" ] || fail "$WORK has no base root file system: build-base.sh runs first"

app=$WORK/app/opt/nodemedic
rm -rf "$WORK/app"
mkdir -p "$app"
cp -a "$DIST/." "$app/"
rm -f "$app/lib/nodemedic.aot" "$app/lib/nodemedic-cluster.aot"

if [ "$AOT" != true ]; then
  echo "stage-distribution: no AOT cache (aot.skip)"
  exit 0
fi

# The training root: the base's two layers as hard links, and a copy of the distribution dated as in
# the image.
root=$WORK/training-root
rm -rf "$root"
cp -al "$WORK/rootfs" "$root"
cp -al "$WORK/java/opt/java/openjdk" "$root/opt/java/"
cp -a "$app" "$root/opt/"
find "$root/opt/nodemedic" -exec touch -h -d @1 {} +
printf 'status:\n  port: 0\nmetrics:\n  port: 0\n' >"$root/training.yaml"

# Root may chroot; anyone else gets a user namespace in which they are root, where the kernel allows it.
if [ "$(id -u)" = 0 ]; then
  userns=()
else
  unshare --map-root-user true 2>/dev/null ||
    fail "making the AOT cache needs root or unprivileged user namespaces (unshare --map-root-user); build as root, or with -Daot.skip"
  userns=(--map-root-user)
fi
# Each training agent is asked for its pages as Prometheus and the kubelet ask (/metrics, /healthz, the
# status page, /conditions), so the HTTP side's classes are in the cache too, as in detector-core's
# build. The agent shares this network namespace; its start line (in its log) names its free ports.
get() { # host:port path; the answer is read to its end (the server closes) and dropped
  printf 'GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n' "$2" "$1" |
    { cat >&3 && cat <&3 >/dev/null; } 3<>"/dev/tcp/${1%:*}/${1##*:}"
}
request_pages() { # the training agent's log
  local line status metrics deadline=$((SECONDS + 120))
  # The end of the start line: both addresses are written.
  until line=$(grep -m1 -- '/metrics report=' "$1" 2>/dev/null); do
    ((SECONDS < deadline)) || { echo "stage-distribution: the training agent wrote no start line within 120 s" >&2; return 1; }
    sleep 0.1
  done
  status=${line#* status=http://}
  status=${status%%/ *}
  metrics=${line#* metrics=http://}
  metrics=${metrics%%/metrics *}
  get "$metrics" /metrics && get "$status" /healthz && get "$status" / && get "$status" /conditions
}

echo "stage-distribution: training the AOT caches with the image's runtime"
rm -f "$root/training-local.log" "$root/training-cluster.log"
# shellcheck disable=SC2016 # the script runs in the new namespaces and expands its own arguments
unshare "${userns[@]}" --mount --pid --fork --kill-child --mount-proc="$root/proc" sh -euc '
  root=$1
  mount --rbind /dev "$root/dev"
  train() {
    cache=$1
    log=$2
    shift 2
    chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin JAVA_HOME=/opt/java/openjdk LANG=C.UTF-8 HOME=/root \
      NODEMEDIC_JAVA_OPTS="-XX:AOTCacheOutput=/opt/nodemedic/lib/$cache -Xlog:aot=error" "$@" >"$root/$log" 2>&1
  }
  train nodemedic.aot training-local.log \
    /opt/nodemedic/bin/nodemedic run --local --stop-after 5s --config /training.yaml --plugins-dir /opt/nodemedic/plugins
  # Auto-configured as in a pod, from fabric8s KUBERNETES_* variables, against a refused port.
  train nodemedic-cluster.aot training-cluster.log NODE_NAME=aot-training KUBERNETES_MASTER=https://127.0.0.1:1 \
    KUBERNETES_AUTH_TOKEN=aot-training KUBERNETES_TRUST_CERTIFICATES=true KUBERNETES_AUTH_TRYKUBECONFIG=false \
    KUBERNETES_AUTH_TRYSERVICEACCOUNT=false \
    /opt/nodemedic/bin/nodemedic run --stop-after 5s --config /training.yaml --plugins-dir /opt/nodemedic/plugins
' training "$root" &
trainer=$!
trained=true
request_pages "$root/training-local.log" && request_pages "$root/training-cluster.log" || trained=false
wait "$trainer" || trained=false
cat "$root/training-local.log" "$root/training-cluster.log" 2>/dev/null || true
[ "$trained" = true ] || { kill "$trainer" 2>/dev/null || true; fail "the AOT training runs failed; their output is above"; }
for cache in nodemedic.aot nodemedic-cluster.aot; do
  [ -s "$root/opt/nodemedic/lib/$cache" ] || fail "the training run made no lib/$cache"
  mv "$root/opt/nodemedic/lib/$cache" "$app/lib/"
  echo "stage-distribution: $app/lib/$cache ($(du -h "$app/lib/$cache" | cut -f1))"
done
rm -rf "$root"
