package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/admission"
	genericinitializer "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle"
	"k8s.io/apiserver/pkg/admission/plugin/resourcequota"
	webhookinitializer "k8s.io/apiserver/pkg/admission/plugin/webhook/initializer"
	mutatingwebhook "k8s.io/apiserver/pkg/admission/plugin/webhook/mutating"
	"k8s.io/apiserver/pkg/authentication/user"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	"k8s.io/apiserver/pkg/registry/rest"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
	api "k8s.io/kubernetes/pkg/apis/core"
	quotainstall "k8s.io/kubernetes/pkg/quota/v1/install"
	podregistry "k8s.io/kubernetes/pkg/registry/core/pod"
	"k8s.io/kubernetes/plugin/pkg/admission/defaulttolerationseconds"
	"k8s.io/kubernetes/plugin/pkg/admission/limitranger"
	podpriority "k8s.io/kubernetes/plugin/pkg/admission/priority"
	"k8s.io/kubernetes/plugin/pkg/admission/runtimeclass"
	"k8s.io/kubernetes/plugin/pkg/admission/serviceaccount"
)

// chainPlugins are the admission plugins a pod create meets on a kube-apiserver with its default
// plugins (DefaultOffAdmissionPlugins in k8s.io/kubernetes/pkg/kubeapiserver/options/plugins.go),
// in the order of AllOrderedPlugins in that file (TestChainOrderIsUpstreamOrder checks it).
//
// Default-on plugins left out, and why:
//   - PodSecurity: evaluated after the chain with k8s.io/pod-security-admission/policy directly
//     (see podsecurity.go), pinned to the cluster's minor rather than the apiserver code's.
//   - ValidatingAdmissionWebhook: the cluster's validating webhook is Gatekeeper; the project runs
//     its constraints with gator on the pods this program writes.
//   - MutatingAdmissionPolicy, ValidatingAdmissionPolicy: the project declares no such policies,
//     and they only act on policies that exist.
//   - TaintNodesByCondition, DefaultStorageClass, PersistentVolumeClaimResize,
//     StorageObjectInUseProtection, PodGroupProtection, CertificateApproval, CertificateSigning,
//     ClusterTrustBundleAttest, CertificateSubjectRestriction, DefaultIngressClass: they act on
//     Nodes, claims, CSRs, bundles or Ingresses, never on a pod create.
//   - PodTopologyLabels, PodResizeValidator: only pods/binding and pods/resize subresources.
//   - PodGroupWorkloadExists, NodeDeclaredFeatureValidator, JobValidation: behind alpha feature
//     gates that are off on EKS.
var chainPlugins = []string{
	lifecycle.PluginName,                // NamespaceLifecycle
	limitranger.PluginName,              // LimitRanger
	serviceaccount.PluginName,           // ServiceAccount
	podpriority.PluginName,              // Priority
	defaulttolerationseconds.PluginName, // DefaultTolerationSeconds
	runtimeclass.PluginName,             // RuntimeClass
	mutatingwebhook.PluginName,          // MutatingAdmissionWebhook (istiod's sidecar injector)
	resourcequota.PluginName,            // ResourceQuota
}

func registerChainPlugins(plugins *admission.Plugins) {
	lifecycle.Register(plugins)
	limitranger.Register(plugins)
	serviceaccount.Register(plugins)
	podpriority.Register(plugins)
	defaulttolerationseconds.Register(plugins)
	runtimeclass.Register(plugins)
	mutatingwebhook.Register(plugins)
	resourcequota.Register(plugins)
}

// AdmissionStep is one admission plugin's verdict on one pod, in one phase.
type AdmissionStep struct {
	Plugin  string `json:"plugin"`
	Phase   string `json:"phase"`
	Allowed bool   `json:"allowed"`
	Error   string `json:"error"`
	Detail  string `json:"detail,omitempty"`
}

// Chain is the API server's admission chain for pod creates, built like kube-apiserver builds
// it: upstream plugins, initialised by the upstream initializers with clients and informers that
// hold the cluster objects from the manifests.
type Chain struct {
	handler  admission.Interface
	client   *fake.Clientset
	factory  informers.SharedInformerFactory
	objects  admission.ObjectInterfaces
	injector *Injector
	stop     chan struct{}

	// steps collects the verdicts of the pod being admitted.
	steps *[]AdmissionStep
}

