package lib.exemptions

# A platform workload that needs the node for its job (components/admission/exemptions.ts):
# known by its namespace and pod labels, exempt only from the constraint whose parameters list
# it, and only for the containers, host paths and capabilities named there. Only the platform
# can create pods in these namespaces; tenants have no RBAC there.
applies(review, exemption) if {
	namespace := object.get(review.object.metadata, "namespace", object.get(review, "namespace", ""))
	exemption.namespace == namespace
	labels := object.get(review.object.metadata, "labels", {})
	every key, value in exemption.podLabels {
		object.get(labels, key, null) == value
	}
}

exempt_container(review, exemptions, name) if {
	some exemption in exemptions
	applies(review, exemption)
	name in exemption.containers
}

allowed_host_path(review, exemptions, path) if {
	some exemption in exemptions
	applies(review, exemption)
	path in object.get(exemption, "hostPaths", [])
}

added_capabilities(review, exemptions, name) := {upper(cap) |
	some exemption in exemptions
	applies(review, exemption)
	name in exemption.containers
	some cap in object.get(exemption, "addCapabilities", [])
}
