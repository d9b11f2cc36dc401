#!/usr/bin/env bash
# Test S3/MinIO access from inside the cluster with the same Secret Spark uses: endpoint, credentials, bucket and event-log prefix.
#
# Usage: test-s3-connection.sh <namespace> [endpoint] [bucket/prefix] [secret-name]
#
#   endpoint        S3 endpoint as Spark sees it (global.s3.endpoint); default http://minio:9000
#   bucket/prefix   what must exist, e.g. spark-logs/events (the default; spark.eventLog.dir
#                   s3a://spark-logs/events) or warehouse
#   secret-name     Secret with keys access-key and secret-key (global.s3.existingSecret);
#                   default s3-credentials
#
# Checks:
#   1. the Secret exists and has non-empty access-key and secret-key (ISSUE-007);
#   2. from a short-lived pod in <namespace> (image quay.io/minio/mc, Pod Security "restricted"
#      compliant, credentials passed by secretKeyRef and never printed): the endpoint answers
#      and accepts the credentials, the bucket exists, and the prefix exists, i.e. at least one
#      object key starts with it. `mc mb` creates buckets, never prefixes: a missing events/
#      prefix is ISSUE-013 (3.5 Connect stuck in Init), ISSUE-022 (4.1 Connect driver) or
#      ISSUE-006 (History Server);
#   3. with WRITE_TEST=1, writes and deletes <prefix>/.s3-probe-<time> (names starting with a
#      dot are ignored by the History Server).
# The probe pod is deleted on exit. With CREATE_MARKER=1 a missing prefix is created by writing
# an empty <prefix>/.keep marker.
#
# Environment: MC_IMAGE (default quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z), WRITE_TEST,
#   CREATE_MARKER, TIMEOUT_S (default 120).
# Needs: kubectl with get on secrets and create/delete on pods and get on pods/log in <namespace>.
# Exit status: 0 all checks pass, 3 a check failed, 1 no kubectl or the probe pod did not run,
# 2 bad usage.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <namespace> [endpoint] [bucket/prefix] [secret-name]" >&2
  echo "  e.g. $(basename "$0") spark http://minio:9000 spark-logs/events s3-credentials" >&2
}

