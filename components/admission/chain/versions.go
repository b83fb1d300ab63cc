package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"regexp"
	"runtime/debug"
	"strconv"

	"k8s.io/apimachinery/pkg/util/version"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/component-base/compatibility"
)

// KubeVersion is the cluster's Kubernetes version, major.minor[.patch].
type KubeVersion struct {
	Major, Minor, Patch int
}

var kubeVersionRE = regexp.MustCompile(`^v?(\d+)\.(\d+)(?:\.(\d+))?$`)

func ParseKubeVersion(s string) (KubeVersion, error) {
	m := kubeVersionRE.FindStringSubmatch(s)
	if m == nil {
		return KubeVersion{}, fmt.Errorf("kubernetes version %q: want MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.35", s)
	}
	var v KubeVersion
	v.Major, _ = strconv.Atoi(m[1])
	v.Minor, _ = strconv.Atoi(m[2])
	if m[3] != "" {
		v.Patch, _ = strconv.Atoi(m[3])
	}
	return v, nil
}

func (v KubeVersion) MajorMinor() string { return fmt.Sprintf("%d.%d", v.Major, v.Minor) }

// GitVersion is the version as a kubelet or kube-apiserver reports it, e.g. v1.35.0.
func (v KubeVersion) GitVersion() string { return fmt.Sprintf("v%d.%d.%d", v.Major, v.Minor, v.Patch) }

// emulateKubernetesVersion makes the feature gates of the k8s.io/kubernetes code (1.36) take the
// defaults of the cluster's minor, as kube-apiserver --emulated-version does.
func emulateKubernetesVersion(v KubeVersion) error {
	return utilfeature.DefaultMutableFeatureGate.SetEmulationVersion(version.MajorMinor(uint(v.Major), uint(v.Minor)))
}

// effectiveVersion is the apiserver code's version emulating the cluster's minor.
func effectiveVersion(v KubeVersion) compatibility.EffectiveVersion {
	ev := compatibility.NewEffectiveVersionFromString(moduleVersionOr("k8s.io/kubernetes", "1.36.0"), "", "")
	ev.SetEmulationVersion(version.MajorMinor(uint(v.Major), uint(v.Minor)))
	return ev
}

// trackedModules are the upstream modules whose versions `admission-chain version` prints.
var trackedModules = []string{
	"istio.io/istio",
	"k8s.io/kubernetes",
	"k8s.io/apiserver",
	"k8s.io/api",
	"k8s.io/pod-security-admission",
	"helm.sh/helm/v4",
}

// moduleVersion is the version of a module this binary was built with, after replace directives.
func moduleVersion(path string) (string, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, dep := range info.Deps {
		if dep.Path == path {
			if dep.Replace != nil {
				return dep.Replace.Version, true
			}
			return dep.Version, true
		}
	}
	return "", false
}

func moduleVersionOr(path, fallback string) string {
	if v, ok := moduleVersion(path); ok {
		return v
	}
	return fallback
}

func printVersions(w io.Writer) error {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return fmt.Errorf("this binary carries no build information")
	}
	fmt.Fprintf(w, "admission-chain (%s, %s)\n", info.Main.Path, info.GoVersion)
	for _, path := range trackedModules {
		v, ok := moduleVersion(path)
		if !ok {
			v = "(not linked)"
		}
		fmt.Fprintf(w, "%s %s\n", path, v)
	}
	return nil
}

// fnv48 is a stable 48-bit hash, for the synthetic UIDs.
func fnv48(s string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(s))
	return h.Sum64() & 0xffffffffffff
}
