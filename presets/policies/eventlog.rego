# Spark writes event logs where the History Server reads them.
#
# The History Server lists what it finds under `historyServer.logDirectory`; a driver that writes
# to another prefix produces applications nobody can open after the driver is gone. Both sides
# default to `s3a://spark-logs/events`, and only that prefix (and
# `s3a://spark-standalone-logs/events`) gets the `.keep` marker the bucket init writes; any other
# prefix must be created by hand or the driver and the History Server fail at start (ISSUE-006,
# ISSUE-013, ISSUE-022).
package spark.eventlog

import rego.v1

# Event-log directories a preset sets for its Spark applications, with where they are set.
writers contains [where, dir] if {
	dir := input.connect.eventLog.dir
	where := "connect.eventLog.dir"
}

writers contains [where, dir] if {
	some component in ["connect", "sparkConnect"]
	dir := input[component].sparkConf["spark.eventLog.dir"]
	where := sprintf("%s.sparkConf[spark.eventLog.dir]", [component])
}

writers contains [where, dir] if {
	dir := input.airflow.variables.spark_eventlog_dir
	where := "airflow.variables.spark_eventlog_dir"
}

norm(d) := trim_right(trim_space(d), "/")

warn contains msg if {
	reader := input.historyServer.logDirectory
	some [where, dir] in writers
	norm(dir) != norm(reader)
	msg := sprintf("`%s` is %s but `historyServer.logDirectory` is %s: the History Server will not list these applications", [where, dir, reader])
}

warn contains msg if {
	some [where, dir] in writers
	startswith(dir, "s3a://")
	not norm(dir) in {"s3a://spark-logs/events", "s3a://spark-standalone-logs/events"}
	msg := sprintf("`%s` (%s) is not a prefix the bucket init marks: create `<prefix>/.keep` before the first start (ISSUE-022)", [where, dir])
}
