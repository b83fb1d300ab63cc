package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"istio.io/istio/manifests"
)

// istioCharts maps the chart names the Istio chart repository publishes to their directories in
// the istio module's embedded manifests.
var istioCharts = map[string]string{
	"base":    "charts/base",
	"istiod":  "charts/istio-control/istio-discovery",
	"cni":     "charts/istio-cni",
	"gateway": "charts/gateway",
}

// runIstioCharts writes the charts embedded in the istio module, laid out as `helm pull --untar`
// would (<dest>/<chart>-<version>/<chart>), so the admission proof can render the Istio releases
// offline. They are the master snapshot this tool is built from (see README.md, skews); the
// release builder's stamps (versions, image tag) are not applied: give them as values.
func runIstioCharts(args []string, stdout, stderr io.Writer) error {
	flags := newFlagSet("istio-charts", stderr)
	dest := flags.String("dest", "", "directory to write the charts into")
	version := flags.String("version", "", "version used in the directory names, e.g. 1.31.1")
	if err := flags.Parse(args); err != nil {
		return usageError{err}
	}
	if *dest == "" || *version == "" || flags.NArg() > 0 {
		return usageError{errors.New("istio-charts: --dest and --version are required")}
	}
	for name, dir := range istioCharts {
		root := filepath.Join(*dest, fmt.Sprintf("%s-%s", name, *version), name)
		err := fs.WalkDir(manifests.FS, dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(manifests.FS, path)
			if err != nil {
				return err
			}
			target := filepath.Join(root, strings.TrimPrefix(path, dir+"/"))
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			return fmt.Errorf("istio-charts: %s: %w", name, err)
		}
		fmt.Fprintln(stdout, root)
	}
	return nil
}
