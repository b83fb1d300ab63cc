package k8sagentnoautomounttoken

# ISO-09: an agent holds no Kubernetes credential. The default is to mount the service
# account's token, so only an explicit false counts. A projected token volume would bring one
# back, with one exception the mesh needs: Istio's injector gives every injected pod a token
# for the mesh CA's audience (istio-ca), which the API server refuses, and only the sidecar
# mounts it. A token without an audience is the API server's; any other audience, or a mesh
# token mounted by another container, is denied.
spec := input.review.object.spec

containers contains c if some c in object.get(spec, "containers", [])

containers contains c if some c in object.get(spec, "initContainers", [])

containers contains c if some c in object.get(spec, "ephemeralContainers", [])

token_volumes contains [volume.name, object.get(source.serviceAccountToken, "audience", "")] if {
	some volume in object.get(spec, "volumes", [])
	some source in object.get(object.get(volume, "projected", {}), "sources", [])
	object.get(source, "serviceAccountToken", null) != null
}

violation contains {"msg": msg} if {
	object.get(spec, "automountServiceAccountToken", true) != false
	msg := sprintf("pod %v must set automountServiceAccountToken: false", [object.get(input.review.object.metadata, "name", "")])
}

violation contains {"msg": msg} if {
	some [name, audience] in token_volumes
	audience == ""
	msg := sprintf("volume %v must not project a service account token for the Kubernetes API (no audience)", [name])
}

violation contains {"msg": msg} if {
	some [name, audience] in token_volumes
	audience != ""
	not audience in input.parameters.allowedTokenAudiences
	msg := sprintf("volume %v projects a service account token for audience %v; only %v may be projected", [name, audience, input.parameters.allowedTokenAudiences])
}

violation contains {"msg": msg} if {
	some [name, _] in token_volumes
	some c in containers
	some mount in object.get(c, "volumeMounts", [])
	mount.name == name
	not c.name in input.parameters.tokenContainers
	msg := sprintf("container %v must not mount the service account token volume %v (only %v may)", [c.name, name, input.parameters.tokenContainers])
}
