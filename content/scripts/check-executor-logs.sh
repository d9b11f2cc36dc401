#!/usr/bin/env bash
# Find failing Spark executor pods (OOMKilled, exit 137, Pending, crash loops) and pull the error lines from their logs.
#
# Usage: check-executor-logs.sh <namespace> [label-selector]
#
# Checks, read-only (nothing is changed in the cluster):
#   1. executor pods matching the selector (default spark-role=executor, the label Spark on
#      Kubernetes puts on every executor pod): phase, node, restarts;
#   2. containers terminated by the kernel OOM killer (reason OOMKilled, or exit code 137):
#      the pod's memory limit (spark.executor.memory + overhead) is too small;
#   3. pods stuck in Pending, with their last scheduling event (FailedScheduling, quota);
#   4. the last log lines of each executor (current and previous container) for
#      java.lang.OutOfMemoryError, "Container killed", UnknownHostException (the executor
#      cannot resolve spark.driver.host, ISSUE-024 / ISSUE-025), "Connection refused",
#      "Failed to connect to", ExecutorLostFailure and other exceptions;
#   5. recent Warning events for executor pods in the namespace.
#
# Spark deletes finished executor pods (spark.kubernetes.executor.deleteOnTermination=true), so
# an OOMKilled executor may already be gone: then only the driver log and events remember it.
# To keep them for a diagnosis, set spark.kubernetes.executor.deleteOnTermination=false on the
# Connect server for a while (and clean up the pods afterwards).
#
# Environment:
#   TAIL_LINES   log lines to scan per container (default: 400)
#   MAX_PODS     executor pods whose logs are scanned (default: 10, newest first)
#
# Needs: kubectl with get/list on pods and events and get on pods/log in <namespace>.
# Exit status: 0 no problem found, 3 problems found, 1 no executor pods or no kubectl, 2 bad usage.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <namespace> [label-selector]" >&2
  echo "  Lists executor pods (default selector spark-role=executor) and flags OOM kills," >&2
  echo "  Pending pods and the known error lines in their logs." >&2
}

