package k8sagentcontainerlimits

# ADM-03 / ISO-12: a container without limits can starve its neighbours on a shared node.
# Ephemeral containers cannot declare resources, so only regular and init containers count.
containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

violation contains {"msg": msg} if {
	some c in containers
	some resource in input.parameters.resources
	limits := object.get(object.get(c, "resources", {}), "limits", {})
	not has_value(limits, resource)
	msg := sprintf("container %v must set a %v limit", [c.name, resource])
}

has_value(limits, resource) if {
	value := limits[resource]
	value != ""
	value != 0
}
