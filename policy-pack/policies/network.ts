import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { NETWORK_POLICY, SERVICE, TENANT_PREFIX_SCHEMA, WORKLOAD_LABEL, configOf, containersOf, describe, forPods, forTypes, isTenantNamespace, namespaceOf } from "./k8s";

/** An IPv4 CIDR as an inclusive address range; undefined for anything else (IPv6 included). */
export function parseCidr(cidr: string): { start: number; end: number; bits: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr ?? "");
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const start = Math.floor(address / size) * size;
  return { start, end: start + size - 1, bits };
}

function overlaps(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  return !!x && !!y && x.start <= y.end && y.start <= x.end;
}

function contains(outer: string, inner: string): boolean {
  const x = parseCidr(outer);
  const y = parseCidr(inner);
  return !!x && !!y && x.start <= y.start && y.end <= x.end;
}

/** Ranges an ipBlock still reaches: those it overlaps and does not carve out with `except`. */
export function reachableRanges(ipBlock: any, ranges: string[]): string[] {
  const except: string[] = ipBlock?.except ?? [];
  return ranges.filter((range) => overlaps(ipBlock?.cidr, range) && !except.some((e) => contains(e, range)));
}

const PREFIX_CONFIG = { properties: { tenantNamespacePrefix: TENANT_PREFIX_SCHEMA } };

type RuleCheck = (policy: any, rule: any, index: number, report: ReportViolation, args: ResourceValidationArgs) => void;

/** Calls `check` on every egress rule of every NetworkPolicy in a tenant namespace. */
function forTenantEgress(schema: { properties: Record<string, any> }, check: RuleCheck) {
  return forTypes([NETWORK_POLICY], (props, args, report) => {
    const { tenantNamespacePrefix } = configOf<{ tenantNamespacePrefix: string }>(schema, args);
    if (!isTenantNamespace(namespaceOf(props), tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
    ((props.spec?.egress ?? []) as any[]).forEach((rule, i) => check(props, rule, i, report, args));
  });
}

/** Whether a rule reaches beyond the cluster's pods: no peers at all, or an ipBlock. */
function leavesCluster(rule: any): boolean {
  const to: any[] = rule?.to ?? [];
  return to.length === 0 || to.some((peer) => peer?.ipBlock);
}

function where(props: any, i: number): string {
  return `${describe(props)} egress rule ${i + 1}`;
}

export const METADATA_RANGE = "169.254.0.0/16";

export const egressBlocksMetadata: ResourceValidationPolicy = {
  name: "tenant-egress-blocks-metadata",
  description: `NET-03: no tenant NetworkPolicy lets traffic reach the cloud metadata range ${METADATA_RANGE}.`,
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateResource: forTenantEgress(PREFIX_CONFIG, (props, rule, i, report) => {
    const to: any[] = rule?.to ?? [];
    if (to.length === 0) report(`${where(props, i)} allows every destination, ${METADATA_RANGE} included: list ipBlock peers that except it.`);
    for (const peer of to.filter((p) => p?.ipBlock)) {
      if (!parseCidr(peer.ipBlock.cidr)) {
        report(`${where(props, i)} allows ${peer.ipBlock.cidr}, which this policy cannot check (IPv6 reaches metadata at fd00:ec2::254): use IPv4 ipBlocks.`);
      } else if (reachableRanges(peer.ipBlock, [METADATA_RANGE]).length > 0) {
        report(`${where(props, i)} allows ${peer.ipBlock.cidr} without excepting ${METADATA_RANGE}: add it to ipBlock.except.`);
      }
    }
  }),
};

const PRIVATE_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    privateRanges: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
      description: "Ranges agent egress must never reach (RFC 1918 by default).",
    },
  },
};

