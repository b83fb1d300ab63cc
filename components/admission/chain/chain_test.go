package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	kubeoptions "k8s.io/kubernetes/pkg/kubeapiserver/options"
)

// The fixtures' report, computed once: the chain takes a few seconds to start.
var (
	reportOnce sync.Once
	report     *Report
	reportErr  error
)

func fixtureReport(t *testing.T) *Report {
	t.Helper()
	reportOnce.Do(func() {
		var out, errOut bytes.Buffer
		reportErr = run([]string{"admit", "-f", "testdata/tenant",
			"--istiod-values", "testdata/istiod-values.json",
			"--istio-version", "1.31.1", "--kubernetes-version", "1.35"}, &out, &errOut)
		if reportErr != nil {
			return
		}
		report = &Report{}
		// Decode through JSON, as the TypeScript side reads it.
		reportErr = json.Unmarshal(out.Bytes(), report)
		_ = os.WriteFile(filepath.Join(os.TempDir(), "admission-chain-fixture-report.json"), out.Bytes(), 0o644)
	})
	if reportErr != nil {
		t.Fatalf("admit: %v", reportErr)
	}
	return report
}

func podOf(t *testing.T, r *Report, kind, name string) (*PodReport, *corev1.Pod) {
	t.Helper()
	for i := range r.Pods {
		p := &r.Pods[i]
		if p.Source.Kind == kind && p.Source.Name == name {
			js, _ := json.Marshal(p.Pod)
			pod := &corev1.Pod{}
			if err := json.Unmarshal(js, pod); err != nil {
				t.Fatal(err)
			}
			return p, pod
		}
	}
	t.Fatalf("no pod from %s %s in the report", kind, name)
	return nil, nil
}

func step(p *PodReport, plugin, phase string) *AdmissionStep {
	for i := range p.Admission {
		if p.Admission[i].Plugin == plugin && p.Admission[i].Phase == phase {
			return &p.Admission[i]
		}
	}
	return nil
}

func containerNamed(cs []corev1.Container, name string) *corev1.Container {
	for i := range cs {
		if cs[i].Name == name {
			return &cs[i]
		}
	}
	return nil
}

func TestPodsAreSortedByNamespaceKindName(t *testing.T) {
	r := fixtureReport(t)
	var got []string
	for _, p := range r.Pods {
		got = append(got, p.Source.Namespace+"/"+p.Source.Kind+"/"+p.Source.Name)
	}
	want := []string{"tenant-acme/Deployment/token-user", "tenant-acme/Job/too-big", "tenant-acme/StatefulSet/agent"}
	if !slices.Equal(got, want) {
		t.Fatalf("pods %v, want %v", got, want)
	}
}

