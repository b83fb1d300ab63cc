package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	nodev1 "k8s.io/api/node/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"

	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

// manifestExtensions are the file names read from a directory given with -f.
var manifestExtensions = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// Inputs are the objects of the manifests that the admission chain uses. Every object is
// defaulted by the API server's own v1 defaulters, as it would be when it was created.
type Inputs struct {
	Namespaces      map[string]*corev1.Namespace
	ServiceAccounts []*corev1.ServiceAccount
	LimitRanges     []*corev1.LimitRange
	ResourceQuotas  []*corev1.ResourceQuota
	RuntimeClasses  []*nodev1.RuntimeClass
	PriorityClasses []*schedulingv1.PriorityClass
	Workloads       []runtime.Object
	// Ignored counts the documents of kinds the chain does not use, by kind.
	Ignored map[string]int
}

// workloadKinds are the kinds whose pods the chain admits.
var workloadKinds = map[schema.GroupVersionKind]bool{
	corev1.SchemeGroupVersion.WithKind("Pod"):         true,
	appsv1.SchemeGroupVersion.WithKind("Deployment"):  true,
	appsv1.SchemeGroupVersion.WithKind("ReplicaSet"):  true,
	appsv1.SchemeGroupVersion.WithKind("StatefulSet"): true,
	appsv1.SchemeGroupVersion.WithKind("DaemonSet"):   true,
	batchv1.SchemeGroupVersion.WithKind("Job"):        true,
	batchv1.SchemeGroupVersion.WithKind("CronJob"):    true,
}

// ReadInputs reads every path: a file whatever its name, a directory's *.yaml, *.yml and *.json
// files (not its subdirectories).
func ReadInputs(paths []string) (*Inputs, error) {
	in := &Inputs{Namespaces: map[string]*corev1.Namespace{}, Ignored: map[string]int{}}
	for _, p := range paths {
		files, err := manifestFiles(p)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if err := in.readFile(f); err != nil {
				return nil, err
			}
		}
	}
	return in, nil
}

func manifestFiles(p string) ([]string, error) {
	st, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", p, err)
	}
	if !st.IsDir() {
		return []string{p}, nil
	}
	entries, err := os.ReadDir(p)
	if err != nil {
		return nil, fmt.Errorf("cannot read directory %s: %w", p, err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && manifestExtensions[strings.ToLower(filepath.Ext(e.Name()))] {
			files = append(files, filepath.Join(p, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

func (in *Inputs) readFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", path, err)
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for doc := 1; ; doc++ {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: document %d: %w", path, doc, err)
		}
		if err := in.addDocument(raw); err != nil {
			return fmt.Errorf("%s: document %d: %w", path, doc, err)
		}
	}
}

func (in *Inputs) addDocument(raw []byte) error {
	js, err := yaml.YAMLToJSON(raw)
	if err != nil {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	js = bytes.TrimSpace(js)
	if len(js) == 0 || string(js) == "null" {
		return nil // an empty document, e.g. between two `---`
	}
	var meta struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Items      []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(js, &meta); err != nil {
		return fmt.Errorf("not a Kubernetes object: %w", err)
	}
	if meta.Kind == "" || meta.APIVersion == "" {
		return fmt.Errorf("not a Kubernetes object: apiVersion and kind are required")
	}
	gvk := schema.FromAPIVersionAndKind(meta.APIVersion, meta.Kind)
	if gvk.Group == "" && strings.HasSuffix(gvk.Kind, "List") && meta.Items != nil {
		for i, item := range meta.Items {
			if err := in.addDocument(item); err != nil {
				return fmt.Errorf("%s item %d: %w", gvk.Kind, i, err)
			}
		}
		return nil
	}
	switch gvk {
	case corev1.SchemeGroupVersion.WithKind("Namespace"):
		ns := &corev1.Namespace{}
		if err := decodeDefaulted(js, ns); err != nil {
			return err
		}
		if _, dup := in.Namespaces[ns.Name]; dup {
			return fmt.Errorf("Namespace %q is declared twice", ns.Name)
		}
		in.Namespaces[ns.Name] = ns
	case corev1.SchemeGroupVersion.WithKind("ServiceAccount"):
		sa := &corev1.ServiceAccount{}
		if err := decodeDefaulted(js, sa); err != nil {
			return err
		}
		in.ServiceAccounts = append(in.ServiceAccounts, sa)
	case corev1.SchemeGroupVersion.WithKind("LimitRange"):
		lr := &corev1.LimitRange{}
		if err := decodeDefaulted(js, lr); err != nil {
			return err
		}
		in.LimitRanges = append(in.LimitRanges, lr)
	case corev1.SchemeGroupVersion.WithKind("ResourceQuota"):
		rq := &corev1.ResourceQuota{}
		if err := decodeDefaulted(js, rq); err != nil {
			return err
		}
		in.ResourceQuotas = append(in.ResourceQuotas, rq)
	case nodev1.SchemeGroupVersion.WithKind("RuntimeClass"):
		rc := &nodev1.RuntimeClass{}
		if err := decodeDefaulted(js, rc); err != nil {
			return err
		}
		in.RuntimeClasses = append(in.RuntimeClasses, rc)
	case schedulingv1.SchemeGroupVersion.WithKind("PriorityClass"):
		pc := &schedulingv1.PriorityClass{}
		if err := decodeDefaulted(js, pc); err != nil {
			return err
		}
		in.PriorityClasses = append(in.PriorityClasses, pc)
	default:
		if !workloadKinds[gvk] {
			in.Ignored[gvk.Kind]++
			return nil
		}
		obj, err := legacyscheme.Scheme.New(gvk)
		if err != nil {
			return err
		}
		if err := decodeDefaulted(js, obj); err != nil {
			return err
		}
		in.Workloads = append(in.Workloads, obj)
	}
	return nil
}

// decodeDefaulted decodes a JSON object strictly into a typed object and applies the defaults the
// API server applies when the object is created (the v1 defaulters of k8s.io/kubernetes).
func decodeDefaulted(js []byte, obj runtime.Object) error {
	if err := yaml.UnmarshalStrict(js, obj); err != nil {
		return fmt.Errorf("cannot decode %T: %w", obj, err)
	}
	legacyscheme.Scheme.Default(obj)
	return nil
}
