package k8sagentallowedregistries

# Images come only from registries the platform trusts. A name without a registry host
# ("nginx", "library/nginx") is pulled from docker.io, so it is judged as docker.io.
containers contains c if some c in object.get(input.review.object.spec, "containers", [])

containers contains c if some c in object.get(input.review.object.spec, "initContainers", [])

containers contains c if some c in object.get(input.review.object.spec, "ephemeralContainers", [])

registry(image) := first if {
	segments := split(image, "/")
	count(segments) > 1
	first := segments[0]
	host_like(first)
} else := "docker.io"

host_like(s) if contains(s, ".")

host_like(s) if contains(s, ":")

host_like("localhost")

violation contains {"msg": msg} if {
	some c in containers
	not registry(c.image) in input.parameters.registries
	msg := sprintf("container %v image %v comes from %v, not from an allowed registry %v", [c.name, c.image, registry(c.image), input.parameters.registries])
}
