package k8sagenthardenedsidecars

# AUTH-02 / ISO-07: the auth guard stands between the internet and the agent and keeps no
# state, so it gets a read-only root filesystem and no capability at all. Native sidecars are
# init containers, so those count too.
containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

named(c) if c.name in input.parameters.containers

context(c) := object.get(c, "securityContext", {})

violation contains {"msg": msg} if {
	some c in containers
	named(c)
	object.get(context(c), "readOnlyRootFilesystem", false) != true
	msg := sprintf("sidecar %v must set readOnlyRootFilesystem: true", [c.name])
}

violation contains {"msg": msg} if {
	some c in containers
	named(c)
	dropped := {upper(d) | some d in object.get(object.get(context(c), "capabilities", {}), "drop", [])}
	not "ALL" in dropped
	msg := sprintf("sidecar %v must drop ALL capabilities", [c.name])
}
