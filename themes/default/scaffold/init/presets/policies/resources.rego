# Every component a preset sizes has a memory limit, at least as large as its request.
#
# A container without a memory limit can take the node's memory and get other pods evicted; a
# limit below the request is rejected by the API server. `deny` findings fail `spark-docs check`;
# `warn` findings are warnings. `input` is the preset's values, as the file says them.
package spark.resources

import rego.v1

deny contains msg if {
	some name, component in input
	is_object(component.resources)
	not component.resources.limits.memory
	msg := sprintf("`%s.resources` has no `limits.memory`: set a memory limit for this component", [name])
}

warn contains msg if {
	some name, component in input
	is_object(component.resources)
	not component.resources.requests.memory
	msg := sprintf("`%s.resources` has no `requests.memory`: the scheduler reserves no memory for it", [name])
}
