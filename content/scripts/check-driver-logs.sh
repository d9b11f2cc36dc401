#!/usr/bin/env bash
# Summarise the health of the Spark Connect driver and flag the known driver-host failures.
#
# Usage: check-driver-logs.sh <namespace> [release-name]
#
# Checks, read-only (nothing is changed in the cluster):
#   1. the Spark Connect server pod (the driver): phase, readiness, restarts, last termination;
#   2. the driver settings it runs with (spark.driver.host, ports, bindAddress);
#   3. whether spark.driver.host resolves from inside the pod and whether it is a short name;
#   4. the last log lines for UnknownHostException, "Initial job has not accepted any
#      resources", "Failed to connect to", BindException, and registered executors;
#   5. executor pods (label spark-role=executor) and their phases, for the k8s backend.
# A short driver host plus "Initial job has not accepted any resources" is ISSUE-025: executors
# or standalone workers in another namespace cannot resolve the driver. Fix: set the chart's
# driver host to <service>.<namespace>.svc.cluster.local (see
# content/recipes/troubleshoot/driver-host-resolution.md).
#
# Environment:
#   CONNECT_SELECTOR  label selector of the Connect pod (default: app.kubernetes.io/component=connect,
#                     plus app.kubernetes.io/instance=<release-name> when a release is given)
#   TAIL_LINES        log lines to scan (default: 1000)
#
# Needs: kubectl with get/list on pods and get on pods/log and pods/exec in <namespace>.
# Exit status: 0 no known problem, 3 problems found, 1 no Connect pod or no kubectl, 2 bad usage.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <namespace> [release-name]" >&2
  echo "  Checks the Spark Connect driver pod, its driver-host settings and logs." >&2
}

