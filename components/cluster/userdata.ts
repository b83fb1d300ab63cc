import { GVISOR_RELEASE } from "../../config/defaults";
import { RUNSC_HANDLER } from "./defaults";
import { GUARD_UNIT, RUNSC_BINARIES, RunscBinary, guardFiles } from "./nodeGuard";

const BOUNDARY = "==AGENT-PLATFORM-BOUNDARY==";

export interface SandboxUserDataArgs {
  /** gVisor release, e.g. 20261005.0. */
  gvisorVersion: string;
  /**
   * SHA-512 of that release's x86_64 binaries, as pinned in configuration next to the version.
   * @default GVISOR_RELEASE.sha512 (a node given another version then fails its check and never joins)
   */
  gvisorSha512?: Record<RunscBinary, string>;
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

/**
 * The shell part's download: the pinned release's x86_64 binaries (the node AMI is
 * AL2023_x86_64_STANDARD), compared with the digests pinned in configuration before anything is
 * installed. No checksum file is fetched: one from the same bucket as the binary proves only that
 * the download is complete, not that it is the release that was reviewed.
 */
export function gvisorInstallScript(version: string, sha512: Record<RunscBinary, string>): string {
  return [
    `GVISOR_VERSION=${version}`,
    'URL="https://storage.googleapis.com/gvisor/releases/release/${GVISOR_VERSION}/x86_64"',
    "workdir=$(mktemp -d)",
    'cd "$workdir"',
    `for file in ${RUNSC_BINARIES.join(" ")}; do`,
    '  curl -fsSL --retry 5 -o "$file" "$URL/$file"',
    "done",
    "sha512sum --check --strict <<'AGENT_PLATFORM_SHA512'",
    ...RUNSC_BINARIES.map((binary) => `${sha512[binary]}  ${binary}`),
    "AGENT_PLATFORM_SHA512",
    `install -m 0755 ${RUNSC_BINARIES.join(" ")} /usr/local/bin/`,
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
 * The whole shell part. The guard and the drop-ins that make kubelet and nodeadm-run require it
 * come first, before any step that can fail: if the download, the checksum or anything after it
 * fails, the script stops, the guard's check fails and kubelet never starts, so the node never
 * joins and the managed node group reports it. The guard runs again on every boot, which also
 * reloads the firewall.
 */
export function sandboxScript(args: SandboxUserDataArgs): string {
  const sha512 = args.gvisorSha512 ?? GVISOR_RELEASE.sha512;
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    nodeFilesScript(guardFiles(sha512)) + "systemctl daemon-reload",
    `systemctl enable ${GUARD_UNIT}`,
    gvisorInstallScript(args.gvisorVersion, sha512),
    "cat > /etc/containerd/runsc.toml <<'RUNSC'",
    runscConfig(args.runscFlags ?? {}) + "RUNSC",
    nodeFilesScript(args.files ?? []) + `systemctl start ${GUARD_UNIT}`,
    "",
  ].join("\n");
}

/**
 * User data for sandbox nodes, as MIME multipart so EKS merges its own node configuration in:
 * cloud-init runs the shell part after nodeadm-config and before nodeadm-run starts kubelet.
 */
export function sandboxUserData(args: SandboxUserDataArgs): string {
  const script = sandboxScript(args);
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
