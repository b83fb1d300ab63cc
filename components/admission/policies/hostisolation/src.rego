package k8sagenthostisolation

# ADM-02 / ISO-14: each of these hands a container the node: privileged mode, the node's
# network, process or IPC namespace, or its filesystem. A platform agent that needs host paths
# (Falco, the CNI node agent, the gVisor monitor) may mount exactly the paths its exemption
# lists; nothing is ever exempt from the privileged and host-namespace rules.
import data.lib.exemptions

spec := input.review.object.spec

pod_name := object.get(input.review.object.metadata, "name", "")

containers contains c if some c in object.get(spec, "containers", [])

containers contains c if some c in object.get(spec, "initContainers", [])

containers contains c if some c in object.get(spec, "ephemeralContainers", [])

violation contains {"msg": msg} if {
	some c in containers
	object.get(object.get(c, "securityContext", {}), "privileged", false) == true
	msg := sprintf("container %v of pod %v must not be privileged", [c.name, pod_name])
}

violation contains {"msg": msg} if {
	some field in ["hostNetwork", "hostPID", "hostIPC"]
	object.get(spec, field, false) == true
	msg := sprintf("pod %v must not set %v", [pod_name, field])
}

violation contains {"msg": msg} if {
	some volume in object.get(spec, "volumes", [])
	object.get(volume, "hostPath", null) != null
	not exemptions.allowed_host_path(input.review, input.parameters.exemptions, volume.hostPath.path)
	msg := sprintf("pod %v must not mount the hostPath volume %v", [pod_name, volume.name])
}
