package k8sagentcapabilities

# ISO-07: drop ALL (or at least the capabilities that lead out of a container) and add back
# nothing beyond the allowed list. Names are compared without case and without "CAP_". A
# platform agent's exemption may add the capabilities it names, for its named containers only;
# it still drops ALL.
import data.lib.exemptions

containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

containers contains c if some c in object.get(input.review.object.spec, "ephemeralContainers", [])

norm(name) := trim_prefix(upper(name), "CAP_")

capabilities(c) := object.get(object.get(c, "securityContext", {}), "capabilities", {})

violation contains {"msg": msg} if {
	some c in containers
	dropped := {norm(d) | some d in object.get(capabilities(c), "drop", [])}
	not "ALL" in dropped
	missing := {norm(r) | some r in input.parameters.requiredDrops} - dropped
	count(missing) > 0
	msg := sprintf("container %v must drop ALL capabilities, or at least %v", [c.name, sort(missing)])
}

violation contains {"msg": msg} if {
	some c in containers
	some added in object.get(capabilities(c), "add", [])
	not norm(added) in {norm(a) | some a in input.parameters.allowedAdds}
	not norm(added) in {norm(a) | some a in exemptions.added_capabilities(input.review, input.parameters.exemptions, c.name)}
	msg := sprintf("container %v must not add capability %v (allowed: %v)", [c.name, added, input.parameters.allowedAdds])
}
