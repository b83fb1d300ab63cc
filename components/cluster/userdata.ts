import { RUNSC_HANDLER } from "./defaults";

const BOUNDARY = "==AGENT-PLATFORM-BOUNDARY==";

export interface SandboxUserDataArgs {
  /** gVisor release, e.g. 20261005.0. */
  gvisorVersion: string;
  /** Extra `[runsc_config]` flags, e.g. monitoring hooks. @default {} */
  runscFlags?: Record<string, string>;
  /** Files to write before kubelet starts; tmpfiles.d entries are also applied at once. @default [] */
  files?: NodeFile[];
}

export interface NodeFile {
  path: string;
  content: string;
}

const FILE_DELIMITER = "AGENT_PLATFORM_FILE";

/** Shell lines writing each file (quoted heredocs: no expansion), then creating tmpfiles entries now. */
export function nodeFilesScript(files: NodeFile[]): string {
  const lines: string[] = [];
  for (const file of files) {
    if (!file.path.startsWith("/") || /[\s'"$`]/.test(file.path)) throw new Error(`node file path must be absolute and plain: ${file.path}`);
    if (file.content.split("\n").includes(FILE_DELIMITER)) throw new Error(`node file ${file.path} contains the heredoc delimiter`);
    lines.push(`install -d -m 0755 "$(dirname ${file.path})"`, `cat > ${file.path} <<'${FILE_DELIMITER}'`, file.content.replace(/\n$/, ""), FILE_DELIMITER);
  }
  for (const file of files.filter((f) => f.path.startsWith("/etc/tmpfiles.d/"))) lines.push(`systemd-tmpfiles --create ${file.path}`);
  return lines.length ? lines.join("\n") + "\n" : "";
}

/** The shell part: install the pinned runsc and its containerd shim, verified against the release's checksums. */
export function gvisorInstallScript(version: string): string {
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `GVISOR_VERSION=${version}`,
    "ARCH=$(uname -m)",
    'URL="https://storage.googleapis.com/gvisor/releases/release/${GVISOR_VERSION}/${ARCH}"',
    "workdir=$(mktemp -d)",
    'cd "$workdir"',
    "for file in runsc runsc.sha512 containerd-shim-runsc-v1 containerd-shim-runsc-v1.sha512; do",
    '  curl -fsSL --retry 5 -o "$file" "$URL/$file"',
    "done",
    "sha512sum -c runsc.sha512 -c containerd-shim-runsc-v1.sha512",
    "install -m 0755 runsc containerd-shim-runsc-v1 /usr/local/bin/",
    "",
  ].join("\n");
}

export function runscConfig(flags: Record<string, string>): string {
  // The kubelet on AL2023 uses the systemd cgroup driver; runsc must agree or pod limits fail.
  const all = { "systemd-cgroup": "true", ...flags };
  return ["[runsc_config]", ...Object.entries(all).map(([k, v]) => `  ${k} = "${v}"`), ""].join("\n");
}

/**
 * containerd 2.x config (v3 keys, which nodeadm merges into its own): the `runsc` runtime handler
 * that the gVisor RuntimeClass names.
 */
export function containerdRuntimeConfig(): string {
  const table = `plugins."io.containerd.cri.v1.runtime".containerd.runtimes.${RUNSC_HANDLER}`;
  return [
    `[${table}]`,
    'runtime_type = "io.containerd.runsc.v1"',
    `[${table}.options]`,
    'TypeUrl = "io.containerd.runsc.v1.options"',
    'ConfigPath = "/etc/containerd/runsc.toml"',
    "",
  ].join("\n");
}

/**
 * User data for sandbox nodes, as MIME multipart so EKS merges its own node configuration in: the
 * shell part runs before kubelet starts, so a node joins only once runsc is installed.
 */
export function sandboxUserData(args: SandboxUserDataArgs): string {
  const script = [
    gvisorInstallScript(args.gvisorVersion),
    "cat > /etc/containerd/runsc.toml <<'RUNSC'",
    runscConfig(args.runscFlags ?? {}) + "RUNSC",
    nodeFilesScript(args.files ?? []),
  ].join("\n");
  const nodeConfig = [
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  containerd:",
    "    config: |",
    ...containerdRuntimeConfig()
      .trimEnd()
      .split("\n")
      .map((line) => `      ${line}`),
    "",
  ].join("\n");
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`,
    "",
    `--${BOUNDARY}`,
    'Content-Type: text/x-shellscript; charset="us-ascii"',
    "",
    script,
    `--${BOUNDARY}`,
    "Content-Type: application/node.eks.aws",
    "",
    nodeConfig,
    `--${BOUNDARY}--`,
    "",
  ].join("\n");
}