// NewChain builds the chain over a fake clientset seeded with the inputs' cluster objects.
func NewChain(in *Inputs, rendered *RenderedIstiod, injector *Injector, kv KubeVersion) (*Chain, error) {
	objects := []runtime.Object{injector.WebhookConfiguration(rendered.Webhooks)}
	for _, ns := range in.Namespaces {
		objects = append(objects, ns)
	}
	for _, sa := range in.ServiceAccounts {
		objects = append(objects, sa)
	}
	for _, lr := range in.LimitRanges {
		objects = append(objects, lr)
	}
	for _, rc := range in.RuntimeClasses {
		objects = append(objects, rc)
	}
	for _, pc := range in.PriorityClasses {
		objects = append(objects, pc)
	}
	for _, rq := range in.ResourceQuotas {
		objects = append(objects, quotaAsControllerLeavesIt(rq))
	}
	client := fake.NewClientset(objects...)
	factory := informers.NewSharedInformerFactory(client, 0)

	c := &Chain{
		client:   client,
		factory:  factory,
		objects:  admission.NewObjectInterfacesFromScheme(legacyscheme.Scheme),
		injector: injector,
		stop:     make(chan struct{}),
	}
	quotaConfig, err := quotainstall.NewQuotaConfigurationForAdmission(factory, nil)
	if err != nil {
		return nil, err
	}
	initializers := admission.PluginInitializers{
		genericinitializer.New(client, nil, factory, nil, utilfeature.DefaultFeatureGate,
			effectiveVersion(kv), c.stop, nil),
		// The webhook plugin reaches istiod through the loopback server (see Injector).
		webhookinitializer.NewPluginInitializer(nil, injector),
		quotaInitializer{quotaConfig},
	}
	plugins := admission.NewPlugins()
	registerChainPlugins(plugins)
	c.handler, err = plugins.NewFromPlugins(chainPlugins, noConfig{}, initializers, admission.DecoratorFunc(c.record))
	if err != nil {
		return nil, fmt.Errorf("admission chain: %w", err)
	}
	factory.Start(c.stop)
	for typ, ok := range factory.WaitForCacheSync(c.stop) {
		if !ok {
			return nil, fmt.Errorf("admission chain: informer for %v did not sync", typ)
		}
	}
	return c, nil
}

func (c *Chain) Close() { close(c.stop) }

// quotaAsControllerLeavesIt is a ResourceQuota as kube-controller-manager's resource quota
// controller leaves it in a namespace with nothing in it yet: status.hard set from spec.hard and
// nothing used. The ResourceQuota plugin refuses every pod while a quota has no status.
func quotaAsControllerLeavesIt(rq *corev1.ResourceQuota) *corev1.ResourceQuota {
	out := rq.DeepCopy()
	out.Status.Hard = out.Spec.Hard.DeepCopy()
	out.Status.Used = corev1.ResourceList{}
	for name, q := range out.Spec.Hard {
		zero := q.DeepCopy()
		zero.Set(0)
		out.Status.Used[name] = zero
	}
	return out
}

type noConfig struct{}

func (noConfig) ConfigFor(string) (io.Reader, error) { return nil, nil }

// quotaInitializer hands the quota configuration to the ResourceQuota plugin, as kube-apiserver's
// own initializer (k8s.io/kubernetes/pkg/controlplane/apiserver/admission) does.
type quotaInitializer struct{ config quotav1.Configuration }

func (q quotaInitializer) Initialize(plugin admission.Interface) {
	if wants, ok := plugin.(genericinitializer.WantsQuotaConfiguration); ok {
		wants.SetQuotaConfiguration(q.config)
	}
}

// PodResult is what the chain did to one pod.
type PodResult struct {
	Pod        *corev1.Pod
	Steps      []AdmissionStep
	Validation []string
	Calls      int
}

// Admit runs a pod create through the chain: the mutating plugins (with webhook reinvocation,
// as the chain kube-apiserver builds does), then what the registry does before it stores the pod
// (system fields, generated name, PrepareForCreate, ValidatePodCreate), then the validating
// plugins. kube-apiserver stops at the first refusal; here every step runs, so that one run lists
// every refusal (a step after a refusal says what would have happened had the earlier one let the
// pod through).
func (c *Chain) Admit(v1pod *corev1.Pod, requester user.Info) (*PodResult, error) {
	res := &PodResult{}
	c.steps = &res.Steps
	defer func() { c.steps = nil }()

	// The request body is decoded into a v1.Pod and defaulted, then converted to the internal
	// version the plugins see.
	external := v1pod.DeepCopy()
	legacyscheme.Scheme.Default(external)
	pod := &api.Pod{}
	if err := legacyscheme.Scheme.Convert(external, pod, nil); err != nil {
		return nil, err
	}

	ctx := genericapirequest.WithNamespace(context.Background(), pod.Namespace)
	ctx = genericapirequest.WithUser(ctx, requester)
	attrs := admission.NewAttributesRecord(pod, nil, api.Kind("Pod").WithVersion("v1"), pod.Namespace, pod.Name,
		api.Resource("pods").WithVersion("v1"), "", admission.Create, &metav1.CreateOptions{}, false, requester)

	callsBefore := c.injector.Calls()
	if m, ok := c.handler.(admission.MutationInterface); ok && m.Handles(admission.Create) {
		_ = m.Admit(ctx, attrs, c.objects) // refusals are recorded by c.record
	}
	res.Calls = c.injector.Calls() - callsBefore

	// What the generic registry store does with the admitted object (store.go create):
	// system fields, the generated name, then rest.BeforeCreate (PrepareForCreate, Validate).
	rest.FillObjectMetaSystemFields(pod)
	stabiliseSystemFields(pod)
	if pod.GenerateName != "" && pod.Name == "" {
		pod.Name = podregistry.Strategy.GenerateName(pod.GenerateName)
	}
	if err := rest.BeforeCreate(podregistry.Strategy, ctx, pod); err != nil {
		res.Validation = statusCauses(err)
	}

	// The store hands the validating plugins a copy of the object it is about to persist.
	vattrs := admission.NewAttributesRecord(pod.DeepCopyObject(), nil, api.Kind("Pod").WithVersion("v1"), pod.Namespace, pod.Name,
		api.Resource("pods").WithVersion("v1"), "", admission.Create, &metav1.CreateOptions{}, false, requester)
	if v, ok := c.handler.(admission.ValidationInterface); ok && v.Handles(admission.Create) {
		_ = v.Validate(ctx, vattrs, c.objects)
	}
	if err := c.waitForQuotaStatus(); err != nil {
		return nil, err
	}

	out := &corev1.Pod{}
	if err := legacyscheme.Scheme.Convert(pod, out, nil); err != nil {
		return nil, err
	}
	out.TypeMeta = metav1.TypeMeta{APIVersion: "v1", Kind: "Pod"}
	res.Pod = out
	return res, nil
}

