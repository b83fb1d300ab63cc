//go:build tools

// Package netpolanalyzer only pins np-guard's CLI package, so `go mod tidy` keeps every module the
// netpolicy command needs; nothing here is compiled into the tool.
package netpolanalyzer

import _ "github.com/np-guard/netpol-analyzer/pkg/cli"
