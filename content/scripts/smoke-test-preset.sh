#!/usr/bin/env bash
# Deploy a Helm preset into a fresh test namespace, wait until it is ready, probe Spark Connect, then remove everything again.
#
# Usage: smoke-test-preset.sh <chart-dir> <preset-file> [namespace] [release-name]
#
#   chart-dir     the real chart, e.g. charts/spark-4.1 or charts/spark-3.5/charts/spark-connect
#                 in the charts repository (the contracts under presets/charts are not deployable)
#   preset-file   e.g. presets/charts/spark-4.1/values-scenario-jupyter-connect-k8s.yaml
#   namespace     test namespace, default spark-smoke-<time>. It must NOT exist yet: the
#                 script creates it and deletes it at the end, with everything in it.
#   release-name  default smoke
#
# Steps:
#   1. helm lint and helm template the preset (fails fast on chart or values errors);
#   2. create the namespace; when the preset names an S3 Secret (existingSecret) and
#      SMOKE_S3_ACCESS_KEY / SMOKE_S3_SECRET_KEY are set, create that Secret (ISSUE-007);
#   3. helm upgrade --install --wait --timeout (HELM_TIMEOUT, default 10m);
#   4. kubectl wait for every non-completed pod of the release to be Ready (300s);
#   5. probes: spark-submit --version inside the Connect server pod, a TCP check of the
#      Spark Connect port 15002 from inside the pod, and, when the release has a Jupyter
#      pod with PySpark, an end-to-end query over sc://<connect-service>:15002 that needs
#      executors (k8s backend: executor pods must start and reach the driver, ISSUE-024);
#   6. cleanup in a trap, also after a failure or Ctrl-C: helm uninstall and kubectl delete
#      namespace. KEEP=1 keeps the namespace for debugging (delete it yourself afterwards).
#
# Environment: KEEP, HELM_TIMEOUT, SMOKE_S3_ACCESS_KEY, SMOKE_S3_SECRET_KEY,
#   CONNECT_SELECTOR (default app.kubernetes.io/component=connect), CONNECT_PORT (default 15002).
# Needs: helm 3, kubectl with rights to create namespaces, and a cluster that can pull the
#   preset's images.
# Exit status: 0 all probes passed, 3 deployed but a probe failed, 1 deploy or readiness
#   failed (or a tool is missing), 2 bad usage or the namespace already exists.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <chart-dir> <preset-file> [namespace] [release-name]" >&2
  echo "  e.g. $(basename "$0") charts/spark-4.1 presets/charts/spark-4.1/values-scenario-jupyter-connect-k8s.yaml" >&2
}

