package k8sagentdisallowlatest

# ADM-05: ":latest" and untagged images change under a running workload and cannot be traced
# to a build; a version tag or a digest can.
containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

containers contains c if some c in object.get(input.review.object.spec, "ephemeralContainers", [])

# The tag is what follows ":" in the last path segment; a ":" earlier is a registry port.
tag(image) := t if {
	segments := split(image, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
} else := ""

pinned(image) if contains(image, "@")

pinned(image) if {
	not contains(image, "@")
	not tag(image) in {"", "latest"}
}

violation contains {"msg": msg} if {
	some c in containers
	not pinned(c.image)
	msg := sprintf("container %v uses image %v: name a version tag or a digest, not :latest or no tag", [c.name, c.image])
}
