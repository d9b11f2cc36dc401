# Spark writes event logs where the History Server reads them.
#
# The History Server lists the applications it finds under `historyServer.logDirectory`; a
# server that writes its event log elsewhere produces applications nobody can open later.
package spark.eventlog

import rego.v1

norm(dir) := trim_right(trim_space(dir), "/")

warn contains msg if {
	input.historyServer.enabled == true
	written := input.connect.sparkConf["spark.eventLog.dir"]
	norm(written) != norm(input.historyServer.logDirectory)
	msg := sprintf("`connect.sparkConf` writes event logs to %s but `historyServer.logDirectory` is %s: the History Server will not list these applications", [written, input.historyServer.logDirectory])
}