// waitForQuotaStatus waits until the informer the ResourceQuota plugin reads from has seen the
// quota usage the plugin just wrote. On a cluster the plugin bridges that lag with a cache keyed by
// resourceVersion, which the fake clientset does not advance, so without this wait the next pod
// could be checked against the usage before this one.
func (c *Chain) waitForQuotaStatus() error {
	ctx := context.Background()
	want, err := c.client.CoreV1().ResourceQuotas("").List(ctx, metav1.ListOptions{})
	if err != nil {
		return err
	}
	lister := c.factory.Core().V1().ResourceQuotas().Lister()
	return wait.PollUntilContextTimeout(ctx, time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		for i := range want.Items {
			q := &want.Items[i]
			got, err := lister.ResourceQuotas(q.Namespace).Get(q.Name)
			if err != nil || !apiequality.Semantic.DeepEqual(got.Status, q.Status) {
				return false, nil
			}
		}
		return true, nil
	})
}

// stabiliseSystemFields replaces the random UID and the clock time FillObjectMetaSystemFields
// sets with values derived from the pod, so that two runs print the same pods.
func stabiliseSystemFields(pod *api.Pod) {
	pod.UID = types.UID(fmt.Sprintf("00000000-0000-4000-8000-%012x", fnv48(pod.Namespace+"/"+pod.Name+"/"+pod.GenerateName)))
	pod.CreationTimestamp = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
}

func statusCauses(err error) []string {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		if d := status.Status().Details; d != nil && len(d.Causes) > 0 {
			out := make([]string, 0, len(d.Causes))
			for _, c := range d.Causes {
				if c.Field != "" {
					out = append(out, c.Field+": "+c.Message)
				} else {
					out = append(out, c.Message)
				}
			}
			return out
		}
	}
	return []string{err.Error()}
}

// record is the chain's decorator: it wraps every plugin so that its verdict is recorded, and
// lets the chain go on after a refusal.
func (c *Chain) record(handler admission.Interface, name string) admission.Interface {
	r := &recorded{chain: c, name: name, handler: handler}
	m, isM := handler.(admission.MutationInterface)
	v, isV := handler.(admission.ValidationInterface)
	switch {
	case isM && isV:
		return &recordedMV{recordedM{r, m}, recordedV{r, v}}
	case isM:
		return &recordedM{r, m}
	case isV:
		return &recordedV{r, v}
	}
	return handler
}

type recorded struct {
	chain   *Chain
	name    string
	handler admission.Interface
}

func (r *recorded) Handles(op admission.Operation) bool { return r.handler.Handles(op) }

func (r *recorded) add(phase string, err error) {
	if r.chain.steps == nil {
		return
	}
	step := AdmissionStep{Plugin: r.name, Phase: phase, Allowed: err == nil}
	if err != nil {
		step.Error = err.Error()
	}
	*r.chain.steps = append(*r.chain.steps, step)
}

type recordedM struct {
	*recorded
	m admission.MutationInterface
}

func (r *recordedM) Admit(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	phase := "mutate"
	if a.GetReinvocationContext().IsReinvoke() {
		phase = "mutate-reinvocation"
	}
	r.add(phase, r.m.Admit(ctx, a, o))
	return nil
}

type recordedV struct {
	*recorded
	v admission.ValidationInterface
}

func (r *recordedV) Validate(ctx context.Context, a admission.Attributes, o admission.ObjectInterfaces) error {
	r.add("validate", r.v.Validate(ctx, a, o))
	return nil
}

type recordedMV struct {
	recordedM
	recordedV
}

func (r *recordedMV) Handles(op admission.Operation) bool { return r.recordedM.Handles(op) }
