import { Evidence } from "../types";

const UNIT = "components/tenant/tenant.unit.test.ts";
const PROGRAM = "components/tenant/tenant.test.ts";
const NETWORK = "components/tenant/network.ts";
const SECURITY = "components/tenant/security.ts";
const WORKLOAD = "components/tenant/workload.ts";
const NAMESPACE = "components/tenant/namespace.ts";
const EGRESS = "components/tenant/egress.ts";
const PROVIDER = "components/tenant/provider.ts";
const CUSTODY = "components/tenant/custody.test.ts";
const PROVIDER_UNIT = "components/tenant/provider.test.ts";
const ENVOY = "components/tenant/envoy.test.ts";
const ENVOY_VALID = "SEC-09 NET-07 parses the CONNECT allowlist, the provider listener and the SDS files strictly into the v1.36 protos, and they validate";
const ENVOY_STRICT = "SEC-09 NET-07 fails on an unknown field, an unknown type and a broken validation rule, inside typed configs too";

const component = (file: string, symbol: string) => ({ kind: "component" as const, file, symbol });
const proof = (file: string, test: string) => ({ file, test });
const HARDENED = "ISO-06 ISO-07 ISO-08 ISO-11 ISO-12 harden every container of every tenant pod";

const PSA = "ISO-06 ISO-08 ISO-11 ISO-14 enforce Pod Security restricted in every tenant namespace";

