package k8sagentrunasnonroot

# ADM-04 / ISO-11: containers run as non-root, with one exception (docs/decisions/agents-run-as-root.md):
# a pod in its own user namespace (hostUsers: false) under an allowed sandbox runtime may run as
# root, because that root is neither host root nor even a host kernel user.
# A platform agent that must read the node as root (Falco, the CNI node agent) is exempt for its
# named containers only.
import data.lib.exemptions

spec := input.review.object.spec

pod_context := object.get(spec, "securityContext", {})

containers contains c if some c in object.get(spec, "containers", [])

containers contains c if some c in object.get(spec, "initContainers", [])

containers contains c if some c in object.get(spec, "ephemeralContainers", [])

root_allowed if {
	object.get(spec, "hostUsers", true) == false
	object.get(spec, "runtimeClassName", "") in input.parameters.rootAllowedRuntimeClasses
}

# A container's own setting wins over the pod's, as in the kubelet.
setting(c, key, fallback) := object.get(object.get(c, "securityContext", {}), key, object.get(pod_context, key, fallback))

non_root(c) if {
	setting(c, "runAsNonRoot", false) == true
	setting(c, "runAsUser", -1) != 0
}

violation contains {"msg": msg} if {
	not root_allowed
	some c in containers
	not non_root(c)
	not exemptions.exempt_container(input.review, input.parameters.exemptions, c.name)
	msg := sprintf("container %v must set runAsNonRoot: true (root is allowed only with hostUsers: false and runtimeClassName in %v)", [c.name, input.parameters.rootAllowedRuntimeClasses])
}
