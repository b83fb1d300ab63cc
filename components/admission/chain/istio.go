package main

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/util/cert"

	"istio.io/istio/operator/pkg/helm"
	"istio.io/istio/operator/pkg/values"
	"istio.io/istio/pilot/pkg/model"
	"istio.io/istio/pkg/config/constants"
	"istio.io/istio/pkg/config/mesh"
	"istio.io/istio/pkg/config/mesh/meshwatcher"
	"istio.io/istio/pkg/kube"
	"istio.io/istio/pkg/kube/inject"
	"istio.io/istio/pkg/kube/multicluster"
)

// The istiod chart embedded in the istio module, as istioctl renders it.
const istiodChart = "istio-control/istio-discovery"

// IstiodOptions say how the istiod chart is installed.
type IstiodOptions struct {
	ValuesFile        string
	IstioVersion      string
	KubernetesVersion KubeVersion
	Release           string
	Namespace         string
}

// RenderedIstiod holds what the injector needs from the rendered istiod chart.
type RenderedIstiod struct {
	// InjectorConfigMap is ConfigMap istio-sidecar-injector (keys config and values).
	InjectorConfigMap *corev1.ConfigMap
	// MeshConfigMap is ConfigMap istio (key mesh).
	MeshConfigMap *corev1.ConfigMap
	// Webhooks is MutatingWebhookConfiguration istio-sidecar-injector.
	Webhooks *admissionregistrationv1.MutatingWebhookConfiguration
	Warnings []string
}

// istiodValues are the chart values: the program's values over the hub and tag the release
// builder stamps into released charts (master's chart carries test defaults).
func istiodValues(opts IstiodOptions) (values.Map, error) {
	vals := values.Map{"global": map[string]any{"hub": "docker.io/istio", "tag": opts.IstioVersion}}
	if opts.ValuesFile != "" {
		data, err := os.ReadFile(opts.ValuesFile)
		if err != nil {
			return nil, fmt.Errorf("--istiod-values: %w", err)
		}
		user, err := values.MapFromYaml(data) // JSON is YAML
		if err != nil {
			return nil, fmt.Errorf("--istiod-values %s: %w", opts.ValuesFile, err)
		}
		vals.MergeFrom(user)
	}
	return vals, nil
}

// RenderIstiod renders the istiod chart with istio's own renderer (operator/pkg/helm.Render).
func RenderIstiod(opts IstiodOptions) (*RenderedIstiod, error) {
	vals, err := istiodValues(opts)
	if err != nil {
		return nil, err
	}
	iop, err := values.MapFromJSON([]byte(fmt.Sprintf(`{"spec":{"values":%s}}`, vals.JSON())))
	if err != nil {
		return nil, err
	}
	kv := &version.Info{
		Major:      strconv.Itoa(opts.KubernetesVersion.Major),
		Minor:      strconv.Itoa(opts.KubernetesVersion.Minor),
		GitVersion: opts.KubernetesVersion.GitVersion(),
	}
	manifests, warnings, err := helm.Render(opts.Release, opts.Namespace, istiodChart, iop, kv)
	if err != nil {
		return nil, fmt.Errorf("rendering istiod chart: %w", err)
	}
	out := &RenderedIstiod{}
	for _, w := range warnings {
		out.Warnings = append(out.Warnings, "istiod chart: "+w.Error())
	}
	for _, m := range manifests {
		u := m.Unstructured
		switch {
		case u.GetKind() == "ConfigMap" && u.GetName() == "istio-sidecar-injector":
			out.InjectorConfigMap = &corev1.ConfigMap{}
			err = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out.InjectorConfigMap)
		case u.GetKind() == "ConfigMap" && u.GetName() == "istio":
			out.MeshConfigMap = &corev1.ConfigMap{}
			err = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out.MeshConfigMap)
		case u.GetKind() == "MutatingWebhookConfiguration" && strings.HasPrefix(u.GetName(), "istio-sidecar-injector"):
			out.Webhooks = &admissionregistrationv1.MutatingWebhookConfiguration{}
			err = runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, out.Webhooks)
		}
		if err != nil {
			return nil, fmt.Errorf("rendered istiod %s %s: %w", u.GetKind(), u.GetName(), err)
		}
	}
	switch {
	case out.InjectorConfigMap == nil:
		return nil, fmt.Errorf("the rendered istiod chart has no ConfigMap istio-sidecar-injector (is sidecarInjectorWebhook disabled?)")
	case out.MeshConfigMap == nil:
		return nil, fmt.Errorf("the rendered istiod chart has no ConfigMap istio")
	case out.Webhooks == nil:
		return nil, fmt.Errorf("the rendered istiod chart has no MutatingWebhookConfiguration istio-sidecar-injector")
	}
	for _, cm := range []*corev1.ConfigMap{out.InjectorConfigMap, out.MeshConfigMap} {
		if cm.Namespace == "" {
			cm.Namespace = opts.Namespace
		}
	}
	return out, nil
}

// Injector is istiod's own sidecar injection webhook (istio.io/istio/pkg/kube/inject.Webhook),
// set up the way pilot/pkg/bootstrap/sidecarinjector.go sets it up in istiod, and served over
// HTTPS on loopback so that the API server's MutatingAdmissionWebhook plugin calls it exactly as
// it calls istiod on a cluster.
type Injector struct {
	server   *httptest.Server
	stop     chan struct{}
	caBundle []byte
	service  admissionregistrationv1.ServiceReference

	mu    sync.Mutex
	calls int
}

