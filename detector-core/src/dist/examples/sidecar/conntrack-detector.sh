#!/bin/sh
# conntrack-detector: a problem daemon in its own container, written in shell.
#
# Sets the node condition ConntrackTableFull while the kernel's connection tracking table is nearly
# full (new connections are then dropped: "nf_conntrack: table full, dropping packet"), and emits a
# Warning event when it fills. It reports to the nodemedic agent over the agent's report socket with
# nothing but curl; see README.md beside it.
#
# Environment (all optional):
#   NODEMEDIC_REPORT_SOCKET  the agent's socket            (/run/nodemedic/report.sock)
#   DAEMON_NAME              this daemon's name on the node (conntrack)
#   INTERVAL                 seconds between checks         (10)
#   THRESHOLD_PERCENT        fill level that is a problem   (90)
#   NETFILTER_DIR            where nf_conntrack_count and nf_conntrack_max are (/proc/sys/net/netfilter)
set -u

SOCKET=${NODEMEDIC_REPORT_SOCKET:-/run/nodemedic/report.sock}
NAME=${DAEMON_NAME:-conntrack}
INTERVAL=${INTERVAL:-10}
THRESHOLD=${THRESHOLD_PERCENT:-90}
NETFILTER=${NETFILTER_DIR:-/proc/sys/net/netfilter}
# Three missed checks and the agent marks the condition Unknown; the API takes 5 to 600 seconds.
LEASE=$((INTERVAL * 3))
[ "$LEASE" -lt 5 ] && LEASE=5
[ "$LEASE" -gt 600 ] && LEASE=600

response=$(mktemp)
trap 'rm -f "$response"' EXIT

log() {
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $NAME: $*" >&2
}

# api METHOD PATH [JSON]: prints the HTTP status (000 when the agent is unreachable); the body is in $response.
api() {
  if [ $# -ge 3 ]; then
    curl -sS --max-time 10 --unix-socket "$SOCKET" -o "$response" -w '%{http_code}' -X "$1" \
      -H 'content-type: application/json' --data "$3" "http://nodemedic$2" 2>>"$response"
  else
    curl -sS --max-time 10 --unix-socket "$SOCKET" -o "$response" -w '%{http_code}' -X "$1" "http://nodemedic$2" 2>>"$response"
  fi
}

register() {
  code=$(api PUT "/v1/daemons/$NAME" "{\"version\":\"1.0.0\",\"leaseSeconds\":$LEASE,\"conditions\":[{\"type\":\"ConntrackTableFull\",\"reason\":\"ConntrackTableHasRoom\",\"message\":\"the conntrack table has room\"}],\"reasons\":[{\"reason\":\"ConntrackTableNearlyFull\",\"condition\":\"ConntrackTableFull\"}]}")
  case $code in
    200) log "registered (lease ${LEASE}s)"; return 0 ;;
    000) log "agent unreachable on $SOCKET, retrying: $(cat "$response")"; return 1 ;;
    *) log "registration refused ($code): $(cat "$response")"; exit 2 ;;
  esac
}

unregister() {
  api DELETE "/v1/daemons/$NAME" >/dev/null
  log "unregistered"
  exit 0
}
trap unregister TERM INT

until register; do sleep "$INTERVAL"; done

was=False
while :; do
  count=$(cat "$NETFILTER/nf_conntrack_count" 2>/dev/null)
  max=$(cat "$NETFILTER/nf_conntrack_max" 2>/dev/null)
  if [ -z "$count" ] || [ -z "$max" ] || [ "$max" -eq 0 ]; then
    status=Unknown reason=ConntrackNotReadable message="cannot read $NETFILTER/nf_conntrack_count and nf_conntrack_max (is the nf_conntrack module loaded, and is this pod on the host network?)"
  elif [ $((count * 100 / max)) -ge "$THRESHOLD" ]; then
    status=True reason=ConntrackTableNearlyFull message="the conntrack table holds $count of $max entries ($((count * 100 / max))%); new connections are dropped when it is full"
  else
    status=False reason=ConntrackTableHasRoom message="the conntrack table holds $count of $max entries"
  fi
  # Each report renews the lease: no separate renewal needed.
  code=$(api PUT "/v1/daemons/$NAME/conditions/ConntrackTableFull" "{\"status\":\"$status\",\"reason\":\"$reason\",\"message\":\"$message\"}")
  case $code in
    200)
      if [ "$status" = True ] && [ "$was" != True ]; then
        api POST "/v1/daemons/$NAME/events" "{\"type\":\"Warning\",\"reason\":\"ConntrackTableNearlyFull\",\"message\":\"$message\"}" >/dev/null
      fi
      was=$status ;;
    404|410) log "agent forgot us ($code), registering again"; register || true ;;
    429) log "rate limited, slowing down" ;;
    000) log "agent unreachable: $(cat "$response")" ;;
    *) log "report refused ($code): $(cat "$response")" ;;
  esac
  # In the background, so a TERM is handled at once rather than after the sleep.
  sleep "$INTERVAL" &
  wait $!
done
