import { ResourceValidationPolicy } from "@pulumi/policy";
import { parse } from "yaml";
import { CONFIG_MAP, TENANT_PREFIX_SCHEMA, configOf, describe, forTypes, isTenantNamespace, namespaceOf } from "./k8s";

const PROXY_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    configKey: { type: "string" as const, default: "envoy.yaml", description: "ConfigMap key holding the egress proxy's Envoy configuration." },
    allowedEgressHosts: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [] as string[],
      description: 'Hosts agents may reach ("*.example.com" matches subdomains); empty allows any host named exactly.',
    },
  },
};
type ProxyConfig = { tenantNamespacePrefix: string; configKey: string; allowedEgressHosts: string[] };

/** Every virtual host of every HTTP connection manager route table in an Envoy bootstrap. */
export function virtualHosts(envoy: any): any[] {
  const found: any[] = [];
  const walk = (node: any, depth: number) => {
    if (!node || typeof node !== "object" || depth > 30) return;
    if (Array.isArray(node.virtual_hosts)) found.push(...node.virtual_hosts);
    for (const child of Object.values(node)) walk(child, depth + 1);
  };
  walk(envoy, 0);
  return found;
}

function forwards(virtualHost: any): boolean {
  return ((virtualHost?.routes ?? []) as any[]).some((r) => r?.route !== undefined);
}

/** The clusters of the bootstrap by name; a dynamic forward proxy forwards wherever a request names. */
function clustersOf(envoy: any): Map<string, any> {
  return new Map(((envoy?.static_resources?.clusters ?? []) as any[]).map((c) => [c?.name, c]));
}

const isDynamic = (cluster: any) => cluster === undefined || cluster?.cluster_type?.name === "envoy.clusters.dynamic_forward_proxy";

/** `host:port` of every endpoint of a fixed cluster. */
function endpointsOf(cluster: any): { address: string; port: number }[] {
  return ((cluster?.load_assignment?.endpoints ?? []) as any[]).flatMap((e) =>
    ((e?.lb_endpoints ?? []) as any[]).map((l) => ({ address: String(l?.endpoint?.address?.socket_address?.address), port: Number(l?.endpoint?.address?.socket_address?.port_value) })),
  );
}

function hostAllowed(host: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  return allowed.some((a) => (a.startsWith("*.") ? host.endsWith(a.slice(1)) && host.length > a.length - 1 : host === a));
}

export const egressProxyAllowlist: ResourceValidationPolicy = {
  name: "egress-proxy-allowlist",
  description: "NET-07: the tenant egress proxy forwards only to hosts named exactly, on 443, from the allowed AI and platform APIs; no wildcard forwards.",
  enforcementLevel: "mandatory",
  configSchema: PROXY_CONFIG,
  validateResource: forTypes([CONFIG_MAP], (props, args, report) => {
    const config = configOf<ProxyConfig>(PROXY_CONFIG, args);
    const text = props.data?.[config.configKey];
    if (!isTenantNamespace(namespaceOf(props), config.tenantNamespacePrefix) || typeof text !== "string") {
      args.notApplicable("not a tenant egress proxy configuration");
    }
    let envoy: unknown;
    try {
      envoy = parse(text);
    } catch (error) {
      report(`${describe(props)} ${config.configKey} is not valid YAML (${(error as Error).message.split("\n")[0].replace(/:$/, "")}): fix the proxy configuration.`);
      return;
    }
    const clusters = clustersOf(envoy);
    for (const vhost of virtualHosts(envoy).filter(forwards)) {
      const targets = ((vhost.routes ?? []) as any[]).filter((r) => r?.route).map((r) => clusters.get(r.route.cluster));
      // A route to a fixed cluster (the provider listener, SEC-09; the metrics listener) goes only
      // to that cluster's endpoints, whatever the request names: check those instead.
      for (const { address, port } of targets.filter((t) => !isDynamic(t)).flatMap(endpointsOf)) {
        if (address === "127.0.0.1") continue;
        if (port !== 443) {
          report(`${describe(props)} forwards to ${address}:${port}: forward only to port 443.`);
        } else if (!hostAllowed(address.toLowerCase(), config.allowedEgressHosts)) {
          report(`${describe(props)} forwards ${address}, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.`);
        }
      }
      if (!targets.some(isDynamic)) continue;
      for (const domain of (vhost.domains ?? []) as string[]) {
        const match = /^([a-z0-9.-]+):443$/i.exec(domain);
        if (!match) {
          report(`${describe(props)} forwards "${domain}": name each host exactly with port 443, e.g. api.example.com:443.`);
        } else if (!hostAllowed(match[1].toLowerCase(), config.allowedEgressHosts)) {
          report(`${describe(props)} forwards ${match[1]}, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.`);
        }
      }
    }
  }),
};

export const EGRESS_POLICIES = [egressProxyAllowlist];
