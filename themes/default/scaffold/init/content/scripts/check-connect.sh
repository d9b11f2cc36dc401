#!/usr/bin/env bash
# Show whether the Spark Connect server of a release is running and serving on port 15002.
#
# Usage: check-connect.sh <namespace> [release-name]
#
# Prints the release's pods with their restart counts, the last termination of each container
# (an OOMKilled here is ISSUE-001), and the endpoints of its Services. Read-only: nothing is
# changed. This is the sample script of `spark-docs init`; scripts are checked with bash's
# grammar and, when installed, shellcheck.

set -euo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: $0 <namespace> [release-name]" >&2
  exit 2
fi
namespace="$1"
release="${2:-spark-connect}"
selector="app.kubernetes.io/instance=${release}"

if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl is not installed" >&2
  exit 1
fi

echo "== pods of ${release} in ${namespace}"
kubectl get pods -n "$namespace" -l "$selector" -o wide

echo "== last termination of each container"
kubectl get pods -n "$namespace" -l "$selector" \
  -o jsonpath='{range .items[*]}{.metadata.name}{": "}{.status.containerStatuses[*].lastState.terminated.reason}{"\n"}{end}'

echo "== endpoints (an empty list means no ready pod behind the Service)"
kubectl get endpoints -n "$namespace" -l "$selector"
