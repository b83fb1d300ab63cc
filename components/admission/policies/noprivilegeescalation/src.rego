package k8sagentnoprivilegeescalation

# ISO-08: the kubelet's default is to allow escalation (setuid binaries, file capabilities),
# so only an explicit false counts. Exempt: the named containers of a platform agent whose chart
# cannot set it (the CNI node agent).
import data.lib.exemptions

containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

containers contains c if some c in object.get(input.review.object.spec, "ephemeralContainers", [])

violation contains {"msg": msg} if {
	some c in containers
	object.get(object.get(c, "securityContext", {}), "allowPrivilegeEscalation", true) != false
	not exemptions.exempt_container(input.review, input.parameters.exemptions, c.name)
	msg := sprintf("container %v must set allowPrivilegeEscalation: false", [c.name])
}
