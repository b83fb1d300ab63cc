// Command admission-chain reproduces, with the upstream code, what the Kubernetes API server does
// to a pod before its validating webhooks see it: the controllers' pod from each workload, the
// built-in mutating admission plugins, istiod's sidecar injection webhook, defaulting, object
// validation, the built-in validating plugins, and Pod Security. See README.md.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

const usage = `usage:
  admission-chain admit -f <file-or-dir> [-f ...] --istiod-values <json file> --istio-version 1.31.1 --kubernetes-version 1.35
  admission-chain render --chart <dir> --release <name> --namespace <ns> [--values <file>] [--include-crds] --kubernetes-version 1.35
  admission-chain helm <helm arguments>   (the helm CLI itself, e.g. helm pull --repo URL CHART --version V --untar)
  admission-chain istio-charts --dest <dir> --version 1.31.1   (the Istio charts embedded in the istio module, as helm pull lays them out)
  admission-chain version
`

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "admission-chain: %v\n", err)
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprint(os.Stderr, usage)
			os.Exit(2)
		}
		os.Exit(1)
	}
}

type usageError struct{ error }

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New("a subcommand is required")}
	}
	switch args[0] {
	case "admit":
		return runAdmit(args[1:], stdout, stderr)
	case "render":
		return runRender(args[1:], stdout, stderr)
	case "helm":
		return runHelm(args[1:], stdout, stderr)
	case "istio-charts":
		return runIstioCharts(args[1:], stdout, stderr)
	case "version":
		return printVersions(stdout)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Errorf("unknown subcommand %q", args[0])}
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func runAdmit(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("admit", stderr)
	var files stringList
	fs.Var(&files, "f", "manifest file or directory (*.yaml, *.yml, *.json; not recursive); repeatable")
	valuesFile := fs.String("istiod-values", "", "JSON (or YAML) file with the istiod chart's Helm values")
	istioVersion := fs.String("istio-version", "", "Istio release, e.g. 1.31.1: the proxy image tag")
	kubeVersion := fs.String("kubernetes-version", "", "the cluster's Kubernetes version, e.g. 1.35")
	istioRelease := fs.String("istiod-release", "istiod", "Helm release name of the istiod chart")
	istioNamespace := fs.String("istio-namespace", "istio-system", "namespace of the istiod release")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case len(files) == 0:
		return usageError{errors.New("admit: at least one -f is required")}
	case *istioVersion == "":
		return usageError{errors.New("admit: --istio-version is required")}
	case *kubeVersion == "":
		return usageError{errors.New("admit: --kubernetes-version is required")}
	}
	kv, err := ParseKubeVersion(*kubeVersion)
	if err != nil {
		return err
	}
	report, err := Admit(AdmitOptions{
		Files:             files,
		KubernetesVersion: kv,
		Istiod: IstiodOptions{
			ValuesFile:        *valuesFile,
			IstioVersion:      *istioVersion,
			KubernetesVersion: kv,
			Release:           *istioRelease,
			Namespace:         *istioNamespace,
		},
	})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(report)
}

// Report is what `admit` writes.
type Report struct {
	Pods     []PodReport `json:"pods"`
	Warnings []string    `json:"warnings"`
}

type PodReport struct {
	Source      Source              `json:"source"`
	Injected    bool                `json:"injected"`
	Pod         any                 `json:"pod"`
	PodSecurity *PodSecurityVerdict `json:"podSecurity"`
	Admission   []AdmissionStep     `json:"admission"`
	Validation  []string            `json:"validation"`
}

func sortPods(pods []ControlledPod) {
	sort.SliceStable(pods, func(i, j int) bool {
		a, b := pods[i].Source, pods[j].Source
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
}
