# No privileged containers.
#
# A privileged container has every capability and the host's devices: a Spark driver, executor
# or notebook never needs that, and Pod Security Standards (baseline and restricted) reject it.
# Any key `privileged: true` anywhere in a preset is denied, whatever component it belongs to
# (`connect.securityContext.privileged`, a sidecar, an init container, ...). Escalation is
# reported as a warning.
package spark.security

import data.spark.lib
import rego.v1

deny contains msg if {
	walk(input, [path, value])
	count(path) > 0
	path[count(path) - 1] == "privileged"
	value == true
	msg := sprintf("privileged container at `%s`: not allowed; drop it (Pod Security Standards reject privileged pods)", [lib.dotted(path)])
}

warn contains msg if {
	walk(input, [path, value])
	count(path) > 0
	path[count(path) - 1] == "allowPrivilegeEscalation"
	value == true
	msg := sprintf("`%s: true` lets a process gain more privileges than its parent; the restricted profile requires false", [lib.dotted(path)])
}