export const egressBlocksPrivate: ResourceValidationPolicy = {
  name: "tenant-egress-blocks-private-ranges",
  description: "NET-05: no tenant NetworkPolicy lets traffic reach an RFC 1918 range through an ipBlock.",
  enforcementLevel: "mandatory",
  configSchema: PRIVATE_CONFIG,
  validateResource: forTenantEgress(PRIVATE_CONFIG, (props, rule, i, report, args) => {
    const { privateRanges } = configOf<{ privateRanges: string[] }>(PRIVATE_CONFIG, args);
    const to: any[] = rule?.to ?? [];
    if (to.length === 0) report(`${where(props, i)} allows every destination, private ranges included: list ipBlock peers that except ${privateRanges.join(", ")}.`);
    for (const peer of to.filter((p) => p?.ipBlock)) {
      const open = reachableRanges(peer.ipBlock, privateRanges);
      if (open.length > 0) report(`${where(props, i)} allows ${peer.ipBlock.cidr} without excepting ${open.join(", ")}: add them to ipBlock.except.`);
    }
  }),
};

const HTTPS_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    nameservers: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["1.1.1.1"],
      description: "Resolvers that tenant pods may reach on port 53.",
    },
  },
};

function isDnsRule(rule: any, nameservers: string[]): boolean {
  const to: any[] = rule?.to ?? [];
  const ports: any[] = rule?.ports ?? [];
  return (
    to.length > 0 &&
    to.every((peer) => nameservers.some((ns) => peer?.ipBlock?.cidr === `${ns}/32` && (peer.ipBlock.except ?? []).length === 0)) &&
    ports.length > 0 &&
    ports.every((p) => Number(p?.port) === 53 && p?.endPort === undefined)
  );
}

export const egressHttpsOnly: ResourceValidationPolicy = {
  name: "tenant-egress-https-only",
  description: "NET-04: traffic leaves a tenant namespace only as HTTPS (TCP 443); port 53 is open only to the configured resolvers.",
  enforcementLevel: "mandatory",
  configSchema: HTTPS_CONFIG,
  validateResource: forTenantEgress(HTTPS_CONFIG, (props, rule, i, report, args) => {
    const { nameservers } = configOf<{ nameservers: string[] }>(HTTPS_CONFIG, args);
    if (!leavesCluster(rule) || isDnsRule(rule, nameservers)) return;
    const ports: any[] = rule?.ports ?? [];
    if (ports.length === 0) {
      report(`${where(props, i)} opens every port outside the cluster: restrict it to ports: [{ protocol: TCP, port: 443 }].`);
      return;
    }
    const other = ports.filter((p) => Number(p?.port) !== 443 || (p?.protocol ?? "TCP") !== "TCP" || p?.endPort !== undefined);
    if (other.length > 0) {
      const shown = other.map((p) => `${p?.protocol ?? "TCP"}/${p?.port ?? "*"}${p?.endPort ? `-${p.endPort}` : ""}`).join(", ");
      report(`${where(props, i)} opens ${shown} outside the cluster: allow only TCP 443 (DNS only to ${nameservers.join(", ")} on 53).`);
    }
  }),
};

const AGENT_EGRESS_CONFIG = {
  properties: {
    ...HTTPS_CONFIG.properties,
    agentWorkload: { type: "string" as const, default: "agent", description: `Value of ${WORKLOAD_LABEL} on agent pods.` },
  },
};

/** Whether a NetworkPolicy's podSelector can select agent pods (an empty selector selects all). */
function selectsAgents(policy: any, agentWorkload: string): boolean {
  const selector = policy?.spec?.podSelector ?? {};
  const value = selector.matchLabels?.[WORKLOAD_LABEL];
  return (selector.matchExpressions ?? []).length > 0 || value === undefined || value === agentWorkload;
}

