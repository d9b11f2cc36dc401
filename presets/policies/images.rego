# Image tags are pinned: never `latest`, never empty.
#
# `latest` (or no tag, which means `latest`) changes under a running release: two pods of one
# Deployment can run different builds, a rollback does not roll the image back, and a preset
# that was tested is no longer what gets deployed. Pin a version tag or a digest.
#
# Checked: every map whose key ends in `image` or `Image` (`connect.image`,
# `airflow.kubernetesExecutor.workerImage`, ...) that sets `tag` or `repository`, and every
# image written as one string (`image: apache/airflow:2.10.5`).
package spark.images

import data.spark.lib
import rego.v1

image_key(k) if {
	is_string(k)
	endswith(lower(k), "image")
}

# Maps that describe an image.
image_maps contains [path, value] if {
	walk(input, [path, value])
	count(path) > 0
	image_key(path[count(path) - 1])
	is_object(value)
}

# Images written as one string: `registry/repo:tag` or `repo@sha256:...`.
image_strings contains [path, value] if {
	walk(input, [path, value])
	count(path) > 0
	image_key(path[count(path) - 1])
	is_string(value)
}

# The tag of `repo:tag` (a `:` after the last `/`, so a registry port is not a tag).
string_tag(ref) := tag if {
	not contains(ref, "@")
	parts := split(ref, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag := substring(last, indexof(last, ":") + 1, -1)
}

deny contains msg if {
	some [path, img] in image_maps
	"tag" in object.keys(img)
	not pinned(img.tag)
	msg := sprintf("`%s.tag` is %v: pin a version tag (or a digest), never latest or empty", [lib.dotted(path), json.marshal(img.tag)])
}

# A tag that names one build: a non-empty string other than `latest`. (A number is reported
# by the rule below.)
pinned(tag) if {
	is_string(tag)
	not lower(trim_space(tag)) in {"", "latest"}
}

pinned(tag) if is_number(tag)

# YAML reads `tag: 3.10` as the number 3.1: quote tags.
deny contains msg if {
	some [path, img] in image_maps
	is_number(img.tag)
	msg := sprintf("`%s.tag` is the number %v, not a string: quote it (YAML reads 3.10 as 3.1)", [lib.dotted(path), img.tag])
}

deny contains msg if {
	some [path, img] in image_maps
	tag := string_tag(img.repository)
	lower(tag) == "latest"
	msg := sprintf("`%s.repository` ends in `:latest`: put a pinned version in `tag`", [lib.dotted(path)])
}

deny contains msg if {
	some [path, ref] in image_strings
	lib.non_empty(ref)
	not contains(ref, "@")
	not string_tag(ref)
	msg := sprintf("`%s` (%s) has no tag, which means latest: pin a version tag", [lib.dotted(path), ref])
}

deny contains msg if {
	some [path, ref] in image_strings
	lower(string_tag(ref)) == "latest"
	msg := sprintf("`%s` (%s) uses latest: pin a version tag", [lib.dotted(path), ref])
}