// StartInjector starts istiod's injection webhook with the rendered configuration. Nodes are
// the cluster's nodes, from which istiod decides whether to inject native sidecars.
func StartInjector(r *RenderedIstiod, nodes []*corev1.Node) (*Injector, error) {
	meshConfig, err := mesh.ApplyMeshConfigDefaults(r.MeshConfigMap.Data["mesh"])
	if err != nil {
		return nil, fmt.Errorf("mesh config of ConfigMap istio: %w", err)
	}
	objects := []runtime.Object{r.InjectorConfigMap.DeepCopy()}
	for _, n := range nodes {
		objects = append(objects, n.DeepCopy())
	}
	// The kube client istiod would use, holding what istiod reads from the cluster: the
	// injector ConfigMap and the Nodes.
	client := kube.NewFakeClient(objects...)

	// No ProxyConfig resources: the effective proxy config is the mesh default merged with the
	// pod's proxy.istio.io/config annotation, as istiod's push context computes it.
	store := model.NewFakeStore()
	env := &model.Environment{Watcher: meshwatcher.NewTestWatcher(meshConfig), ConfigStore: store}
	env.SetPushContext(&model.PushContext{ProxyConfigs: model.GetProxyConfigs(store, meshConfig)})

	revision := r.InjectorConfigMap.Labels["istio.io/rev"]
	if revision == "default" {
		revision = ""
	}
	multi := multicluster.NewFakeController()
	mux := http.NewServeMux()
	if _, err := inject.NewWebhook(inject.WebhookParameters{
		Watcher:      inject.NewConfigMapWatcher(client, r.InjectorConfigMap.Namespace, r.InjectorConfigMap.Name, "config", "values"),
		Env:          env,
		Mux:          mux,
		Revision:     revision,
		MultiCluster: multi,
	}); err != nil {
		return nil, fmt.Errorf("istiod injection webhook: %w", err)
	}
	in := &Injector{stop: make(chan struct{})}
	multi.Add(constants.DefaultClusterName, client, in.stop)
	client.RunAndWait(in.stop)

	svc, err := webhookService(r.Webhooks)
	if err != nil {
		return nil, err
	}
	in.service = svc
	host := svc.Name + "." + svc.Namespace + ".svc"
	certPEM, keyPEM, err := cert.GenerateSelfSignedCertKey(host, []net.IP{net.ParseIP("127.0.0.1")}, []string{host})
	if err != nil {
		return nil, err
	}
	tlsCert, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, err
	}
	in.caBundle = certPEM
	in.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		in.mu.Lock()
		in.calls++
		in.mu.Unlock()
		mux.ServeHTTP(w, req)
	}))
	in.server.TLS = &tls.Config{Certificates: []tls.Certificate{tlsCert}, MinVersion: tls.VersionTLS12}
	in.server.StartTLS()
	return in, nil
}

// webhookService is the one istiod Service every webhook of the configuration calls.
func webhookService(mwc *admissionregistrationv1.MutatingWebhookConfiguration) (admissionregistrationv1.ServiceReference, error) {
	var svc *admissionregistrationv1.ServiceReference
	for _, wh := range mwc.Webhooks {
		s := wh.ClientConfig.Service
		if s == nil {
			return admissionregistrationv1.ServiceReference{}, fmt.Errorf("webhook %s calls a URL, not istiod's Service (istiodRemote is not supported)", wh.Name)
		}
		if svc != nil && (s.Name != svc.Name || s.Namespace != svc.Namespace) {
			return admissionregistrationv1.ServiceReference{}, fmt.Errorf("webhooks of %s call two Services", mwc.Name)
		}
		svc = s
	}
	if svc == nil {
		return admissionregistrationv1.ServiceReference{}, fmt.Errorf("MutatingWebhookConfiguration %s has no webhooks", mwc.Name)
	}
	return *svc, nil
}

// WebhookConfiguration is the rendered MutatingWebhookConfiguration with the CA bundle of the
// loopback server, as istiod's webhook cert patcher fills it in on a cluster.
func (in *Injector) WebhookConfiguration(mwc *admissionregistrationv1.MutatingWebhookConfiguration) *admissionregistrationv1.MutatingWebhookConfiguration {
	out := mwc.DeepCopy()
	for i := range out.Webhooks {
		out.Webhooks[i].ClientConfig.CABundle = in.caBundle
	}
	return out
}

// ResolveEndpoint implements the API server's webhook ServiceResolver: istiod's Service is the
// loopback server, and no other Service exists.
func (in *Injector) ResolveEndpoint(namespace, name string, port int32) (*url.URL, error) {
	if namespace != in.service.Namespace || name != in.service.Name {
		return nil, fmt.Errorf("service %s/%s is not known to admission-chain (only istiod's %s/%s)", namespace, name, in.service.Namespace, in.service.Name)
	}
	return url.Parse(in.server.URL)
}

// Calls is how many AdmissionReviews istiod has answered so far.
func (in *Injector) Calls() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.calls
}

func (in *Injector) Close() {
	in.server.Close()
	close(in.stop)
}

// nodeForVersion is a Node whose kubelet runs the given Kubernetes version: istiod's
// DetectNativeSidecar reads it.
func nodeForVersion(v KubeVersion) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: "admission-chain-node"},
		Status:     corev1.NodeStatus{NodeInfo: corev1.NodeSystemInfo{KubeletVersion: v.GitVersion()}},
	}
}
