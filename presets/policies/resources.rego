# Every component that declares `resources` has a memory limit.
#
# Without a memory limit a JVM (driver, executor, History Server, metastore) or a notebook kernel
# can grow until the node runs out of memory and the kubelet evicts whatever it picks; with a
# limit, only the offending container is OOM-killed and the reason is visible
# (`kubectl describe pod` shows OOMKilled). Requests are what the scheduler reserves: a preset
# without them is scheduled as if the component needed nothing.
package spark.resources

import data.spark.lib
import rego.v1

# Every `resources` map in the preset, with its path.
resource_blocks contains [path, value] if {
	walk(input, [path, value])
	count(path) > 0
	path[count(path) - 1] == "resources"
	is_object(value)
}

deny contains msg if {
	some [path, r] in resource_blocks
	not r.limits.memory
	msg := sprintf("`%s` has no `limits.memory`: set a memory limit for this component", [lib.dotted(path)])
}

# Kubernetes rejects a limit below the request; catch it before `helm install` does.
deny contains msg if {
	some [path, r] in resource_blocks
	limit := units.parse_bytes(sprintf("%v", [r.limits.memory]))
	request := units.parse_bytes(sprintf("%v", [r.requests.memory]))
	limit < request
	msg := sprintf("`%s`: limits.memory %v is below requests.memory %v", [lib.dotted(path), r.limits.memory, r.requests.memory])
}

warn contains msg if {
	some [path, r] in resource_blocks
	some name in ["cpu", "memory"]
	not r.requests[name]
	msg := sprintf("`%s` has no `requests.%s`: the scheduler reserves nothing for it", [lib.dotted(path), name])
}
