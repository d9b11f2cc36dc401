# Airflow worker pods are kept, so their logs survive, in scenario presets.
#
# With the KubernetesExecutor every task runs in its own worker pod, deleted when the task ends
# unless `deleteWorkerPods: false`. The task's stdout (the spark-submit output, the Connect
# client's traceback) goes with the pod when remote logging is not set up. Scenario presets are
# for bringing a setup up and debugging it, so they keep the pods; clean them up with
# `kubectl delete pod -n <namespace> -l kubernetes_executor=True --field-selector=status.phase!=Running`
# once the logs are no longer needed. Production values files are not presets and may delete them.
#
# The pre-February-2026 spark-standalone chart declares `airflow.kubernetesExecutor` twice in
# its values.yaml, and older presets also set `airflow.kubernetes.deleteWorkerPods`; the two
# settings must agree.
package spark.airflow

import rego.v1

airflow_enabled if input.airflow.enabled == true

warn contains msg if {
	airflow_enabled
	not input.airflow.kubernetesExecutor.deleteWorkerPods == false
	msg := "Airflow is enabled but `airflow.kubernetesExecutor.deleteWorkerPods` is not false: worker pods (and the task logs in them) are deleted when a task ends; set it to false in scenario presets"
}

warn contains msg if {
	airflow_enabled
	a := input.airflow.kubernetesExecutor.deleteWorkerPods
	b := input.airflow.kubernetes.deleteWorkerPods
	a != b
	msg := sprintf("`airflow.kubernetesExecutor.deleteWorkerPods` (%v) and the legacy `airflow.kubernetes.deleteWorkerPods` (%v) disagree", [a, b])
}
