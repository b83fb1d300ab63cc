package main

import (
	"encoding/json"
	"fmt"
	schedulingapiv1 "k8s.io/kubernetes/pkg/apis/scheduling/v1"
	"net/url"
	"sort"
	"sync"

	"go.uber.org/zap"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilrand "k8s.io/apimachinery/pkg/util/rand"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
	// The API groups whose objects are read, defaulted and converted.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/batch/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/node/install"
	_ "k8s.io/kubernetes/pkg/apis/scheduling/install"

	istiolog "istio.io/istio/pkg/log"
)

type AdmitOptions struct {
	Files             []string
	KubernetesVersion KubeVersion
	Istiod            IstiodOptions
}

// systemNamespaces are created by kube-apiserver itself on every cluster.
var systemNamespaces = []string{"default", "kube-system", "kube-public", "kube-node-lease"}

// istiodWarnings collects what istiod logs at warning level and above while it injects a pod.
var istiodWarnings = &logLines{}

func init() {
	// istio logs to stdout by default, where the report goes: its log goes to stderr, and its
	// warnings into the report too.
	if err := zap.RegisterSink("admission-chain", func(*url.URL) (zap.Sink, error) { return istiodWarnings, nil }); err != nil {
		panic(err)
	}
	o := istiolog.DefaultOptions()
	o.OutputPaths = []string{"stderr", "admission-chain://istiod"}
	o.ErrorOutputPaths = []string{"stderr"}
	o.JSONEncoding = true
	o.SetDefaultOutputLevel(istiolog.OverrideScopeName, istiolog.WarnLevel)
	_ = istiolog.Configure(o)
}

// logLines is a zap sink that keeps the messages of istio's JSON log lines.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) Write(p []byte) (int, error) {
	var entry struct {
		Level string `json:"level"`
		Msg   string `json:"msg"`
	}
	if json.Unmarshal(p, &entry) == nil && entry.Msg != "" {
		l.mu.Lock()
		l.lines = append(l.lines, entry.Level+": "+entry.Msg)
		l.mu.Unlock()
	}
	return len(p), nil
}

func (l *logLines) Sync() error  { return nil }
func (l *logLines) Close() error { return nil }

// drain returns the lines logged since the last drain.
func (l *logLines) drain() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.lines
	l.lines = nil
	return out
}

// Admit runs every pod of the manifests through the admission chain.
func Admit(opts AdmitOptions) (*Report, error) {
	report := &Report{Pods: []PodReport{}, Warnings: []string{}}
	warn := func(format string, a ...any) { report.Warnings = append(report.Warnings, fmt.Sprintf(format, a...)) }

	if err := emulateKubernetesVersion(opts.KubernetesVersion); err != nil {
		warn("feature gates keep the defaults of k8s.io/kubernetes %s: cannot emulate %s: %v", moduleVersionOr("k8s.io/kubernetes", "?"), opts.KubernetesVersion.MajorMinor(), err)
	}
	// Generated pod names come from the apiserver's random name generator: seeded, they are the
	// same from run to run.
	utilrand.Seed(1)

	in, err := ReadInputs(opts.Files)
	if err != nil {
		return nil, err
	}
	for _, name := range systemNamespaces {
		if _, ok := in.Namespaces[name]; !ok {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
			legacyscheme.Scheme.Default(ns)
			in.Namespaces[name] = ns
		}
	}
	// kube-apiserver's scheduling post-start hook creates system-node-critical and
	// system-cluster-critical on every cluster; the Priority plugin resolves pods against them.
	in.PriorityClasses = append(in.PriorityClasses, schedulingapiv1.SystemPriorityClasses()...)

	var pods []ControlledPod
	for _, w := range in.Workloads {
		ps, err := PodsOf(w)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			if p.Pod.Namespace == "" {
				warn("%s %s has no namespace: taken to be in namespace default", p.Source.Kind, p.Source.Name)
				p.Pod.Namespace = "default"
				p.Source.Namespace = "default"
			}
			if _, ok := in.Namespaces[p.Pod.Namespace]; !ok {
				return nil, fmt.Errorf("%s %s/%s: its Namespace %q is not among the inputs", p.Source.Kind, p.Source.Namespace, p.Source.Name, p.Pod.Namespace)
			}
			pods = append(pods, p)
		}
	}
	sortPods(pods)

	// The serviceaccount controller creates ServiceAccount default in every namespace.
	hasSA := map[string]bool{}
	for _, sa := range in.ServiceAccounts {
		hasSA[sa.Namespace+"/"+sa.Name] = true
	}
	for name := range in.Namespaces {
		if !hasSA[name+"/default"] {
			in.ServiceAccounts = append(in.ServiceAccounts, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default", Namespace: name}})
		}
	}

	rendered, err := RenderIstiod(opts.Istiod)
	if err != nil {
		return nil, err
	}
	report.Warnings = append(report.Warnings, rendered.Warnings...)
	for _, wh := range rendered.Webhooks.Webhooks {
		if len(wh.MatchConditions) > 0 {
			warn("webhook %s has matchConditions: the apiserver's webhook plugin evaluates them here too", wh.Name)
		}
	}
	injector, err := StartInjector(rendered, []*corev1.Node{nodeForVersion(opts.KubernetesVersion)})
	if err != nil {
		return nil, err
	}
	defer injector.Close()
	chain, err := NewChain(in, rendered, injector, opts.KubernetesVersion)
	if err != nil {
		return nil, err
	}
	defer chain.Close()
	psa, err := NewPodSecurity(opts.KubernetesVersion)
	if err != nil {
		return nil, err
	}

	if len(in.ResourceQuotas) > 0 {
		warn("ResourceQuota: each namespace's quotas start with nothing used and are charged one pod per workload, in the order of the report")
	}
	istiodWarnings.drain()
	for _, p := range pods {
		res, err := chain.Admit(p.Pod, p.Requester)
		for _, line := range istiodWarnings.drain() {
			warn("%s %s/%s: istiod %s", p.Source.Kind, p.Source.Namespace, p.Source.Name, line)
		}
		if err != nil {
			return nil, fmt.Errorf("%s %s/%s: %w", p.Source.Kind, p.Source.Namespace, p.Source.Name, err)
		}
		verdict, err := psa.Evaluate(in.Namespaces[res.Pod.Namespace], res.Pod)
		if err != nil {
			return nil, err
		}
		_, injected := res.Pod.Annotations["sidecar.istio.io/status"]
		for i := range res.Steps {
			if res.Steps[i].Plugin == "MutatingAdmissionWebhook" && res.Steps[i].Phase == "mutate" {
				res.Steps[i].Detail = fmt.Sprintf("istiod answered %d AdmissionReview(s)", res.Calls)
			}
		}
		validation := res.Validation
		if validation == nil {
			validation = []string{}
		}
		report.Pods = append(report.Pods, PodReport{
			Source:      p.Source,
			Injected:    injected,
			Pod:         res.Pod,
			PodSecurity: verdict,
			Admission:   res.Steps,
			Validation:  validation,
		})
	}
	if len(in.Ignored) > 0 {
		kinds := make([]string, 0, len(in.Ignored))
		for k, n := range in.Ignored {
			kinds = append(kinds, fmt.Sprintf("%s (%d)", k, n))
		}
		sort.Strings(kinds)
		warn("ignored kinds the chain does not use: %v", kinds)
	}
	return report, nil
}
