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
    for (const vhost of virtualHosts(envoy).filter(forwards)) {
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