export const tenantEvidence: Evidence[] = [
  ...["ISO-06", "ISO-08", "ISO-11", "ISO-14"].map((control) => ({
    control,
    enforcedBy: [{ kind: "psa" as const, file: NAMESPACE, symbol: 'podSecurityLabels("restricted")' }],
    provenBy: [proof(PROGRAM, PSA)],
  })),
  {
    control: "ISO-14",
    enforcedBy: [component(SECURITY, "hostNetwork: false"), component(SECURITY, "privileged: false")],
    provenBy: [proof(PROGRAM, "ISO-14 gives tenant pods no host namespaces, no hostPath and no privileged container")],
  },
  {
    control: "ISO-01",
    enforcedBy: [component(NAMESPACE, "[TENANT_LABEL]: tenant.id")],
    provenBy: [proof(UNIT, "ISO-01 gives each tenant its own namespace, labelled with its id and PSA restricted")],
  },
  {
    control: "ISO-02",
    enforcedBy: [component(NETWORK, "defaultDeny(namespace)")],
    provenBy: [proof(PROGRAM, "ISO-02 denies all ingress and egress by default in every tenant namespace")],
  },
  {
    control: "ISO-03",
    enforcedBy: [component(NETWORK, "podsIn(PLATFORM_API_NAMESPACE")],
    provenBy: [
      proof(PROGRAM, "ISO-03 admits agent traffic only from the platform API, so tenants cannot reach each other"),
    ],
  },
  {
    control: "ISO-04",
    enforcedBy: [component(NAMESPACE, '"services.loadbalancers": "0"')],
    provenBy: [
      proof(UNIT, "ISO-04 sums the quota from the tenant's pods and forbids LoadBalancer and NodePort services"),
      proof("test/selfConsistency.test.ts", "ISO-04 has Istio's injector size an agent's sidecar as its quota charges it, and other sidecars at the mesh default"),
    ],
  },
  {
    control: "ISO-05",
    enforcedBy: [component(NAMESPACE, 'type: "Container"')],
    provenBy: [proof(UNIT, "ISO-05 sets container defaults and ceilings per tenant"), proof(PROGRAM, "ISO-05 gives every tenant namespace its LimitRange")],
  },
  ...["ISO-06", "ISO-07", "ISO-08", "ISO-11", "ISO-12"].map((control) => ({
    control,
    enforcedBy: [component(SECURITY, "export function hardenedContainerSecurity")],
    provenBy: [proof(PROGRAM, HARDENED)],
  })),
  {
    control: "ISO-09",
    enforcedBy: [component(SECURITY, "automountServiceAccountToken: false"), component(WORKLOAD, "automountServiceAccountToken: false")],
    provenBy: [proof(PROGRAM, "ISO-09 mounts no service account token in any tenant pod")],
  },
  {
    control: "ISO-10",
    enforcedBy: [component(SECURITY, "runtimeClassName,")],
    provenBy: [proof(PROGRAM, "ISO-10 runs every tenant pod in the gVisor RuntimeClass")],
  },
  {
    control: "SEC-07",
    enforcedBy: [component("components/tenant/tenant.ts", "retainOnDelete: true"), component(WORKLOAD, "export function buildWorkspaceClaim")],
    provenBy: [
      proof(PROGRAM, "SEC-07 changing a tenant's plan updates its agent in place and grows its workspace, replacing only its proxy's configuration"),
      proof(PROGRAM, "SEC-07 removing a tenant from the configuration keeps its namespace and workspace until it is offboarded"),
    ],
  },
  {
    control: "ISO-13",
    enforcedBy: [component(WORKLOAD, "storageClassName")],
    provenBy: [proof(PROGRAM, "ISO-13 keeps each agent's workspace on the encrypted StorageClass, kept when the agent goes")],
  },
  {
    control: "NET-01",
    enforcedBy: [
      component(SECURITY, "nameservers: [nameserver]"),
      component(WORKLOAD, "sandboxedPodBasics(args.runtimeClassName, AGENT_UID, NO_RESOLVER)"),
      component(NETWORK, "cidrs([`${PUBLIC_DNS_SERVER}/32`])"),
    ],
    provenBy: [proof(PROGRAM, "NET-01 gives agents no resolver and no DNS egress; only the egress proxy resolves, through 1.1.1.1")],
  },
  {
    control: "NET-02",
    enforcedBy: [component(SECURITY, "enableServiceLinks: false")],
    provenBy: [proof(PROGRAM, "NET-02 gives agents no service discovery: no cluster DNS, no search domains, no service links")],
  },
  {
    control: "NET-03",
    enforcedBy: [component("components/network/policy.ts", '"169.254.0.0/16"')],
    provenBy: [proof(PROGRAM, "NET-03 NET-05 keep the metadata service and every private range out of reach")],
  },
  {
    control: "NET-04",
    enforcedBy: [component(NETWORK, "toPublicHttps")],
    provenBy: [proof(PROGRAM, "NET-04 lets traffic leave the tenant only as HTTPS on 443, through the egress proxy")],
  },
  {
    control: "NET-05",
    enforcedBy: [component("components/network/policy.ts", '"10.0.0.0/8"')],
    provenBy: [proof(PROGRAM, "NET-03 NET-05 keep the metadata service and every private range out of reach")],
  },
  {
    control: "NET-06",
    enforcedBy: [component(WORKLOAD, '"--bind", "loopback"')],
    provenBy: [proof(PROGRAM, "NET-06 never exposes the gateway port 18789: not in a Service, a policy, or on the pod IP")],
  },
  {
    control: "NET-07",
    enforcedBy: [component("components/tenant/egress.ts", "direct_response: { status: 403 }")],
    provenBy: [
      proof(UNIT, "NET-07 lets the egress proxy open tunnels to the allowed hosts on 443 and refuses everything else"),
      proof(PROGRAM, "NET-07 allows each tenant only its own AI API hosts and the platform API, by hostname"),
    ],
  },
  {
    control: "AUTH-01",
    enforcedBy: [component(WORKLOAD, "--skip-jwt-bearer-tokens=true")],
    provenBy: [
      proof(UNIT, "AUTH-01 accepts only platform-issued tokens for this tenant's audience"),
      proof(UNIT, "AUTH-01 starts the auth-guard without fetching OIDC discovery through the public edge"),
      proof(PROGRAM, "AUTH-01 puts the auth-guard in every agent pod, checking tokens for that tenant's audience only"),
    ],
  },
  {
    control: "AUTH-02",
    enforcedBy: [component(WORKLOAD, "readOnlyRootFilesystem: true")],
    provenBy: [proof(UNIT, "AUTH-02 runs the auth-guard with a read-only root filesystem and every capability dropped")],
  },
  {
    control: "SEC-05",
    enforcedBy: [component(EGRESS, "secretName: VAULT_CONFIG.aiProviderSecretName"), component(WORKLOAD, "--cookie-secret-file=")],
    provenBy: [
      proof(PROGRAM, "SEC-05 syncs each tenant's provider key from its own Vault path into a Secret only its egress proxy mounts"),
      proof(PROGRAM, "SEC-05 passes no secret to any tenant container through its environment, so the trace session carries none"),
    ],
  },
  ...["NET-08", "NET-09"].map((control) => ({
    control,
    enforcedBy: [component("components/tenant/tenant.ts", "buildAgentIngressPolicy(ns)")],
    provenBy: [proof(PROGRAM, "NET-08 NET-09 give every agent the mesh entry point and admit only the platform API to it")],
  })),
  {
    control: "NET-07",
    enforcedBy: [component(EGRESS, "buildEgressProxyConfig")],
    provenBy: [proof(ENVOY, ENVOY_VALID), proof(ENVOY, ENVOY_STRICT)],
  },
  {
    control: "SEC-09",
    enforcedBy: [
      component(EGRESS, "providerVolumes()"),
      component(PROVIDER, "envoy.filters.http.credential_injector"),
      component(PROVIDER, "envoy.filters.http.header_mutation"),
      component(PROVIDER, "envoy.filters.http.local_ratelimit"),
      component("components/tenant/pki.ts", "buildTenantPki"),
      component("components/monitoring/rules.ts", "ProviderBudgetExhausted"),
    ],
    provenBy: [
      proof(CUSTODY, "SEC-09 no container of any agent pod can read its tenant's provider key"),
      proof(CUSTODY, "SEC-09 the egress proxy adds the key for its tenant's provider host only, stripping what the agent sends"),
      proof(CUSTODY, "SEC-09 the agent's SDK calls the proxy over TLS with a certificate from its tenant's own CA"),
      proof(CUSTODY, "SEC-09 every provider call is budgeted, size-capped and logged without headers or bodies"),
      proof(PROVIDER_UNIT, "SEC-09 adds each provider's key in the header that provider expects"),
      proof(PROVIDER_UNIT, "SEC-09 uses only Envoy extensions and fields of the pinned Envoy's v3 API"),
      proof(PROVIDER_UNIT, "SEC-09 gives each tenant its own CA chain, valid against cert-manager's published schemas"),
      proof(ENVOY, ENVOY_VALID),
      proof(ENVOY, ENVOY_STRICT),
      proof("components/monitoring/rules.test.ts", "SEC-09 alerts, per tenant namespace, when an egress proxy refuses provider calls over budget"),
      proof("components/monitoring/targets.test.ts", "SEC-09 scrapes every tenant's egress proxy on its metrics port, in tenant namespaces only"),
    ],
  },
  {
    control: "SEC-04",
    enforcedBy: [component("components/tenant/tenant.ts", "grantAgent(")],
    provenBy: [proof(PROGRAM, "SEC-04 gives each agent its own Vault identity and role once Vault is configured")],
  },
];