func TestAgentPodIsInjectedWithIstioProxyAndIstioToken(t *testing.T) {
	r := fixtureReport(t)
	p, pod := podOf(t, r, "StatefulSet", "agent")
	if !p.Injected {
		t.Fatalf("agent pod not injected; admission: %+v", p.Admission)
	}
	if pod.Name != "agent-0" || pod.Labels["statefulset.kubernetes.io/pod-name"] != "agent-0" {
		t.Errorf("pod name %q, labels %v", pod.Name, pod.Labels)
	}
	proxy := containerNamed(pod.Spec.InitContainers, "istio-proxy")
	native := proxy != nil
	if proxy == nil {
		proxy = containerNamed(pod.Spec.Containers, "istio-proxy")
	}
	if proxy == nil {
		t.Fatalf("no istio-proxy container: init %v, containers %v", names(pod.Spec.InitContainers), names(pod.Spec.Containers))
	}
	// istiod injects native sidecars when every node runs Kubernetes >= 1.33 (DetectNativeSidecar).
	if !native || proxy.RestartPolicy == nil || *proxy.RestartPolicy != corev1.ContainerRestartPolicyAlways {
		t.Errorf("istio-proxy is not a native sidecar (init container with restartPolicy Always) on 1.35 nodes")
	}
	// Interception NONE: no istio-init, no istio-validation.
	for _, c := range pod.Spec.InitContainers {
		if c.Name == "istio-init" || c.Name == "istio-validation" {
			t.Errorf("interception NONE pod got %s", c.Name)
		}
	}
	var token *corev1.Volume
	for i := range pod.Spec.Volumes {
		if pod.Spec.Volumes[i].Name == "istio-token" {
			token = &pod.Spec.Volumes[i]
		}
	}
	if token == nil || token.Projected == nil || len(token.Projected.Sources) == 0 ||
		token.Projected.Sources[0].ServiceAccountToken == nil ||
		token.Projected.Sources[0].ServiceAccountToken.Audience != "istio-ca" {
		t.Fatalf("no istio-token volume with a projected serviceAccountToken for audience istio-ca: %+v", token)
	}
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, "kube-api-access-") {
			t.Errorf("automountServiceAccountToken false, but the pod got %s", v.Name)
		}
	}
	if proxy.Image != "docker.io/istio/proxyv2:1.31.1" {
		t.Errorf("istio-proxy image %q", proxy.Image)
	}
	// The RuntimeClass plugin adds the sandbox's overhead and scheduling.
	if pod.Spec.Overhead.Cpu().String() != "100m" || pod.Spec.NodeSelector["agent-platform.io/sandbox"] != "gvisor" {
		t.Errorf("RuntimeClass not applied: overhead %v, nodeSelector %v", pod.Spec.Overhead, pod.Spec.NodeSelector)
	}
	if len(p.Validation) != 0 {
		t.Errorf("ValidatePodCreate: %v", p.Validation)
	}
	for _, s := range p.Admission {
		if !s.Allowed {
			t.Errorf("%s %s refused the agent pod: %s", s.Plugin, s.Phase, s.Error)
		}
	}
	// istiod's own warnings reach the report.
	if !slices.ContainsFunc(r.Warnings, func(w string) bool { return strings.HasPrefix(w, "StatefulSet tenant-acme/agent: istiod warn: ") }) {
		t.Errorf("istiod's DNSPolicy warning for the agent is not in the report: %v", r.Warnings)
	}
	t.Logf("agent pod: init containers %v, containers %v, volumes %v", names(pod.Spec.InitContainers), names(pod.Spec.Containers), volumeNames(pod))
	sc, _ := json.Marshal(proxy.SecurityContext)
	t.Logf("istio-proxy securityContext: %s", sc)
}

func TestAgentPodSecurityRestricted(t *testing.T) {
	r := fixtureReport(t)
	p, _ := podOf(t, r, "StatefulSet", "agent")
	ps := p.PodSecurity
	if ps.Level != "restricted" || ps.Version != "v1.35" {
		t.Fatalf("evaluated at %s:%s, want restricted:v1.35 (latest resolves to the cluster's minor)", ps.Level, ps.Version)
	}
	t.Logf("Pod Security restricted v1.35 on the injected agent pod: allowed=%v forbidden=%+v", ps.Allowed, ps.Forbidden)
	if !ps.Allowed {
		t.Errorf("the injected agent pod is not PSA restricted-compliant: %+v", ps.Forbidden)
	}
}

func TestServiceAccountPluginMountsTheTokenUnlessAutomountIsOff(t *testing.T) {
	r := fixtureReport(t)
	p, pod := podOf(t, r, "Deployment", "token-user")
	if p.Injected {
		t.Errorf("sidecar.istio.io/inject=false pod was injected")
	}
	if pod.Spec.ServiceAccountName != "default" {
		t.Errorf("serviceAccountName %q, want default", pod.Spec.ServiceAccountName)
	}
	found := false
	for _, v := range pod.Spec.Volumes {
		if strings.HasPrefix(v.Name, "kube-api-access-") && v.Projected != nil {
			found = true
		}
	}
	if !found {
		t.Fatalf("no kube-api-access volume: %v", volumeNames(pod))
	}
	if pod.Labels["pod-template-hash"] == "" || !strings.HasPrefix(pod.GenerateName, "token-user-"+pod.Labels["pod-template-hash"]+"-") {
		t.Errorf("Deployment pod: generateName %q, labels %v", pod.GenerateName, pod.Labels)
	}
	// The LimitRanger's defaults for a container that names no resources.
	if got := pod.Spec.Containers[0].Resources.Limits.Cpu().String(); got != "500m" {
		t.Errorf("LimitRanger default cpu limit %s, want 500m", got)
	}
}

