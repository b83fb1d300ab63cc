package k8sagentproviderkeycustody

# SEC-09: the AI provider key never enters an agent's sandbox. The tenant's egress proxy alone
# mounts the Secret it is synced into, and adds it to requests for the provider host; an agent pod
# (labelled as one) that mounts it, projects it or reads it into its environment is refused, as is
# one reading the tenant CA's key. From the proxy's certificate Secret an agent may read ca.crt only.
metadata := object.get(input.review.object, "metadata", {})

spec := input.review.object.spec

is_agent if object.get(object.get(metadata, "labels", {}), input.parameters.agentLabelKey, "") == input.parameters.agentLabelValue

containers contains c if some c in object.get(spec, "containers", [])

containers contains c if some c in object.get(spec, "initContainers", [])

containers contains c if some c in object.get(spec, "ephemeralContainers", [])

# [where, secret name, projected items] for every reference to a Secret in the pod.
references contains [sprintf("volume %v", [volume.name]), volume.secret.secretName, object.get(volume.secret, "items", [])] if {
	some volume in object.get(spec, "volumes", [])
	object.get(object.get(volume, "secret", {}), "secretName", "") != ""
}

references contains [sprintf("volume %v", [volume.name]), source.secret.name, object.get(source.secret, "items", [])] if {
	some volume in object.get(spec, "volumes", [])
	some source in object.get(object.get(volume, "projected", {}), "sources", [])
	object.get(object.get(source, "secret", {}), "name", "") != ""
}

references contains [sprintf("container %v env %v", [c.name, e.name]), e.valueFrom.secretKeyRef.name, []] if {
	some c in containers
	some e in object.get(c, "env", [])
	object.get(object.get(object.get(e, "valueFrom", {}), "secretKeyRef", {}), "name", "") != ""
}

references contains [sprintf("container %v envFrom", [c.name]), f.secretRef.name, []] if {
	some c in containers
	some f in object.get(c, "envFrom", [])
	object.get(object.get(f, "secretRef", {}), "name", "") != ""
}

only_ca_certificate(items) if {
	count(items) > 0
	every item in items {
		item.key == "ca.crt"
	}
}

violation contains {"msg": msg} if {
	is_agent
	some [where, secret, _] in references
	secret == input.parameters.providerKeySecret
	msg := sprintf("agent pod %v: %v reads the provider key Secret %v; only the egress proxy may hold it", [object.get(metadata, "name", ""), where, secret])
}

violation contains {"msg": msg} if {
	is_agent
	some [where, secret, _] in references
	secret == input.parameters.tenantCaSecret
	msg := sprintf("agent pod %v: %v reads the tenant CA key Secret %v", [object.get(metadata, "name", ""), where, secret])
}

violation contains {"msg": msg} if {
	is_agent
	some [where, secret, items] in references
	secret == input.parameters.proxyTlsSecret
	not only_ca_certificate(items)
	msg := sprintf("agent pod %v: %v reads more than ca.crt of Secret %v", [object.get(metadata, "name", ""), where, secret])
}
