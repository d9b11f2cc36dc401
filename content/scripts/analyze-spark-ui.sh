#!/usr/bin/env bash
# Summarise a running Spark Connect driver from its UI REST API: running jobs, active stages, progress, executors and why they died.
#
# Usage: analyze-spark-ui.sh <namespace> [release-name]
#
# Port-forwards to port 4040 (spark.ui.port) of the Spark Connect server pod, which is the
# driver, reads /api/v1 and reports:
#   1. the application (there is one per Connect server);
#   2. running jobs and active stages with task progress;
#   3. progress over SAMPLE_S seconds: completed tasks of the active stages before and after.
#      Running jobs that complete no task in that window are stuck or starved;
#   4. executors: active count, failed tasks, GC time above 10% of task time, and the
#      removeReason of dead executors (exit code 137 means the container was OOM-killed);
#   5. the verdict: running jobs with no executor at all is the "Initial job has not accepted
#      any resources" stall (driver host not reachable: ISSUE-024, ISSUE-025; quota, RBAC or
#      image pull problems on executor pods).
# Nothing is changed; the port-forward ends when the script exits.
#
# Environment:
#   CONNECT_SELECTOR  label selector of the Connect pod (default app.kubernetes.io/component=connect,
#                     plus app.kubernetes.io/instance=<release-name> when a release is given)
#   UI_PORT           driver UI port in the pod (default 4040)
#   LOCAL_PORT        local port for the port-forward (default 14040)
#   SAMPLE_S          seconds between the two progress samples (default 15; 0 = one sample)
#
# Needs: kubectl (get pods, create pods/portforward), curl and jq.
# Exit status: 0 no problem found, 3 problems found, 1 missing tool, no pod or UI unreachable,
# 2 bad usage.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <namespace> [release-name]" >&2
  echo "  Reads the Spark UI REST API of the Connect driver and reports stalls and dead executors." >&2
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
release="${2:-}"
selector="${CONNECT_SELECTOR:-app.kubernetes.io/component=connect}"
if [[ -n "$release" && -z "${CONNECT_SELECTOR:-}" ]]; then
  selector="${selector},app.kubernetes.io/instance=${release}"
fi
ui_port="${UI_PORT:-4040}"
local_port="${LOCAL_PORT:-14040}"
sample_s="${SAMPLE_S:-15}"
for n in "$ui_port" "$local_port" "$sample_s"; do
  if ! [[ "$n" =~ ^[0-9]+$ ]]; then
    echo "error: UI_PORT, LOCAL_PORT and SAMPLE_S must be whole numbers" >&2
    exit 2
  fi
done

for tool in kubectl curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: ${tool} not found in PATH" >&2; exit 1; }
done

pod="$(kubectl get pods -n "$ns" -l "$selector" --field-selector=status.phase=Running \
  -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
if [[ -z "$pod" ]]; then
  echo "error: no running pod matches ${selector} in ${ns}. Pods:" >&2
  kubectl get pods -n "$ns" --show-labels >&2 || true
  exit 1
fi

