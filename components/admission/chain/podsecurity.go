package main

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
)

// PodSecurityVerdict is Pod Security Admission's enforce verdict for one pod.
type PodSecurityVerdict struct {
	Level     string           `json:"level"`
	Version   string           `json:"version"`
	Allowed   bool             `json:"allowed"`
	Forbidden []ForbiddenCheck `json:"forbidden"`
}

type ForbiddenCheck struct {
	Reason string `json:"reason"`
	Detail string `json:"detail"`
}

// PodSecurity evaluates pods with the checks of k8s.io/pod-security-admission/policy at their
// namespace's enforce level and version, on a cluster of the given Kubernetes minor.
type PodSecurity struct {
	evaluator policy.Evaluator
	cluster   psaapi.Version
}

func NewPodSecurity(kv KubeVersion) (*PodSecurity, error) {
	cluster := psaapi.MajorMinorVersion(kv.Major, kv.Minor)
	// The cluster's minor is the newest policy version it knows: "latest" means that one.
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), &cluster)
	if err != nil {
		return nil, err
	}
	return &PodSecurity{evaluator: evaluator, cluster: cluster}, nil
}

// Evaluate reads the namespace's pod-security.kubernetes.io/enforce and enforce-version labels
// as the PodSecurity plugin does (api.PolicyToEvaluate, with the plugin's defaults: privileged,
// latest) and runs the checks. Labels that do not parse are an error here, where the plugin
// would fall back to restricted.
func (p *PodSecurity) Evaluate(ns *corev1.Namespace, pod *corev1.Pod) (*PodSecurityVerdict, error) {
	defaults := psaapi.Policy{
		Enforce: psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()},
		Audit:   psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()},
		Warn:    psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()},
	}
	pol, errs := psaapi.PolicyToEvaluate(ns.Labels, defaults)
	if len(errs) > 0 {
		return nil, fmt.Errorf("Namespace %s: invalid Pod Security labels: %v", ns.Name, errs.ToAggregate())
	}
	lv := pol.Enforce
	if lv.Version.Latest() || p.cluster.Older(lv.Version) {
		lv.Version = p.cluster
	}
	verdict := &PodSecurityVerdict{Level: string(lv.Level), Version: lv.Version.String(), Forbidden: []ForbiddenCheck{}}
	result := policy.AggregateCheckResults(p.evaluator.EvaluatePod(lv, &pod.ObjectMeta, &pod.Spec))
	verdict.Allowed = result.Allowed
	for i := range result.ForbiddenReasons {
		verdict.Forbidden = append(verdict.Forbidden, ForbiddenCheck{Reason: result.ForbiddenReasons[i], Detail: result.ForbiddenDetails[i]})
	}
	return verdict, nil
}
