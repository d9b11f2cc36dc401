# Helpers shared by the preset policies (no rules of their own).
#
# The policies follow conftest conventions: each file is a package with `deny` (errors) and
# `warn` (warnings) sets of messages, and `input` is one values file as written (not merged with
# the chart's defaults). `spark-docs check` evaluates them on every preset and reports
# `policy-deny` / `policy-warn`; conftest works too:
#
#   conftest test --all-namespaces -p presets/policies presets/charts/spark-4.1/values-scenario-*.yaml
#
# spark-docs also provides `data.spark_docs.preset` = {"file", "chart", "test_only"}; test_only
# is true when the preset's leading comment has a line `test-only: true`. Under conftest that
# document is absent, so every rule applies as to a preset that is not test-only.
package spark.lib

import rego.v1

# `connect.resources.limits` for a walk() path (list indices as numbers: `a.b.0.c`).
dotted(path) := concat(".", [sprintf("%v", [p]) | some p in path])

# True when the preset is marked `test-only: true` (never under plain conftest).
test_only if data.spark_docs.preset.test_only == true

# A non-empty string: an inline value was written, not left to the chart or a Secret.
non_empty(v) if {
	is_string(v)
	trim_space(v) != ""
}