func TestLimitRangerRefusesAContainerOverTheMax(t *testing.T) {
	r := fixtureReport(t)
	p, _ := podOf(t, r, "Job", "too-big")
	s := step(p, "LimitRanger", "validate")
	if s == nil || s.Allowed || !strings.Contains(s.Error, "maximum cpu usage per Container is 2") {
		t.Fatalf("LimitRanger validate: %+v", s)
	}
}

func TestRenderSubcommandRendersLikeHelmTemplate(t *testing.T) {
	var out, errOut bytes.Buffer
	err := run([]string{"render", "--chart", "testdata/chart", "--release", "demo", "--namespace", "apps",
		"--values", "testdata/chart-values.yaml", "--kubernetes-version", "1.35"}, &out, &errOut)
	if err != nil {
		t.Fatalf("render: %v (%s)", err, errOut.String())
	}
	docs := splitDocs(t, out.Bytes())
	deploy := docs["Deployment/demo-tiny"]
	if deploy == nil {
		t.Fatalf("no Deployment demo-tiny in %q", out.String())
	}
	meta := deploy["metadata"].(map[string]any)
	if meta["namespace"] != "apps" || meta["labels"].(map[string]any)["kube-version"] != "v1.35.0" {
		t.Errorf("Deployment metadata %v", meta)
	}
	if !strings.Contains(out.String(), "ghcr.io/example/tiny:2.0.0") {
		t.Errorf("--values not applied")
	}
	if docs["ConfigMap/demo-hook"] == nil {
		t.Errorf("hooks are not rendered")
	}
	if docs["CustomResourceDefinition/tinies.example.com"] != nil {
		t.Errorf("crds/ rendered without --include-crds")
	}

	out.Reset()
	if err := run([]string{"render", "--chart", "testdata/chart", "--release", "demo", "--namespace", "apps",
		"--include-crds", "--kubernetes-version", "1.35"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if splitDocs(t, out.Bytes())["CustomResourceDefinition/tinies.example.com"] == nil {
		t.Errorf("--include-crds left crds/ out")
	}
}

func TestAdmitRefusesAWorkloadWhoseNamespaceIsMissing(t *testing.T) {
	dir := t.TempDir()
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: lonely, namespace: nowhere}\nspec:\n  containers: [{name: c, image: x}]\n"
	if err := os.WriteFile(filepath.Join(dir, "pod.yaml"), []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err := run([]string{"admit", "-f", dir, "--istio-version", "1.31.1", "--kubernetes-version", "1.35"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "Pod nowhere/lonely") || !strings.Contains(err.Error(), `Namespace "nowhere"`) {
		t.Fatalf("error %v", err)
	}
}

func TestAdmitRefusesBadYAML(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("kind: Pod\n  apiVersion: [v1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run([]string{"admit", "-f", dir, "--istio-version", "1.31.1", "--kubernetes-version", "1.35"}, &out, &errOut); err == nil {
		t.Fatal("bad YAML accepted")
	}
	if err := run([]string{"admit", "-f", filepath.Join(dir, "absent.yaml"), "--istio-version", "1.31.1", "--kubernetes-version", "1.35"}, &out, &errOut); err == nil {
		t.Fatal("missing file accepted")
	}
}

// The plugins run in kube-apiserver's order.
func TestChainOrderIsUpstreamOrder(t *testing.T) {
	var upstream []string
	for _, name := range kubeoptions.AllOrderedPlugins {
		if slices.Contains(chainPlugins, name) {
			upstream = append(upstream, name)
		}
	}
	if !slices.Equal(upstream, chainPlugins) {
		t.Fatalf("chain %v, upstream order %v", chainPlugins, upstream)
	}
	off := kubeoptions.DefaultOffAdmissionPlugins()
	for _, name := range chainPlugins {
		if off.Has(name) {
			t.Errorf("%s is off by default in kube-apiserver", name)
		}
	}
}

func TestVersionNamesTheUpstreamModules(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"version"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	// Test binaries carry the module's dependencies in their build info too.
	for _, m := range []string{"istio.io/istio v0.0.0-20260827124520-eed52ebb66ad", "k8s.io/kubernetes v1.36.5", "k8s.io/pod-security-admission v0.35.10", "helm.sh/helm/v4 v4."} {
		if !strings.Contains(out.String(), m) {
			t.Errorf("version output lacks %q:\n%s", m, out.String())
		}
	}
}

func names(cs []corev1.Container) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func volumeNames(pod *corev1.Pod) []string {
	var out []string
	for _, v := range pod.Spec.Volumes {
		out = append(out, v.Name)
	}
	return out
}

func splitDocs(t *testing.T, data []byte) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, doc := range strings.Split(string(data), "\n---") {
		var m map[string]any
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatalf("rendered YAML: %v\n%s", err, doc)
		}
		if m == nil {
			continue
		}
		md, _ := m["metadata"].(map[string]any)
		out[m["kind"].(string)+"/"+md["name"].(string)] = m
	}
	return out
}

func TestEveryWorkloadKindAndTheQuota(t *testing.T) {
	var out, errOut bytes.Buffer
	if err := run([]string{"admit", "-f", "testdata/kinds", "--istiod-values", "testdata/istiod-values.json",
		"--istio-version", "1.31.1", "--kubernetes-version", "1.35"}, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	r := &Report{}
	if err := json.Unmarshal(out.Bytes(), r); err != nil {
		t.Fatal(err)
	}
	if len(r.Pods) != 5 {
		t.Fatalf("%d pods, want 5", len(r.Pods))
	}
	for _, p := range r.Pods {
		if p.Injected || p.PodSecurity.Level != "privileged" || !p.PodSecurity.Allowed {
			t.Errorf("%s: injected %v, pod security %+v", p.Source.Name, p.Injected, p.PodSecurity)
		}
	}

	_, bare := podOf(t, r, "Pod", "bare")
	if bare.Spec.Priority == nil || *bare.Spec.Priority != 1000 {
		t.Errorf("Priority plugin: priority %v, want 1000", bare.Spec.Priority)
	}
	if bare.Status.QOSClass != corev1.PodQOSBestEffort || bare.Status.Phase != corev1.PodPending {
		t.Errorf("PrepareForCreate: status %+v", bare.Status)
	}

	_, ds := podOf(t, r, "DaemonSet", "ds")
	if ds.Labels["pod-template-generation"] != "1" || ds.Labels["controller-revision-hash"] == "" {
		t.Errorf("DaemonSet pod labels %v", ds.Labels)
	}
	daemonToleration := false
	for _, tol := range ds.Spec.Tolerations {
		daemonToleration = daemonToleration || (tol.Key == "node.kubernetes.io/unschedulable" && tol.Effect == corev1.TaintEffectNoSchedule)
	}
	if !daemonToleration {
		t.Errorf("DaemonSet pod lacks the daemon tolerations: %v", ds.Spec.Tolerations)
	}

	_, job := podOf(t, r, "Job", "job")
	if job.Labels["batch.kubernetes.io/job-name"] != "job" || !slices.Contains(job.Finalizers, "batch.kubernetes.io/job-tracking") {
		t.Errorf("Job pod labels %v, finalizers %v", job.Labels, job.Finalizers)
	}
	_, cron := podOf(t, r, "CronJob", "cron")
	if cron.Labels["batch.kubernetes.io/job-name"] != "cron-29453760" || cron.OwnerReferences[0].Name != "cron-29453760" {
		t.Errorf("CronJob pod labels %v, owners %v", cron.Labels, cron.OwnerReferences)
	}

	// Report order: CronJob, DaemonSet, Job, Pod, ReplicaSet; the quota admits four.
	for i, p := range r.Pods {
		s := step(&p, "ResourceQuota", "validate")
		refused := s != nil && !s.Allowed && strings.Contains(s.Error, "exceeded quota: four-pods")
		if refused != (i == 4) {
			t.Errorf("%s %s: ResourceQuota %+v", p.Source.Kind, p.Source.Name, s)
		}
	}
}
