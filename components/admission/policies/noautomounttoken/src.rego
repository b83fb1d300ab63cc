package k8sagentnoautomounttoken

# ISO-09: an agent holds no Kubernetes credential. The default is to mount the service
# account's token, so only an explicit false counts; a projected token volume would bring it back.
spec := input.review.object.spec

violation contains {"msg": msg} if {
	object.get(spec, "automountServiceAccountToken", true) != false
	msg := sprintf("pod %v must set automountServiceAccountToken: false", [object.get(input.review.object.metadata, "name", "")])
}

violation contains {"msg": msg} if {
	some volume in object.get(spec, "volumes", [])
	some source in object.get(object.get(volume, "projected", {}), "sources", [])
	object.get(source, "serviceAccountToken", null) != null
	msg := sprintf("volume %v must not project a service account token", [volume.name])
}