if [[ $# -ge 1 && ( "$1" == "-h" || "$1" == "--help" ) ]]; then
  usage
  exit 0
fi
if [[ $# -lt 1 || $# -gt 4 || -z "$1" ]]; then
  usage
  exit 2
fi

ns="$1"
endpoint="${2:-http://minio:9000}"
target="${3:-spark-logs/events}"
secret="${4:-s3-credentials}"
image="${MC_IMAGE:-quay.io/minio/mc:RELEASE.2025-04-16T18-13-26Z}"
timeout_s="${TIMEOUT_S:-120}"
write_test="${WRITE_TEST:-0}"
create_marker="${CREATE_MARKER:-0}"

if [[ "$endpoint" != http://* && "$endpoint" != https://* ]]; then
  echo "error: endpoint must start with http:// or https:// (got ${endpoint})" >&2
  exit 2
fi
target="${target#s3a://}"
target="${target%/}"
bucket="${target%%/*}"
prefix=""
if [[ "$target" == */* ]]; then
  prefix="${target#*/}/"
fi
if [[ -z "$bucket" ]]; then
  usage
  exit 2
fi
if ! [[ "$timeout_s" =~ ^[0-9]+$ ]]; then
  echo "error: TIMEOUT_S must be a whole number of seconds" >&2
  exit 2
fi

command -v kubectl >/dev/null 2>&1 || { echo "error: kubectl not found in PATH" >&2; exit 1; }

echo "=== 1. Secret ${ns}/${secret}"
if ! kubectl get secret -n "$ns" "$secret" >/dev/null 2>&1; then
  echo "  !! secret \"${secret}\" not found: pods that reference it stay in CreateContainerConfigError (ISSUE-007)."
  echo "     Create it: kubectl create secret generic ${secret} -n ${ns} --from-literal=access-key=... --from-literal=secret-key=..."
  exit 3
fi
for key in access-key secret-key; do
  value="$(kubectl get secret -n "$ns" "$secret" -o "jsonpath={.data.${key}}")"
  if [[ -z "$value" ]]; then
    echo "  !! key ${key} is missing or empty. Keys present:"
    kubectl describe secret -n "$ns" "$secret" | sed -n '/^Data/,$p'
    exit 3
  fi
done
echo "  has access-key and secret-key"

pod="s3-probe-$(date +%s)"
cleanup() {
  kubectl delete pod -n "$ns" "$pod" --ignore-not-found --wait=false >/dev/null 2>&1 || true
}
trap cleanup EXIT

# The script the probe pod runs. Exit codes: 10 endpoint/credentials, 11 bucket, 12 prefix,
# 13 write test.
# shellcheck disable=SC2016  # expanded by the shell inside the probe pod
probe='set -u
mc() { command mc --config-dir /tmp/.mc --quiet "$@"; }
if ! mc alias set s3 "$S3_ENDPOINT" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >/dev/null; then
  echo "FAIL endpoint or credentials rejected: $S3_ENDPOINT"; exit 10
fi
echo "OK   endpoint $S3_ENDPOINT accepts the credentials"
if ! mc ls "s3/$S3_BUCKET" >/dev/null 2>&1; then
  echo "FAIL bucket $S3_BUCKET does not exist or is not readable"; mc ls s3 || true; exit 11
fi
echo "OK   bucket $S3_BUCKET exists"
if [ -n "$S3_PREFIX" ]; then
  if [ -z "$(mc ls "s3/$S3_BUCKET/$S3_PREFIX" 2>/dev/null | head -n 1)" ]; then
    if [ "$CREATE_MARKER" = "1" ]; then
      printf "" | mc pipe "s3/$S3_BUCKET/${S3_PREFIX}.keep" && echo "OK   created marker $S3_BUCKET/${S3_PREFIX}.keep"
    else
      echo "FAIL prefix $S3_BUCKET/$S3_PREFIX has no objects, so it does not exist for S3A"; exit 12
    fi
  else
    echo "OK   prefix $S3_BUCKET/$S3_PREFIX exists:"
    mc ls "s3/$S3_BUCKET/$S3_PREFIX" | head -n 5
  fi
fi
if [ "$WRITE_TEST" = "1" ]; then
  obj="s3/$S3_BUCKET/${S3_PREFIX}.s3-probe-$(date +%s)"
  if printf "probe" | mc pipe "$obj" >/dev/null && mc rm "$obj" >/dev/null; then
    echo "OK   write and delete under $S3_BUCKET/$S3_PREFIX"
  else
    echo "FAIL cannot write under $S3_BUCKET/$S3_PREFIX"; exit 13
  fi
fi'

echo
echo "=== 2. Probe pod ${pod} (${image}) -> ${endpoint}, ${bucket}/${prefix}"
kubectl apply -n "$ns" -f - >/dev/null <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: ${pod}
  labels:
    app.kubernetes.io/name: s3-probe
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: mc
      image: ${image}
      command: ["/bin/sh", "-c"]
      args:
        - |
$(printf '%s\n' "$probe" | sed 's/^/          /')
      env:
        - name: HOME
          value: /tmp
        - name: S3_ENDPOINT
          value: "${endpoint}"
        - name: S3_BUCKET
          value: "${bucket}"
        - name: S3_PREFIX
          value: "${prefix}"
        - name: WRITE_TEST
          value: "${write_test}"
        - name: CREATE_MARKER
          value: "${create_marker}"
        - name: AWS_ACCESS_KEY_ID
          valueFrom:
            secretKeyRef:
              name: ${secret}
              key: access-key
        - name: AWS_SECRET_ACCESS_KEY
          valueFrom:
            secretKeyRef:
              name: ${secret}
              key: secret-key
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
      resources:
        requests:
          cpu: 50m
          memory: 64Mi
        limits:
          cpu: 200m
          memory: 128Mi
EOF

phase=""
for ((waited = 0; waited < timeout_s; waited += 2)); do
  phase="$(kubectl get pod -n "$ns" "$pod" -o jsonpath='{.status.phase}' 2>/dev/null || true)"
  [[ "$phase" == "Succeeded" || "$phase" == "Failed" ]] && break
  sleep 2
done
if [[ "$phase" != "Succeeded" && "$phase" != "Failed" ]]; then
  echo "error: probe pod did not finish within ${timeout_s}s (phase ${phase:-unknown}). Events:" >&2
  kubectl get events -n "$ns" --field-selector "involvedObject.name=${pod}" >&2 || true
  echo "If the image cannot be pulled, set MC_IMAGE to a mirror reachable from the cluster." >&2
  exit 1
fi
kubectl logs -n "$ns" "$pod" | sed 's/^/  /'
code="$(kubectl get pod -n "$ns" "$pod" -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')"

echo
case "$code" in
  0) echo "S3 access works for ${bucket}/${prefix}." ;;
  10) echo "Endpoint unreachable or credentials rejected: check global.s3.endpoint, the Secret values and sslEnabled/pathStyleAccess." ;;
  11) echo "Bucket ${bucket} is missing: add it to the MinIO buckets list, or create it with mc mb." ;;
  12) echo "Prefix ${prefix} does not exist: write a marker (CREATE_MARKER=1, or printf '' | mc pipe <alias>/${bucket}/${prefix}.keep)." ;;
  13) echo "Read works but write does not: check the bucket policy of these credentials." ;;
  *) echo "Probe failed with exit code ${code:-unknown}." ;;
esac
[[ "$code" == "0" ]] || exit 3