if [[ $# -ge 1 && ( "$1" == "-h" || "$1" == "--help" ) ]]; then
  usage
  exit 0
fi
if [[ $# -lt 1 || $# -gt 2 || -z "$1" ]]; then
  usage
  exit 2
fi

ns="$1"
selector="${2:-spark-role=executor}"
tail_lines="${TAIL_LINES:-400}"
max_pods="${MAX_PODS:-10}"
if ! [[ "$tail_lines" =~ ^[0-9]+$ && "$max_pods" =~ ^[0-9]+$ ]]; then
  echo "error: TAIL_LINES and MAX_PODS must be whole numbers" >&2
  exit 2
fi

command -v kubectl >/dev/null 2>&1 || { echo "error: kubectl not found in PATH" >&2; exit 1; }

problems=0
flag() {
  echo "  !! $*"
  problems=$((problems + 1))
}

echo "=== Executor pods in ${ns} (selector ${selector})"
# One line per pod: name, phase, node, restarts, last/current termination reason and exit code.
rows="$(kubectl get pods -n "$ns" -l "$selector" --sort-by=.metadata.creationTimestamp \
  -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\t"}{.spec.nodeName}{"\t"}{.status.containerStatuses[0].restartCount}{"\t"}{.status.containerStatuses[0].state.terminated.reason}{.status.containerStatuses[0].lastState.terminated.reason}{"\t"}{.status.containerStatuses[0].state.terminated.exitCode}{.status.containerStatuses[0].lastState.terminated.exitCode}{"\n"}{end}')"

if [[ -z "$rows" ]]; then
  echo "No executor pods match. With dynamic allocation and no running query, that is normal;" >&2
  echo "Spark also deletes finished executors. Recent executor events:" >&2
  kubectl get events -n "$ns" --sort-by=.lastTimestamp 2>/dev/null | grep -i 'exec' | tail -n 10 >&2 || true
  exit 1
fi

printf '%-55s %-10s %-25s %-8s %-12s %s\n' NAME PHASE NODE RESTARTS REASON EXIT
while IFS=$'\t' read -r name phase node restarts reason code; do
  printf '%-55s %-10s %-25s %-8s %-12s %s\n' "$name" "$phase" "${node:-<none>}" "${restarts:-0}" "${reason:--}" "${code:--}"
done <<< "$rows"

echo
echo "=== Memory and scheduling"
pending=()
while IFS=$'\t' read -r name phase _node restarts reason code; do
  if [[ "$reason" == *OOMKilled* || "$code" == *137* ]]; then
    limit="$(kubectl get pod -n "$ns" "$name" -o jsonpath='{.spec.containers[0].resources.limits.memory}' 2>/dev/null || true)"
    flag "${name}: killed by the OOM killer (reason ${reason:-?}, exit ${code:-?}), memory limit ${limit:-none}."
    echo "     Raise spark.executor.memoryOverhead (off-heap, Python workers, netty buffers) before spark.executor.memory."
  fi
  if [[ "$phase" == "Pending" ]]; then
    pending+=("$name")
  fi
  if [[ "${restarts:-0}" =~ ^[0-9]+$ && "${restarts:-0}" -gt 0 ]]; then
    flag "${name}: container restarted ${restarts} time(s)"
  fi
done <<< "$rows"

for name in "${pending[@]}"; do
  event="$(kubectl get events -n "$ns" --field-selector "involvedObject.name=${name}" \
    --sort-by=.lastTimestamp -o jsonpath='{range .items[*]}{.reason}{": "}{.message}{"\n"}{end}' 2>/dev/null | tail -n 1)"
  flag "${name}: Pending. ${event:-no event yet}"
done
if [[ ${#pending[@]} -gt 0 ]]; then
  echo "     'Insufficient cpu/memory' = cluster capacity; 'exceeded quota' = the namespace ResourceQuota."
fi
if [[ "$problems" -eq 0 ]]; then
  echo "  no OOM kills, restarts or Pending executors"
fi

echo
echo "=== Known error lines in executor logs (newest ${max_pods} pods, last ${tail_lines} lines)"
pattern='java\.lang\.OutOfMemoryError|Container killed|UnknownHostException|Connection refused|Failed to connect to|ExecutorLostFailure|FetchFailed|No space left on device|Exception in thread'
names="$(printf '%s\n' "$rows" | cut -f1 | tail -n "$max_pods")"
while IFS= read -r name; do
  [[ -n "$name" ]] || continue
  logs="$(kubectl logs -n "$ns" "$name" --tail="$tail_lines" 2>/dev/null || true)"
  logs+=$'\n'"$(kubectl logs -n "$ns" "$name" --previous --tail="$tail_lines" 2>/dev/null || true)"
  hits="$(printf '%s\n' "$logs" | grep -E "$pattern" | sort | uniq -c | sort -rn | head -n 5 || true)"
  if [[ -n "$hits" ]]; then
    echo "--- ${name}"
    printf '%s\n' "$hits" | sed 's/^/     /'
    if printf '%s\n' "$hits" | grep -q 'OutOfMemoryError'; then
      flag "${name}: JVM heap exhausted (java.lang.OutOfMemoryError): raise spark.executor.memory or spread the data (more partitions)"
    fi
    if printf '%s\n' "$hits" | grep -q 'UnknownHostException'; then
      flag "${name}: cannot resolve a host, usually spark.driver.host (ISSUE-024, ISSUE-025)"
    fi
    if printf '%s\n' "$hits" | grep -q 'No space left on device'; then
      flag "${name}: local disk full: shuffle/spill needs a bigger emptyDir or spark.kubernetes.executor.volumes.* for spark-local-dir"
    fi
  fi
done <<< "$names"

echo
echo "=== Recent Warning events for executor pods"
kubectl get events -n "$ns" --field-selector type=Warning --sort-by=.lastTimestamp 2>/dev/null \
  | grep -E 'exec' | tail -n 10 || echo "  (none)"

echo
if [[ "$problems" -eq 0 ]]; then
  echo "No known executor problem found."
else
  echo "${problems} problem(s) found. Interactive follow-up: content/notebooks/executor-oom.ipynb"
  exit 3
fi