pf_pid=""
cleanup() {
  if [[ -n "$pf_pid" ]]; then
    kill "$pf_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT

kubectl port-forward -n "$ns" "pod/${pod}" "${local_port}:${ui_port}" >/dev/null 2>&1 &
pf_pid=$!
base="http://127.0.0.1:${local_port}/api/v1"
for _ in $(seq 1 30); do
  if curl -fsS -o /dev/null "${base}/applications" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$pf_pid" 2>/dev/null; then
    echo "error: kubectl port-forward to ${pod}:${ui_port} exited (is LOCAL_PORT ${local_port} free?)" >&2
    exit 1
  fi
  sleep 0.5
done

api() {
  curl -fsS --max-time 20 "${base}/$1"
}

if ! apps="$(api applications)"; then
  echo "error: the Spark UI does not answer on ${pod}:${ui_port} (spark.ui.enabled=false, or another spark.ui.port?)" >&2
  exit 1
fi

problems=0
flag() {
  echo "  !! $*"
  problems=$((problems + 1))
}

app_id="$(jq -r '.[0].id // empty' <<< "$apps")"
if [[ -z "$app_id" ]]; then
  echo "error: the UI lists no application yet" >&2
  exit 1
fi
echo "=== Application on ${ns}/${pod}"
jq -r '.[0] | "  \(.id)  \(.name)  started \(.attempts[0].startTime)"' <<< "$apps"
app="applications/${app_id}"

echo
echo "=== Running jobs"
jobs_json="$(api "${app}/jobs?status=running")"
running="$(jq 'length' <<< "$jobs_json")"
if [[ "$running" -eq 0 ]]; then
  echo "  none"
else
  printf '  %-6s %-8s %-10s %-8s %-28s %s\n' JOB ACTIVE COMPLETED TASKS SUBMITTED NAME
  jq -r '.[] | [.jobId, .numActiveTasks, .numCompletedTasks, .numTasks, .submissionTime, (.name | .[0:60])] | @tsv' <<< "$jobs_json" \
    | while IFS=$'\t' read -r id active done_n total submitted name; do
        printf '  %-6s %-8s %-10s %-8s %-28s %s\n' "$id" "$active" "$done_n" "$total" "$submitted" "$name"
      done
fi

echo
echo "=== Active stages"
stages_json="$(api "${app}/stages?status=active")"
if [[ "$(jq 'length' <<< "$stages_json")" -eq 0 ]]; then
  echo "  none"
else
  printf '  %-10s %-8s %-10s %-8s %-8s %s\n' STAGE ACTIVE COMPLETED TASKS FAILED NAME
  jq -r '.[] | ["\(.stageId).\(.attemptId)", .numActiveTasks, .numCompleteTasks, .numTasks, .numFailedTasks, (.name | .[0:60])] | @tsv' <<< "$stages_json" \
    | while IFS=$'\t' read -r id active done_n total failed name; do
        printf '  %-10s %-8s %-10s %-8s %-8s %s\n' "$id" "$active" "$done_n" "$total" "$failed" "$name"
      done
fi
completed_before="$(jq '[.[].numCompleteTasks] | add // 0' <<< "$stages_json")"

echo
echo "=== Executors"
execs_json="$(api "${app}/executors")"
all_json="$(api "${app}/allexecutors")"
active_execs="$(jq '[.[] | select(.id != "driver")] | length' <<< "$execs_json")"
echo "  active executors: ${active_execs}"
jq -r '.[] | select(.id != "driver") | "  exec \(.id) \(.hostPort) activeTasks=\(.activeTasks) failedTasks=\(.failedTasks) gc=\(.totalGCTime)ms of \(.totalDuration)ms"' <<< "$execs_json"
while IFS=$'\t' read -r id gc total; do
  [[ -n "$id" ]] || continue
  flag "executor ${id}: GC took ${gc} ms of ${total} ms task time (>10%): heap too small for its tasks"
done < <(jq -r '.[] | select(.id != "driver" and .totalDuration > 0 and (.totalGCTime / .totalDuration) > 0.1) | [.id, .totalGCTime, .totalDuration] | @tsv' <<< "$execs_json")

dead="$(jq -r '.[] | select(.isActive == false) | [.id, (.removeReason // "no reason recorded")] | @tsv' <<< "$all_json")"
if [[ -n "$dead" ]]; then
  echo "  dead executors:"
  printf '%s\n' "$dead" | awk -F'\t' '{printf "    exec %s: %s\n", $1, substr($2, 1, 160)}'
  oom="$(printf '%s\n' "$dead" | grep -ciE 'exit code 137|OOM|OutOfMemory' || true)"
  if [[ "${oom:-0}" -gt 0 ]]; then
    flag "${oom} executor(s) were OOM-killed: see content/notebooks/executor-oom.ipynb"
  fi
fi
failed_tasks="$(jq '[.[] | select(.id != "driver") | .failedTasks] | add // 0' <<< "$execs_json")"
if [[ "$failed_tasks" -gt 0 ]]; then
  flag "${failed_tasks} failed task(s) on the active executors (see the stage's task list in the UI)"
fi

if [[ "$running" -gt 0 ]]; then
  if [[ "$active_execs" -eq 0 ]]; then
    flag "jobs are running but no executor is registered: the 'Initial job has not accepted any resources' stall"
    echo "     Check executor pods (content/scripts/check-executor-logs.sh), the driver host (ISSUE-024, ISSUE-025),"
    echo "     RBAC (content/scripts/check-rbac.sh) and the namespace quota."
  elif [[ "$sample_s" -gt 0 ]]; then
    echo
    echo "=== Progress over ${sample_s}s"
    sleep "$sample_s"
    completed_after="$(api "${app}/stages?status=active" | jq '[.[].numCompleteTasks] | add // 0')"
    still_running="$(api "${app}/jobs?status=running" | jq 'length')"
    echo "  completed tasks in active stages: ${completed_before} -> ${completed_after}; running jobs: ${running} -> ${still_running}"
    if [[ "$still_running" -gt 0 && "$completed_after" -eq "$completed_before" ]]; then
      flag "no task completed in ${sample_s}s: a long task (skew, spill), a task waiting on I/O, or a stuck executor"
      echo "     Thread dumps: kubectl port-forward -n ${ns} pod/${pod} 4040:${ui_port}, then the Thread Dump links on http://localhost:4040/executors/"
    fi
  fi
fi

echo
if [[ "$problems" -eq 0 ]]; then
  echo "No problem found."
else
  echo "${problems} problem(s) found."
  exit 3
fi
