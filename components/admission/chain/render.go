package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	helmcmd "helm.sh/helm/v4/pkg/cmd"
)

// runRender renders a chart directory with Helm's own `helm template` command (helm.sh/helm/v4
// pkg/cmd, the code of the helm binary): client-only, hooks included, crds/ only with
// --include-crds, Capabilities.KubeVersion from --kubernetes-version.
func runRender(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("render", stderr)
	chart := fs.String("chart", "", "chart directory (or packaged chart)")
	release := fs.String("release", "", "release name")
	namespace := fs.String("namespace", "", "release namespace")
	valuesFile := fs.String("values", "", "values file, YAML or JSON")
	includeCRDs := fs.Bool("include-crds", false, "include the chart's crds/ in the output")
	kubeVersion := fs.String("kubernetes-version", "", "Kubernetes version for Capabilities.KubeVersion, e.g. 1.35")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	switch {
	case fs.NArg() > 0:
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	case *chart == "" || *release == "" || *namespace == "":
		return usageError{errors.New("render: --chart, --release and --namespace are required")}
	case *kubeVersion == "":
		return usageError{errors.New("render: --kubernetes-version is required")}
	}
	kv, err := ParseKubeVersion(*kubeVersion)
	if err != nil {
		return err
	}
	if _, err := os.Stat(*chart); err != nil {
		return fmt.Errorf("--chart: %w", err)
	}
	helmArgs := []string{"template", *release, *chart, "--namespace", *namespace, "--kube-version", kv.GitVersion()}
	if *valuesFile != "" {
		if _, err := os.Stat(*valuesFile); err != nil {
			return fmt.Errorf("--values: %w", err)
		}
		helmArgs = append(helmArgs, "--values", *valuesFile)
	}
	if *includeCRDs {
		helmArgs = append(helmArgs, "--include-crds")
	}
	cmd, err := helmcmd.NewRootCmd(stdout, helmArgs, helmcmd.SetupLogging)
	if err != nil {
		return err
	}
	cmd.SetArgs(helmArgs)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		return fmt.Errorf("helm template: %w", err)
	}
	return nil
}

// runHelm is the helm CLI (helm.sh/helm/v4 pkg/cmd, the helm binary's code) with the given
// arguments, so CI can `helm pull` the pinned charts without a second tool.
func runHelm(args []string, stdout, stderr io.Writer) error {
	cmd, err := helmcmd.NewRootCmd(stdout, args, helmcmd.SetupLogging)
	if err != nil {
		return err
	}
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	if err := cmd.Execute(); err != nil {
		return fmt.Errorf("helm %s: %w", strings.Join(args, " "), err)
	}
	return nil
}