if [[ $# -lt 1 || $# -gt 2 ]]; then
  usage
  exit 2
fi
if [[ "$1" == "-h" || "$1" == "--help" ]]; then
  usage
  exit 0
fi

ns="$1"
release="${2:-}"
tail_lines="${TAIL_LINES:-1000}"
selector="${CONNECT_SELECTOR:-app.kubernetes.io/component=connect}"
if [[ -n "$release" && -z "${CONNECT_SELECTOR:-}" ]]; then
  selector="${selector},app.kubernetes.io/instance=${release}"
fi

command -v kubectl >/dev/null 2>&1 || { echo "error: kubectl not found in PATH" >&2; exit 1; }

problems=0
flag() {
  echo "  !! $*"
  problems=$((problems + 1))
}

echo "=== Spark Connect driver pod (namespace ${ns}, selector ${selector})"
pod="$(kubectl get pods -n "$ns" -l "$selector" \
  -o jsonpath='{range .items[*]}{.metadata.name}{"\n"}{end}' | sed -n '1p')"
if [[ -z "$pod" ]]; then
  echo "No pod matches. Labels in ${ns}:" >&2
  kubectl get pods -n "$ns" --show-labels >&2 || true
  echo "Set CONNECT_SELECTOR to the Connect pod's labels and run again." >&2
  exit 1
fi
kubectl get pod -n "$ns" "$pod" -o wide

phase="$(kubectl get pod -n "$ns" "$pod" -o jsonpath='{.status.phase}')"
restarts="$(kubectl get pod -n "$ns" "$pod" \
  -o jsonpath='{.status.containerStatuses[0].restartCount}' 2>/dev/null || true)"
last_reason="$(kubectl get pod -n "$ns" "$pod" \
  -o jsonpath='{.status.containerStatuses[0].lastState.terminated.reason}' 2>/dev/null || true)"
[[ "$phase" == "Running" ]] || flag "pod phase is ${phase}, not Running (kubectl describe pod -n ${ns} ${pod})"
if [[ "${restarts:-0}" -gt 0 ]]; then
  flag "container restarted ${restarts} time(s), last termination: ${last_reason:-unknown}"
fi

echo
echo "=== Driver settings inside the pod"
driver_conf=""
if [[ "$phase" == "Running" ]]; then
  # The single quotes are intended: SPARK_CONF_DIR must expand inside the container.
  # shellcheck disable=SC2016
  driver_conf="$(kubectl exec -n "$ns" "$pod" -- sh -c \
    'grep -hE "^spark\.driver\.(host|port|blockManager\.port|bindAddress)" "${SPARK_CONF_DIR:-/opt/spark/conf}/spark-defaults.conf" 2>/dev/null' \
    || true)"
fi
if [[ -n "$driver_conf" ]]; then
  echo "$driver_conf"
else
  echo "  (spark-defaults.conf not readable; the host may be passed with --conf on the command line)"
fi

driver_host="$(printf '%s\n' "$driver_conf" | sed -nE 's/^spark\.driver\.host[=[:space:]]+//p' | tail -n 1)"
short_host=0
if [[ -n "$driver_host" ]]; then
  if [[ "$driver_host" != *.* && "$driver_host" != *'$'* ]]; then
    short_host=1
    echo "  note: spark.driver.host=${driver_host} is a short name; it resolves only for pods in ${ns}"
  fi
  if [[ "$driver_host" != *'$'* ]]; then
    if kubectl exec -n "$ns" "$pod" -- getent hosts "$driver_host" >/dev/null 2>&1; then
      echo "  ${driver_host} resolves inside the driver pod"
    else
      flag "${driver_host} does not resolve even inside the driver pod"
    fi
  fi
fi

echo
echo "=== Last ${tail_lines} log lines: known signatures"
logs="$(kubectl logs -n "$ns" "$pod" --tail="$tail_lines" 2>/dev/null || true)"
if [[ "${restarts:-0}" -gt 0 ]]; then
  logs+=$'\n'"$(kubectl logs -n "$ns" "$pod" --previous --tail="$tail_lines" 2>/dev/null || true)"
fi

count() {
  local n
  n="$(printf '%s\n' "$logs" | grep -cE "$1" || true)"
  echo "${n:-0}"
}

stall="$(count 'Initial job has not accepted any resources')"
unknown_host="$(count 'UnknownHostException')"
connect_fail="$(count 'Failed to connect to')"
bind_fail="$(count 'BindException')"
registered="$(count 'Registered executor|Granted executor ID')"

printf '  %-45s %s\n' "Initial job has not accepted any resources" "$stall" \
  "UnknownHostException" "$unknown_host" \
  "Failed to connect to" "$connect_fail" \
  "BindException" "$bind_fail" \
  "executors registered / granted" "$registered"

if [[ "$stall" -gt 0 ]]; then
  flag "jobs are waiting for executors that never register"
  if [[ "$short_host" -eq 1 ]]; then
    flag "short driver host + stall: executors or workers outside ${ns} cannot resolve ${driver_host} (ISSUE-025)"
  fi
fi
if [[ "$unknown_host" -gt 0 || "$connect_fail" -gt 0 ]]; then
  printf '%s\n' "$logs" | grep -E 'UnknownHostException|Failed to connect to' | tail -n 3 | sed 's/^/     /'
  flag "a host or port does not resolve or connect"
fi
if [[ "$bind_fail" -gt 0 ]]; then
  flag "driver cannot bind: set spark.driver.bindAddress=0.0.0.0 when spark.driver.host is a Service name"
fi

echo
echo "=== Executor pods (k8s backend)"
kubectl get pods -n "$ns" -l spark-role=executor \
  -o custom-columns='NAME:.metadata.name,PHASE:.status.phase,NODE:.spec.nodeName' 2>/dev/null \
  || echo "  (none listed)"

echo
if [[ "$problems" -eq 0 ]]; then
  echo "No known driver problem found."
else
  echo "${problems} problem(s) found. Next steps: content/recipes/troubleshoot/driver-host-resolution.md"
  exit 3
fi
