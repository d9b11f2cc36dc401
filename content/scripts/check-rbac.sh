#!/usr/bin/env bash
# Check that a Spark driver's service account has the Kubernetes permissions Spark needs to run executor pods.
#
# Usage: check-rbac.sh <namespace> [service-account]
#
# With Spark Connect in k8s backend mode (connect.backendMode=k8s) the Connect server is the
# Spark driver: it creates, watches and deletes executor pods, and creates ConfigMaps and
# Services for them. This script asks the API server, with `kubectl auth can-i --as`, whether
# the service account may do each of those things in <namespace>:
#   1. the service account exists (default spark-41, the spark-4.1 chart's rbac.serviceAccountName;
#      the spark-3.5 spark-connect subchart uses spark-connect, the Airflow presets use spark);
#   2. pods: create get list watch delete deletecollection (executors);
#   3. configmaps: create get list watch delete deletecollection update (executor conf maps;
#      a Role with only get/list fails with "configmaps is forbidden ... cannot create
#      resource \"configmaps\"", ISSUE-021);
#   4. services: create get delete; persistentvolumeclaims: create get list delete
#      (only needed for spark.kubernetes.*.volumes.persistentVolumeClaim.* with claimName=OnDemand);
#   5. the Roles and RoleBindings in <namespace> that bind the service account.
# Nothing is changed. The caller needs permission to impersonate service accounts
# (cluster admins have it); otherwise every answer is "no" and the script says so.
#
# Exit status: 0 all required permissions present, 3 some missing, 1 no kubectl or the
# service account does not exist, 2 bad usage.

set -euo pipefail

usage() {
  echo "Usage: $(basename "$0") <namespace> [service-account]" >&2
  echo "  Checks the RBAC permissions Spark's driver needs (default service account: spark-41)." >&2
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
sa="${2:-spark-41}"
subject="system:serviceaccount:${ns}:${sa}"

command -v kubectl >/dev/null 2>&1 || { echo "error: kubectl not found in PATH" >&2; exit 1; }

echo "=== Service account ${ns}/${sa}"
if ! kubectl get serviceaccount -n "$ns" "$sa" >/dev/null 2>&1; then
  echo "error: service account ${sa} does not exist in ${ns}. Service accounts there:" >&2
  kubectl get serviceaccounts -n "$ns" >&2 || true
  echo "The chart creates it only with rbac.create=true (spark-4.1) or serviceAccount.create=true (spark-3.5)." >&2
  exit 1
fi
echo "  exists"

# Impersonation works at all? A service account can always ask about itself.
if ! kubectl auth can-i --list -n "$ns" --as="$subject" >/dev/null 2>&1; then
  echo "error: cannot impersonate ${subject}; run this as a user allowed to impersonate service accounts" >&2
  exit 1
fi

missing=0
check() {
  local resource="$1"
  shift
  local verb answer
  local line="  ${resource}:"
  for verb in "$@"; do
    answer="$(kubectl auth can-i "$verb" "$resource" -n "$ns" --as="$subject" 2>/dev/null || true)"
    if [[ "$answer" == "yes" ]]; then
      line+=" ${verb}=yes"
    else
      line+=" ${verb}=NO"
      missing=$((missing + 1))
    fi
  done
  echo "$line"
}

echo
echo "=== Required for executor pods (k8s backend)"
check pods create get list watch delete deletecollection
check configmaps create get list watch delete deletecollection update
check services create get delete
required_missing="$missing"

echo
echo "=== Optional (on-demand PVCs, pod logs for troubleshooting)"
missing=0
check persistentvolumeclaims create get list delete
check pods/log get
optional_missing="$missing"

echo
echo "=== RoleBindings in ${ns} that name ${sa}"
bindings="$(kubectl get rolebindings -n "$ns" \
  -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.roleRef.kind}/{.roleRef.name}{"\t"}{range .subjects[*]}{.kind}:{.namespace}/{.name}{" "}{end}{"\n"}{end}' 2>/dev/null \
  | grep -E "ServiceAccount:(${ns})?/${sa}( |$)" || true)"
if [[ -n "$bindings" ]]; then
  printf '%s\n' "$bindings" | awk -F'\t' '{printf "  %-40s -> %s\n", $1, $2}'
else
  echo "  none (permissions may come from a ClusterRoleBinding: kubectl get clusterrolebindings -o wide | grep ${sa})"
fi

echo
if [[ "$required_missing" -eq 0 ]]; then
  echo "All permissions the driver needs are granted."
  if [[ "$optional_missing" -gt 0 ]]; then
    echo "(${optional_missing} optional permission(s) missing; needed only for on-demand PVCs or reading logs.)"
  fi
  exit 0
fi
cat <<EOF
${required_missing} required permission(s) missing for ${subject}.
Executors will not start; the driver log shows "... is forbidden: User \"${subject}\" cannot ...".
Fix: let the chart create the Role (spark-4.1: --set rbac.create=true), or apply a Role like:

apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: ${sa}-driver
  namespace: ${ns}
rules:
  - apiGroups: [""]
    resources: ["pods", "configmaps"]
    verbs: ["create", "get", "list", "watch", "delete", "deletecollection", "update", "patch"]
  - apiGroups: [""]
    resources: ["services", "persistentvolumeclaims"]
    verbs: ["create", "get", "list", "delete"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: ${sa}-driver
  namespace: ${ns}
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: ${sa}-driver
subjects:
  - kind: ServiceAccount
    name: ${sa}
    namespace: ${ns}
EOF
exit 3
