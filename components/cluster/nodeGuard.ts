/**
 * What keeps a sandbox node out of the cluster unless it is safe to run agents: the pinned runsc
 * binaries in place, and the host firewall that stops pods from opening connections to their own
 * node. One systemd unit checks and applies both; kubelet and nodeadm-run require it, so a node
 * whose install failed never starts kubelet and never joins (docs/decisions/gvisor-sandbox-nodes.md,
 * docs/decisions/node-address-isolation.md).
 */
import type { NodeFile } from "./userdata";

export const GUARD_UNIT = "agent-platform-node-guard.service";
export const RUNSC_CHECKSUMS_PATH = "/etc/agent-platform/runsc.sha512";
export const NODE_ISOLATION_RULES_PATH = "/etc/agent-platform/node-isolation.nft";
export const NODE_ISOLATION_TABLE = "agent_platform_node_isolation";
export const RUNSC_BINARIES = ["runsc", "containerd-shim-runsc-v1"] as const;
export type RunscBinary = (typeof RUNSC_BINARIES)[number];

/**
 * The VPC CNI names the host side of every pod's veth `eni<hash>` (AWS_VPC_K8S_CNI_VETHPREFIX,
 * default "eni": amazon-vpc-cni-k8s pkg/networkutils/network.go; its own nftables rules match
 * `iifname "eni*"` the same way, pkg/networkutils/nftables_connmark.go).
 */
export const POD_INTERFACES = "eni*";

/** `sha512sum --check` input for the installed binaries, from the digests pinned in configuration. */
export function runscChecksums(sha512: Record<RunscBinary, string>): string {
  return RUNSC_BINARIES.map((binary) => `${sha512[binary]}  /usr/local/bin/${binary}`).join("\n") + "\n";
}

/**
 * The network policy agent of the VPC CNI always allows a pod's traffic to and from its own node's
 * IP ("Traffic from the local node should always be allowed", aws-network-policy-agent
 * pkg/fwruleprocessor/fw_rule_processor.go), so no NetworkPolicy can keep an agent from kubelet
 * (10250), kube-proxy (10256) or host-network add-ons on that address. This table drops every new
 * connection that arrives from a pod interface for an address of the node itself:
 * - prerouting, after conntrack (-200) and before kube-proxy's DNAT (-100): a NodePort on the
 *   node's own address is refused before it could be forwarded with the node as source;
 * - input: anything still delivered to the node after DNAT (a Service backed by a host-network pod).
 * Replies to connections the node opened (kubelet probes, ct state established/related) and pod
 * traffic routed elsewhere (forward) are untouched. The table is replaced atomically on each load.
 */
export function nodeIsolationRules(): string {
  const table = `inet ${NODE_ISOLATION_TABLE}`;
  return [
    "#!/usr/sbin/nft -f",
    `table ${table}`,
    `delete table ${table}`,
    `table ${table} {`,
    "\tchain pod_to_node_prerouting {",
    "\t\ttype filter hook prerouting priority mangle; policy accept;",
    `\t\tiifname "${POD_INTERFACES}" ct state new fib daddr type local counter drop`,
    "\t}",
    "\tchain pod_to_node_input {",
    "\t\ttype filter hook input priority filter; policy accept;",
    `\t\tiifname "${POD_INTERFACES}" ct state new counter drop`,
    "\t}",
    "}",
    "",
  ].join("\n");
}

/** Fails (and with it kubelet) unless both binaries match their pinned digests and the table loads. */
export function guardUnit(): string {
  return [
    "[Unit]",
    "Description=agent-platform sandbox node guard: pinned runsc in place, pod-to-node firewall loaded",
    "Before=kubelet.service nodeadm-run.service",
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    `ExecStart=/usr/bin/sha512sum --check --strict ${RUNSC_CHECKSUMS_PATH}`,
    `ExecStart=/usr/sbin/nft --file ${NODE_ISOLATION_RULES_PATH}`,
    `ExecStart=/usr/sbin/nft list table inet ${NODE_ISOLATION_TABLE}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ].join("\n");
}

/**
 * Requires= plus After=: if the guard fails, the unit that wants it is not started. kubelet is the
 * gate on first boot (nodeadm-run starts it through systemd once cloud-init is done, after this
 * drop-in is loaded); nodeadm-run's own job is queued before user data runs, so its drop-in takes
 * effect from the next boot on.
 */
export function requireGuardDropIn(): string {
  return ["[Unit]", `Requires=${GUARD_UNIT}`, `After=${GUARD_UNIT}`, ""].join("\n");
}

/** Written first by the user data, before anything that can fail. */
export function guardFiles(sha512: Record<RunscBinary, string>): NodeFile[] {
  return [
    { path: RUNSC_CHECKSUMS_PATH, content: runscChecksums(sha512) },
    { path: NODE_ISOLATION_RULES_PATH, content: nodeIsolationRules() },
    { path: `/etc/systemd/system/${GUARD_UNIT}`, content: guardUnit() },
    { path: "/etc/systemd/system/kubelet.service.d/10-agent-platform-node-guard.conf", content: requireGuardDropIn() },
    { path: "/etc/systemd/system/nodeadm-run.service.d/10-agent-platform-node-guard.conf", content: requireGuardDropIn() },
  ];
}