if [[ $# -ge 1 && ( "$1" == "-h" || "$1" == "--help" ) ]]; then
  usage
  exit 0
fi
if [[ $# -lt 2 || $# -gt 4 ]]; then
  usage
  exit 2
fi

chart="$1"
preset="$2"
ns="${3:-spark-smoke-$(date +%s)}"
release="${4:-smoke}"
helm_timeout="${HELM_TIMEOUT:-10m}"
selector="${CONNECT_SELECTOR:-app.kubernetes.io/component=connect}"
connect_port="${CONNECT_PORT:-15002}"

if [[ ! -f "${chart}/Chart.yaml" ]]; then
  echo "error: ${chart} is not a chart directory (no Chart.yaml)" >&2
  exit 2
fi
if [[ ! -f "$preset" ]]; then
  echo "error: preset ${preset} not found" >&2
  exit 2
fi
if ! [[ "$ns" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ && ${#ns} -le 63 ]]; then
  echo "error: ${ns} is not a valid namespace name" >&2
  exit 2
fi
for tool in helm kubectl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "error: ${tool} not found in PATH" >&2; exit 1; }
done
if kubectl get namespace "$ns" >/dev/null 2>&1; then
  echo "error: namespace ${ns} already exists; the smoke test only uses a namespace it creates," >&2
  echo "       because it deletes the namespace at the end. Pick another name." >&2
  exit 2
fi

# Reads rendered manifests on stdin; succeeds when one of them is a Secret named $1.
renders_secret() {
  local want="$1" line kind="" name=""
  while IFS= read -r line; do
    case "$line" in
      ---*)
        [[ "$kind" == "Secret" && "$name" == "$want" ]] && return 0
        kind=""
        name=""
        ;;
      kind:*) kind="$(tr -d ' "' <<< "${line#kind:}")" ;;
      "  name:"*) [[ -z "$name" ]] && name="$(tr -d ' "' <<< "${line#  name:}")" ;;
    esac
  done
  [[ "$kind" == "Secret" && "$name" == "$want" ]]
}

created_ns=0
cleanup() {
  local rc=$?
  if [[ "$created_ns" -eq 0 ]]; then
    return
  fi
  if [[ "${KEEP:-0}" == "1" ]]; then
    echo "KEEP=1: leaving release ${release} in namespace ${ns}. Remove with:"
    echo "  helm uninstall ${release} -n ${ns}; kubectl delete namespace ${ns}"
    return
  fi
  if [[ "$rc" -ne 0 ]]; then
    echo "--- state at failure"
    kubectl get pods -n "$ns" -o wide 2>/dev/null || true
    kubectl get events -n "$ns" --field-selector type=Warning --sort-by=.lastTimestamp 2>/dev/null | tail -n 15 || true
  fi
  echo "=== Cleanup: helm uninstall ${release}, delete namespace ${ns}"
  helm uninstall "$release" -n "$ns" --wait --timeout 5m >/dev/null 2>&1 || true
  kubectl delete namespace "$ns" --wait=true --timeout=180s >/dev/null 2>&1 \
    || echo "warning: namespace ${ns} is still terminating; check kubectl get namespace ${ns}" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "=== 1. Lint and render ${preset} against ${chart}"
helm lint "$chart" -f "$preset"
rendered="$(helm template "$release" "$chart" -n "$ns" -f "$preset")"
echo "  renders $(grep -c '^kind:' <<< "$rendered") objects"

echo
echo "=== 2. Namespace ${ns}"
kubectl create namespace "$ns" >/dev/null
created_ns=1
kubectl label namespace "$ns" app.kubernetes.io/part-of=spark-smoke-test >/dev/null
secret="$(sed -nE 's/^[[:space:]]*existingSecret:[[:space:]]*"?([A-Za-z0-9.-]+)"?[[:space:]]*$/\1/p' "$preset" | head -n 1)"
if [[ -n "$secret" ]]; then
  if renders_secret "$secret" <<< "$rendered"; then
    echo "  Secret ${secret} is rendered by the chart"
  elif [[ -n "${SMOKE_S3_ACCESS_KEY:-}" && -n "${SMOKE_S3_SECRET_KEY:-}" ]]; then
    kubectl create secret generic "$secret" -n "$ns" \
      --from-literal=access-key="$SMOKE_S3_ACCESS_KEY" \
      --from-literal=secret-key="$SMOKE_S3_SECRET_KEY" >/dev/null
    echo "  created Secret ${secret} from SMOKE_S3_ACCESS_KEY / SMOKE_S3_SECRET_KEY"
  else
    echo "  warning: the preset expects Secret ${secret}, the chart does not render it, and"
    echo "  SMOKE_S3_ACCESS_KEY / SMOKE_S3_SECRET_KEY are not set: pods will wait for it (ISSUE-007)."
  fi
fi

echo
echo "=== 3. helm upgrade --install ${release} (timeout ${helm_timeout})"
if ! helm upgrade --install "$release" "$chart" -n "$ns" -f "$preset" --wait --timeout "$helm_timeout"; then
  echo "error: release did not become ready within ${helm_timeout}" >&2
  exit 1
fi

echo
echo "=== 4. Pods ready"
if ! kubectl wait --for=condition=ready pod -n "$ns" -l "app.kubernetes.io/instance=${release}" \
  --field-selector=status.phase!=Succeeded --timeout=300s; then
  echo "error: not every pod of ${release} became Ready" >&2
  exit 1
fi
kubectl get pods -n "$ns" -o wide

echo
echo "=== 5. Probes"
failed=0
connect_deploy="$(kubectl get deploy -n "$ns" -l "$selector" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
if [[ -z "$connect_deploy" ]]; then
  echo "  !! no Connect Deployment matches ${selector}; set CONNECT_SELECTOR"
  exit 3
fi

if kubectl exec -n "$ns" "deploy/${connect_deploy}" -- /opt/spark/bin/spark-submit --version 2>&1 \
  | grep -E 'version [0-9]+\.[0-9]+' | head -n 1 | sed 's/^/  spark-submit: /'; then
  :
else
  echo "  !! spark-submit --version failed in ${connect_deploy}"
  failed=$((failed + 1))
fi

# Bash's /dev/tcp: opens a TCP connection to the Connect gRPC port inside the pod.
if kubectl exec -n "$ns" "deploy/${connect_deploy}" -- \
  bash -c "exec 3<>/dev/tcp/127.0.0.1/${connect_port}" >/dev/null 2>&1; then
  echo "  Spark Connect port ${connect_port} is listening"
else
  echo "  !! nothing listens on port ${connect_port} in ${connect_deploy}"
  failed=$((failed + 1))
fi

connect_svc="$(kubectl get svc -n "$ns" -l "$selector" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
jupyter_deploy="$(kubectl get deploy -n "$ns" -l app.kubernetes.io/component=jupyter -o jsonpath='{.items[0].metadata.name}' 2>/dev/null || true)"
if [[ -n "$jupyter_deploy" && -n "$connect_svc" ]]; then
  url="sc://${connect_svc}.${ns}.svc.cluster.local:${connect_port}"
  echo "  end-to-end query from ${jupyter_deploy} over ${url} (needs executors; up to 5 minutes)"
  if kubectl exec -n "$ns" "deploy/${jupyter_deploy}" -- timeout 300 python -c "
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote('${url}').getOrCreate()
n = spark.range(0, 100000, numPartitions=4).selectExpr('sum(id) AS s').first()['s']
assert n == 4999950000, n
print('spark', spark.version, 'sum ok')
" 2>&1 | tail -n 3 | sed 's/^/    /'; then
    :
  else
    echo "  !! end-to-end query failed (client packages: ISSUE-023; executors: content/scripts/check-executor-logs.sh)"
    failed=$((failed + 1))
  fi
else
  echo "  (no Jupyter pod with component label: end-to-end query skipped)"
fi

echo
if [[ "$failed" -eq 0 ]]; then
  echo "Smoke test passed: ${preset}"
else
  echo "Smoke test: ${failed} probe(s) failed for ${preset}"
  exit 3
fi
