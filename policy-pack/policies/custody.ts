import { ResourceValidationPolicy } from "@pulumi/policy";
import { TENANT_PREFIX_SCHEMA, WORKLOAD_LABEL, configOf, containerLabel, containersOf, describe, forPods, isTenantNamespace, namespaceOf, podLabelsOf } from "./k8s";

const CUSTODY_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    agentWorkload: { type: "string" as const, default: "agent", description: `Value of ${WORKLOAD_LABEL} on agent pods.` },
    providerKeySecret: { type: "string" as const, default: "ai-provider-key", description: "The Secret the provider key is synced into." },
    tenantCaSecret: { type: "string" as const, default: "tenant-ca", description: "The Secret holding the tenant CA's private key." },
    proxyTlsSecret: { type: "string" as const, default: "egress-proxy-tls", description: "The egress proxy's certificate Secret; agents may read its ca.crt only." },
  },
};
type CustodyConfig = { tenantNamespacePrefix: string; agentWorkload: string; providerKeySecret: string; tenantCaSecret: string; proxyTlsSecret: string };

/** Every way a pod spec names a Secret: volumes, projected sources, env and envFrom, with where. */
function secretReferences(spec: any): { secret: string; where: string; items?: any[] }[] {
  const volumes = ((spec?.volumes ?? []) as any[]).flatMap((v) => [
    ...(v?.secret?.secretName ? [{ secret: v.secret.secretName, where: `volume ${v.name}`, items: v.secret.items }] : []),
    ...((v?.projected?.sources ?? []) as any[]).filter((s) => s?.secret?.name).map((s) => ({ secret: s.secret.name, where: `volume ${v.name}`, items: s.secret.items })),
  ]);
  const environment = containersOf(spec).flatMap((ref) => [
    ...((ref.container.env ?? []) as any[])
      .filter((e) => e?.valueFrom?.secretKeyRef?.name)
      .map((e) => ({ secret: e.valueFrom.secretKeyRef.name, where: `${containerLabel(ref)} env ${e.name}` })),
    ...((ref.container.envFrom ?? []) as any[]).filter((f) => f?.secretRef?.name).map((f) => ({ secret: f.secretRef.name, where: `${containerLabel(ref)} envFrom` })),
  ]);
  return [...volumes, ...environment];
}

/**
 * SEC-09: the provider key never enters an agent's sandbox. An agent pod may not mount, project or
 * env-reference the Secret the key is synced into (only the tenant's egress proxy mounts it), nor
 * the tenant CA's key; from the proxy's certificate Secret it may read `ca.crt` alone.
 */
export const providerKeyCustody: ResourceValidationPolicy = {
  name: "tenant-provider-key-custody",
  description:
    "SEC-09: no agent pod mounts, projects or env-references the provider key Secret or the tenant CA's key; only the tenant's egress proxy holds the key.",
  enforcementLevel: "mandatory",
  configSchema: CUSTODY_CONFIG,
  validateResource: forPods((spec, props, args, report) => {
    const config = configOf<CustodyConfig>(CUSTODY_CONFIG, args);
    if (!isTenantNamespace(namespaceOf(props), config.tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
    if (podLabelsOf(args.type, props)[WORKLOAD_LABEL] !== config.agentWorkload) args.notApplicable("not an agent pod");
    for (const ref of secretReferences(spec)) {
      if (ref.secret === config.providerKeySecret) {
        report(`${describe(props)} ${ref.where} reads Secret ${ref.secret}: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`);
      } else if (ref.secret === config.tenantCaSecret) {
        report(`${describe(props)} ${ref.where} reads Secret ${ref.secret}, the tenant CA's key: trust ca.crt of ${config.proxyTlsSecret} instead.`);
      } else if (ref.secret === config.proxyTlsSecret && !(ref.items?.length && ref.items.every((i: any) => i?.key === "ca.crt"))) {
        report(`${describe(props)} ${ref.where} reads more than ca.crt of Secret ${ref.secret}: project only items [{ key: ca.crt }].`);
      }
    }
  }),
};

export const CUSTODY_POLICIES = [providerKeyCustody];
