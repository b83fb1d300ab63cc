package k8sagentrequiredlabels

# ADM-01: workloads say what they are and which product owns them, so audit results and
# dashboards can be grouped; an empty value says nothing, so it counts as missing.
violation contains {"msg": msg, "details": {"missing": missing}} if {
	labels := object.get(input.review.object.metadata, "labels", {})
	provided := {key | some key, value in labels; value != ""}
	missing := {key | some key in input.parameters.labels} - provided
	count(missing) > 0
	msg := sprintf("%v %v must carry the labels %v", [input.review.object.kind, input.review.object.metadata.name, sort(missing)])
}