export const agentEgressViaProxy: ResourceValidationPolicy = {
  name: "agent-egress-via-proxy",
  description:
    "NET-07: agent pods have no direct route out, DNS included; HTTPS leaves only through the tenant's egress proxy, which allows AI APIs and the platform API by hostname.",
  enforcementLevel: "mandatory",
  configSchema: AGENT_EGRESS_CONFIG,
  validateResource: forTenantEgress(AGENT_EGRESS_CONFIG, (props, rule, i, report, args) => {
    const { agentWorkload } = configOf<{ agentWorkload: string }>(AGENT_EGRESS_CONFIG, args);
    if (!selectsAgents(props, agentWorkload) || !leavesCluster(rule)) return;
    report(`${where(props, i)} lets agent pods leave the cluster directly: send their traffic to the egress proxy's pods instead.`);
  }),
};

/** Whether a rule's ports include 53: no ports, a protocol alone, 53 itself or a range over it. */
function opensDns(rule: any): boolean {
  const ports: any[] = rule?.ports ?? [];
  return ports.length === 0 || ports.some((p) => p?.port === undefined || Number(p.port) === 53 || (p.endPort !== undefined && Number(p.port) <= 53 && 53 <= Number(p.endPort)));
}

export const agentSendsNoDns: ResourceValidationPolicy = {
  name: "agent-sends-no-dns",
  description:
    "NET-01: agent pods send no DNS anywhere, cluster DNS and public resolvers alike: their egress proxy resolves the names it forwards to, so DNS is no channel out of the sandbox.",
  enforcementLevel: "mandatory",
  configSchema: AGENT_EGRESS_CONFIG,
  validateResource: forTenantEgress(AGENT_EGRESS_CONFIG, (props, rule, i, report, args) => {
    const { agentWorkload } = configOf<{ agentWorkload: string }>(AGENT_EGRESS_CONFIG, args);
    if (!selectsAgents(props, agentWorkload) || !opensDns(rule)) return;
    report(`${where(props, i)} lets agent pods send DNS (port 53): agents resolve nothing; open only the egress proxy's port to them.`);
  }),
};

const ISOLATION_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    platformNamespaces: {
      type: "array" as const,
      items: { type: "string" as const },
      // The control plane, the mesh's istiod, and Prometheus scraping the sidecars' metrics.
      default: ["platform-api", "istio-system", "monitoring"],
      description: "Platform namespaces tenant pods may exchange traffic with; never a tenant namespace.",
    },
  },
};

export const noCrossTenantTraffic: ResourceValidationPolicy = {
  name: "tenant-no-cross-tenant-traffic",
  description:
    "ISO-03: tenant NetworkPolicies admit peers only from their own namespace or named platform namespaces, never another tenant, every namespace or an ipBlock.",
  enforcementLevel: "mandatory",
  configSchema: ISOLATION_CONFIG,
  validateResource: forTypes([NETWORK_POLICY], (props, args, report) => {
    const { tenantNamespacePrefix, platformNamespaces } = configOf<{ tenantNamespacePrefix: string; platformNamespaces: string[] }>(ISOLATION_CONFIG, args);
    if (!isTenantNamespace(namespaceOf(props), tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
    const check = (direction: "ingress" | "egress", peers: any[], i: number) => {
      const at = `${describe(props)} ${direction} rule ${i + 1}`;
      for (const peer of peers) {
        const selector = peer?.namespaceSelector;
        if (selector === undefined) continue;
        const named = selector.matchLabels?.["kubernetes.io/metadata.name"];
        const exact = Object.keys(selector.matchLabels ?? {}).length === 1 && (selector.matchExpressions ?? []).length === 0;
        if (!exact || !platformNamespaces.includes(named) || isTenantNamespace(named, tenantNamespacePrefix)) {
          report(`${at} selects namespaces ${JSON.stringify(selector)}: select one of ${platformNamespaces.join(", ")} by kubernetes.io/metadata.name.`);
        }
      }
    };
    ((props.spec?.ingress ?? []) as any[]).forEach((rule, i) => {
      const from: any[] = rule?.from ?? [];
      if (from.length === 0) report(`${describe(props)} ingress rule ${i + 1} admits every source: list the platform peers in from.`);
      if (from.some((p) => p?.ipBlock)) report(`${describe(props)} ingress rule ${i + 1} admits an ipBlock: admit pods by namespace and pod selector only.`);
      check("ingress", from, i);
    });
    ((props.spec?.egress ?? []) as any[]).forEach((rule, i) => check("egress", rule?.to ?? [], i));
  }),
};

const GATEWAY_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    gatewayPort: { type: "number" as const, default: 18789, description: "The agent gateway's own port, reachable only on loopback." },
  },
};
type GatewayConfig = { tenantNamespacePrefix: string; gatewayPort: number };

