/**
 * What the platform adds to every tenant beyond its agent's own requests, and how many tenants
 * that leaves room for on a sandbox node. Pure: `npm run bench` prints it, a test pins it.
 */
import { SANDBOX_POD_OVERHEAD } from "../../components/cluster/defaults";
import { AGENT_PROXY_RESOURCES } from "../../components/mesh";
import { AUTH_GUARD_RESOURCES, EGRESS_PROXY_RESOURCES } from "../../components/tenant/defaults";
import { gatewayResources } from "../../components/tenant/workload";
import { TENANT_PLANS, type TenantPlanName } from "../../config/defaults";
import { parseQuantity } from "../../config/rules";

export interface Requests {
  cpuMilli: number;
  memoryMi: number;
}

const requests = (r: { cpu: string; memory: string }): Requests => ({
  cpuMilli: Math.round(parseQuantity(r.cpu)! * 1000),
  memoryMi: Math.round(parseQuantity(r.memory)! / 2 ** 20),
});
const add = (a: Requests, b: Requests): Requests => ({ cpuMilli: a.cpuMilli + b.cpuMilli, memoryMi: a.memoryMi + b.memoryMi });

/** The fixed cost per tenant, item by item: every request of its two pods but the gateway's. */
export function tenantOverhead(): { items: [string, Requests][]; total: Requests } {
  const items: [string, Requests][] = [
    ["auth-guard", requests(AUTH_GUARD_RESOURCES.requests)],
    ["mesh sidecar", requests(AGENT_PROXY_RESOURCES.requests)],
    ["egress proxy", requests(EGRESS_PROXY_RESOURCES.requests)],
    ["gVisor, agent pod", requests(SANDBOX_POD_OVERHEAD)],
    ["gVisor, proxy pod", requests(SANDBOX_POD_OVERHEAD)],
  ];
  return { items, total: items.reduce((sum, [, r]) => add(sum, r), { cpuMilli: 0, memoryMi: 0 }) };
}

/** The same items before the right-sizing of docs/decisions/tenant-overhead.md (commit 56c9df1). */
export const OVERHEAD_BEFORE: Requests = { cpuMilli: 50 + 100 + 50 + 100 + 100, memoryMi: 64 + 128 + 64 + 128 + 128 };

/** A sandbox node type: its size and the pods the VPC CNI gives it (ENIs x (IPs per ENI - 1) + 2). */
export interface NodeType {
  name: string;
  vcpu: number;
  memoryGiB: number;
  maxPods: number;
}

export const SANDBOX_NODE_TYPES: Record<string, NodeType> = {
  "m7i.2xlarge": { name: "m7i.2xlarge", vcpu: 8, memoryGiB: 32, maxPods: 58 },
  "m6i.2xlarge": { name: "m6i.2xlarge", vcpu: 8, memoryGiB: 32, maxPods: 58 },
  "m7i.xlarge": { name: "m7i.xlarge", vcpu: 4, memoryGiB: 16, maxPods: 58 },
};

/**
 * What the node keeps for itself: the EKS AMI's kube-reserved (CPU 6% of the first core, 1% of the
 * second, 0.5% of the next two, 0.25% of the rest; memory 255Mi + 11Mi per pod), the 100Mi
 * eviction threshold, and the DaemonSets on every sandbox node (aws-node, kube-proxy, the EBS CSI
 * node plugin, the Pod Identity agent, the gVisor monitor) at their requests.
 */
export function allocatable(node: NodeType): { requests: Requests; pods: number } {
  const cores = node.vcpu;
  const reservedCpu = 60 + (cores > 1 ? 10 : 0) + Math.min(Math.max(cores - 2, 0), 2) * 5 + Math.max(cores - 4, 0) * 2.5;
  const reservedMemory = 255 + 11 * node.maxPods + 100;
  const daemons: Requests[] = [
    { cpuMilli: 25, memoryMi: 0 }, // aws-node
    { cpuMilli: 100, memoryMi: 0 }, // kube-proxy
    { cpuMilli: 30, memoryMi: 120 }, // ebs-csi-node (three containers)
    { cpuMilli: 25, memoryMi: 0 }, // eks-pod-identity-agent
    { cpuMilli: 100, memoryMi: 64 }, // gvisor-monitor
  ];
  const daemonTotal = daemons.reduce(add, { cpuMilli: 0, memoryMi: 0 });
  return {
    requests: { cpuMilli: cores * 1000 - reservedCpu - daemonTotal.cpuMilli, memoryMi: node.memoryGiB * 1024 - reservedMemory - daemonTotal.memoryMi },
    pods: node.maxPods - daemons.length,
  };
}

/** Tenants of a plan that fit on one node: the first of CPU, memory or pod addresses to run out. */
export function tenantsPerNode(node: NodeType, plan: TenantPlanName, overhead: Requests): number {
  const gateway = gatewayResources({ plan } as Parameters<typeof gatewayResources>[0]).requests;
  const perTenant = add(requests({ cpu: gateway.cpu, memory: gateway.memory }), overhead);
  const room = allocatable(node);
  return Math.min(Math.floor(room.requests.cpuMilli / perTenant.cpuMilli), Math.floor(room.requests.memoryMi / perTenant.memoryMi), Math.floor(room.pods / 2));
}

/** The bench's table: overhead before and after, and tenants per node per plan with each. */
export function overheadReport(nodeTypes: string[]): string[] {
  const { items, total } = tenantOverhead();
  const fmt = (r: Requests) => `${r.cpuMilli}m CPU, ${r.memoryMi} MiB`;
  const lines = ["Fixed cost per tenant (requests beyond the agent's own):", "", "| item | requests |", "|---|---|"];
  for (const [name, r] of items) lines.push(`| ${name} | ${fmt(r)} |`);
  lines.push(`| **total** | **${fmt(total)}** (before: ${fmt(OVERHEAD_BEFORE)}) |`, "", "| node | plan | tenants per node, before | after |", "|---|---|---|---|");
  for (const type of nodeTypes) {
    const node = SANDBOX_NODE_TYPES[type];
    if (!node) throw new Error(`the bench knows no node type ${type}: add it to SANDBOX_NODE_TYPES in scripts/bench/overhead.ts`);
    for (const plan of Object.keys(TENANT_PLANS) as TenantPlanName[]) {
      lines.push(`| ${type} | ${plan} | ${tenantsPerNode(node, plan, OVERHEAD_BEFORE)} | ${tenantsPerNode(node, plan, total)} |`);
    }
  }
  return lines;
}
