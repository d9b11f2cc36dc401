# Credentials come from an existing Secret, not from the values file.
#
# A values file is committed, shown on the site and stored by Helm in the release Secret: an
# access key written into it is published. The charts read S3 credentials from an existing
# Secret instead (spark-4.1: `global.s3.existingSecret`; spark-connect: `s3.existingSecret`,
# both with keys `access-key` and `secret-key`, see ISSUE-007). A chart without such a key
# (spark-standalone before February 2026) takes the credentials from a second, uncommitted
# values file or `--set` at install time.
#
# Presets marked `test-only: true` in their leading comment may carry throwaway credentials
# (a MinIO that lives as long as one test run).
package spark.secrets

import data.spark.lib
import rego.v1

# Keys whose value is an S3 credential, wherever they appear (`global.s3`, `s3`,
# `autoscaling.keda.s3`, ...), and the same as Spark properties or environment variables.
s3_keys := {
	"accessKey", "secretKey", "sessionToken",
	"spark.hadoop.fs.s3a.access.key", "spark.hadoop.fs.s3a.secret.key", "spark.hadoop.fs.s3a.session.token",
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
}

# Other secrets that have no business in a committed values file.
other_secret_keys := {"password", "adminPassword", "rootPassword", "fernetKey", "restCatalogToken", "token"}

deny contains msg if {
	not lib.test_only
	walk(input, [path, value])
	count(path) > 0
	path[count(path) - 1] in s3_keys
	lib.non_empty(value)
	msg := sprintf("S3 credential written inline at `%s`: read it from an existing Secret (`global.s3.existingSecret` / `s3.existingSecret`, keys access-key and secret-key), or mark the preset `test-only: true`", [lib.dotted(path)])
}

deny contains msg if {
	not lib.test_only
	walk(input, [path, value])
	count(path) > 0
	path[count(path) - 1] in other_secret_keys
	lib.non_empty(value)
	msg := sprintf("secret written inline at `%s`: pass it at install time from a Secret (an uncommitted values file or `--set`), or mark the preset `test-only: true`", [lib.dotted(path)])
}

# Charts that can read S3 credentials from a Secret, and where that setting lives.
secret_setting := {
	"spark-4.1": ["global", "s3"],
	"spark-connect": ["s3"],
}

# A preset that configures S3 for such a chart but names no Secret: the chart then uses empty
# plain-text credentials (spark-4.1 gives Jupyter none at all).
warn contains msg if {
	not lib.test_only
	where := secret_setting[data.spark_docs.preset.chart]
	s3 := object.get(input, where, null)
	is_object(s3)
	not s3.enabled == false
	not lib.non_empty(object.get(s3, "existingSecret", ""))
	msg := sprintf("`%s` sets no `existingSecret`: name the Secret that holds access-key and secret-key", [concat(".", where)])
}