function inTenant(props: any, args: ResourceValidationArgs, config: GatewayConfig): void {
  if (!isTenantNamespace(namespaceOf(props), config.tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
}

export const gatewayPortClosed: ResourceValidationPolicy = {
  name: "agent-gateway-port-closed",
  description: "NET-06: the gateway port 18789 is exposed by no container, Service, NetworkPolicy or mesh listener; only the auth-guard port is open.",
  enforcementLevel: "mandatory",
  configSchema: GATEWAY_CONFIG,
  validateResource: [
    forPods((spec, props, args, report) => {
      const config = configOf<GatewayConfig>(GATEWAY_CONFIG, args);
      inTenant(props, args, config);
      for (const ref of containersOf(spec)) {
        if ((ref.container.ports ?? []).some((p: any) => Number(p?.containerPort) === config.gatewayPort)) {
          report(`${describe(props)} container "${ref.container.name}" declares port ${config.gatewayPort}: bind the gateway to loopback and expose only the auth-guard.`);
        }
      }
    }),
    forTypes([SERVICE], (props, args, report) => {
      const config = configOf<GatewayConfig>(GATEWAY_CONFIG, args);
      inTenant(props, args, config);
      const ports: any[] = props.spec?.ports ?? [];
      if (ports.some((p) => Number(p?.port) === config.gatewayPort || Number(p?.targetPort) === config.gatewayPort)) {
        report(`${describe(props)} exposes port ${config.gatewayPort}: target the auth-guard port instead.`);
      }
    }),
    forTypes([NETWORK_POLICY], (props, args, report) => {
      const config = configOf<GatewayConfig>(GATEWAY_CONFIG, args);
      inTenant(props, args, config);
      ((props.spec?.ingress ?? []) as any[]).forEach((rule, i) => {
        const ports: any[] = rule?.ports ?? [];
        const opens = ports.length === 0 || ports.some((p) => {
          const port = Number(p?.port);
          return port === config.gatewayPort || (p?.endPort !== undefined && port <= config.gatewayPort && config.gatewayPort <= Number(p.endPort));
        });
        if (opens) report(`${describe(props)} ingress rule ${i + 1} admits port ${config.gatewayPort}: list only the auth-guard port in ports.`);
      });
    }),
    forTypes(["kubernetes:networking.istio.io/v1:Sidecar"], (props, args, report) => {
      const config = configOf<GatewayConfig>(GATEWAY_CONFIG, args);
      inTenant(props, args, config);
      for (const listener of (props.spec?.ingress ?? []) as any[]) {
        const endpoint = String(listener?.defaultEndpoint ?? "");
        if (Number(listener?.port?.number) === config.gatewayPort || endpoint.endsWith(`:${config.gatewayPort}`)) {
          report(`${describe(props)} routes mesh ingress to port ${config.gatewayPort}: send it to the auth-guard's loopback port.`);
        }
      }
    }),
  ],
};

export const NETWORK_POLICIES = [
  noCrossTenantTraffic,
  egressBlocksMetadata,
  egressHttpsOnly,
  egressBlocksPrivate,
  gatewayPortClosed,
  agentEgressViaProxy,
  agentSendsNoDns,
];
