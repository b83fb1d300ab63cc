package k8sagentrequireruntimeclass

# ISO-10: agent code runs in the gVisor sandbox, never directly on the node's kernel.
violation contains {"msg": msg} if {
	got := object.get(input.review.object.spec, "runtimeClassName", "")
	not got in input.parameters.allowed
	msg := sprintf("pod %v must set runtimeClassName to one of %v, got %v", [object.get(input.review.object.metadata, "name", ""), input.parameters.allowed, got])
}
