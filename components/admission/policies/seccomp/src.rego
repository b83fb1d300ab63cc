package k8sagentseccomp

# ISO-06: every container runs under a seccomp profile (RuntimeDefault or a node-local one),
# set on the pod or the container; a container's own setting wins, so Unconfined there counts.
spec := input.review.object.spec

containers contains c if some c in object.get(spec, "containers", [])

containers contains c if some c in object.get(spec, "initContainers", [])

containers contains c if some c in object.get(spec, "ephemeralContainers", [])

profile_type(context) := object.get(object.get(context, "seccompProfile", {}), "type", "")

pod_profile := profile_type(object.get(spec, "securityContext", {}))

effective(c) := t if {
	t := profile_type(object.get(c, "securityContext", {}))
	t != ""
} else := pod_profile

violation contains {"msg": msg} if {
	some c in containers
	not effective(c) in input.parameters.allowedProfiles
	msg := sprintf("container %v must run with a seccomp profile of type %v, got %v", [c.name, input.parameters.allowedProfiles, effective(c)])
}
