import { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  POD_TYPES,
  SERVICE_ACCOUNT,
  TENANT_PREFIX_SCHEMA,
  WORKLOAD_LABEL,
  configOf,
  containerLabel,
  containersOf,
  describe,
  forPods,
  forTypes,
  isTenantNamespace,
  namespaceOf,
  podLabelsOf,
  podSpecOf,
} from "./k8s";

type Check = (spec: any, props: any, args: ResourceValidationArgs, report: ReportViolation) => void;

/** A pod check that applies only inside tenant namespaces, where agents run. */
function forTenantPods(schema: { properties: Record<string, any> }, check: Check) {
  return forPods((spec, props, args, report) => {
    const { tenantNamespacePrefix } = configOf<{ tenantNamespacePrefix: string }>(schema, args);
    if (!isTenantNamespace(namespaceOf(props), tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
    check(spec, props, args, report);
  });
}

const PREFIX_CONFIG = { properties: { tenantNamespacePrefix: TENANT_PREFIX_SCHEMA } };

export const noServiceAccountToken: ResourceValidationPolicy = {
  name: "tenant-no-service-account-token",
  description: "ISO-09: no tenant pod or service account mounts a Kubernetes API token, so agents cannot reach the API.",
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateResource: [
    forTenantPods(PREFIX_CONFIG, (spec, props, _args, report) => {
      if (spec.automountServiceAccountToken !== false) {
        report(`${describe(props)} may mount a service account token: set automountServiceAccountToken: false in the pod spec.`);
      }
      for (const volume of (spec.volumes ?? []) as any[]) {
        if ((volume?.projected?.sources ?? []).some((s: any) => s?.serviceAccountToken)) {
          report(`${describe(props)} projects a service account token in volume "${volume.name}": remove the serviceAccountToken source.`);
        }
      }
    }),
    forTypes([SERVICE_ACCOUNT], (props, args, report) => {
      const { tenantNamespacePrefix } = configOf<{ tenantNamespacePrefix: string }>(PREFIX_CONFIG, args);
      if (!isTenantNamespace(namespaceOf(props), tenantNamespacePrefix)) args.notApplicable("not in a tenant namespace");
      if (props.automountServiceAccountToken !== false) {
        report(`${describe(props)} lets pods mount its token: set automountServiceAccountToken: false.`);
      }
    }),
  ],
};

const SANDBOX_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    runtimeClassName: { type: "string" as const, default: "gvisor", description: "The gVisor RuntimeClass." },
    sandboxNodeLabel: {
      type: "string" as const,
      default: "agent-platform.io/sandbox",
      description: "Label (and taint key) of the dedicated sandbox nodes.",
    },
  },
};
type SandboxConfig = { tenantNamespacePrefix: string; runtimeClassName: string; sandboxNodeLabel: string };

export const gvisorSandbox: ResourceValidationPolicy = {
  name: "tenant-gvisor-sandbox",
  description: "ISO-10: tenant pods run in the gVisor RuntimeClass, which schedules only onto dedicated, tainted sandbox nodes.",
  enforcementLevel: "mandatory",
  configSchema: SANDBOX_CONFIG,
  validateResource: [
    forTenantPods(SANDBOX_CONFIG, (spec, props, args, report) => {
      const { runtimeClassName } = configOf<SandboxConfig>(SANDBOX_CONFIG, args);
      if (spec.runtimeClassName !== runtimeClassName) {
        report(`${describe(props)} runs with runtimeClassName ${spec.runtimeClassName ?? "(none)"}: set runtimeClassName: ${runtimeClassName}.`);
      }
    }),
    forTypes(["kubernetes:node.k8s.io/v1:RuntimeClass"], (props, args, report) => {
      const { runtimeClassName } = configOf<SandboxConfig>(SANDBOX_CONFIG, args);
      if (props.metadata?.name !== runtimeClassName) args.notApplicable("not the sandbox RuntimeClass");
      const scheduling = props.scheduling ?? {};
      if (Object.keys(scheduling.nodeSelector ?? {}).length === 0 || (scheduling.tolerations ?? []).length === 0) {
        report(`RuntimeClass ${runtimeClassName} does not pin pods to the sandbox nodes: set scheduling.nodeSelector and scheduling.tolerations.`);
      }
    }),
    forTypes(["aws:eks/nodeGroup:NodeGroup"], (props, args, report) => {
      const { sandboxNodeLabel } = configOf<SandboxConfig>(SANDBOX_CONFIG, args);
      if (props.labels?.[sandboxNodeLabel] === undefined) args.notApplicable("not a sandbox node group");
      const tainted = ((props.taints ?? []) as any[]).some((t) => t?.key === sandboxNodeLabel && t?.effect === "NO_SCHEDULE");
      if (!tainted) {
        report(`Node group ${props.nodeGroupName ?? args.name} carries ${sandboxNodeLabel} but no NO_SCHEDULE taint on it: add the taint so only sandboxed pods land there.`);
      }
    }),
  ],
};

const DNS_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    nameservers: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["1.1.1.1"],
      description: "The only resolvers tenant pods may use; loopback (nothing listens there) means a pod resolves nothing.",
    },
  },
};

const LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export const externalDnsOnly: ResourceValidationPolicy = {
  name: "tenant-external-dns-only",
  description: "NET-01: tenant pods resolve names only through the external resolver (1.1.1.1), or not at all (loopback), never cluster DNS.",
  enforcementLevel: "mandatory",
  configSchema: DNS_CONFIG,
  validateResource: forTenantPods(DNS_CONFIG, (spec, props, args, report) => {
    const { nameservers } = configOf<{ nameservers: string[] }>(DNS_CONFIG, args);
    const servers: string[] = spec.dnsConfig?.nameservers ?? [];
    if (spec.dnsPolicy !== "None") {
      report(`${describe(props)} uses dnsPolicy ${spec.dnsPolicy ?? "ClusterFirst"}: set dnsPolicy: None with dnsConfig.nameservers [${nameservers.join(", ")}].`);
    }
    // Agents have no DNS egress: their resolv.conf names loopback so a lookup fails at once.
    const foreign = servers.filter((s) => !nameservers.includes(s) && !LOOPBACK.test(s));
    if (servers.length === 0 || foreign.length > 0) {
      report(`${describe(props)} resolves through [${servers.join(", ")}]: set dnsConfig.nameservers to [${nameservers.join(", ")}], or to 127.0.0.1 for a pod that resolves nothing.`);
    }
  }),
};

const CLUSTER_NAME = /\.svc(\.cluster\.local)?(?![\w-])/;

export const noServiceDiscovery: ResourceValidationPolicy = {
  name: "tenant-no-service-discovery",
  description: "NET-02: tenant pods get no Kubernetes service discovery: no search domains, no service links, no *.svc names.",
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateResource: forTenantPods(PREFIX_CONFIG, (spec, props, _args, report) => {
    const searches: string[] = spec.dnsConfig?.searches ?? [];
    if (searches.length > 0) report(`${describe(props)} has DNS search domains ${searches.join(", ")}: set dnsConfig.searches to [].`);
    if (spec.enableServiceLinks !== false) {
      report(`${describe(props)} receives service environment variables: set enableServiceLinks: false.`);
    }
    for (const ref of containersOf(spec)) {
      const texts = [...(ref.container.args ?? []), ...(ref.container.command ?? []), ...(ref.container.env ?? []).map((e: any) => e?.value)];
      const hit = texts.find((t) => typeof t === "string" && CLUSTER_NAME.test(t));
      if (hit) report(`${describe(props)} ${containerLabel(ref)} names a cluster service (${hit}): reach platform services through their public endpoint.`);
    }
  }),
};

const AGENT_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    agentWorkload: { type: "string" as const, default: "agent", description: `Value of ${WORKLOAD_LABEL} on agent pods.` },
    authGuardContainer: { type: "string" as const, default: "auth-guard", description: "Name of the auth-guard sidecar." },
  },
};
type AgentConfig = { tenantNamespacePrefix: string; agentWorkload: string; authGuardContainer: string };

const LOOPBACK_UPSTREAM = /^--upstream=https?:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/;

export const authGuardFronts: ResourceValidationPolicy = {
  name: "agent-auth-guard",
  description: "AUTH-01: every agent pod runs the auth-guard proxy, which forwards validated requests to the gateway on loopback only.",
  enforcementLevel: "mandatory",
  configSchema: AGENT_CONFIG,
  validateResource: forTenantPods(AGENT_CONFIG, (spec, props, args, report) => {
    const config = configOf<AgentConfig>(AGENT_CONFIG, args);
    if (podLabelsOf(args.type, props)[WORKLOAD_LABEL] !== config.agentWorkload) args.notApplicable("not an agent pod");
    const guard = (spec.containers ?? []).find((c: any) => c?.name === config.authGuardContainer);
    if (!guard) {
      report(`${describe(props)} has no ${config.authGuardContainer} container: run the auth-guard in front of the gateway.`);
    } else if (!(guard.args ?? []).some((a: unknown) => typeof a === "string" && LOOPBACK_UPSTREAM.test(a))) {
      report(`${describe(props)} container "${config.authGuardContainer}" has no loopback --upstream: point it at http://127.0.0.1:<gateway port>/.`);
    }
  }),
};

export const authGuardHardened: ResourceValidationPolicy = {
  name: "auth-guard-hardened",
  description: "AUTH-02: the auth-guard container has a read-only root filesystem and drops ALL capabilities.",
  enforcementLevel: "mandatory",
  configSchema: AGENT_CONFIG,
  validateResource: forPods((spec, props, args, report) => {
    const { authGuardContainer } = configOf<AgentConfig>(AGENT_CONFIG, args);
    const guard = containersOf(spec).find((ref) => ref.container?.name === authGuardContainer);
    if (!guard) args.notApplicable("no auth-guard container");
    const security = guard!.container.securityContext ?? {};
    if (security.readOnlyRootFilesystem !== true) {
      report(`${describe(props)} container "${authGuardContainer}" has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true.`);
    }
    if (!(security.capabilities?.drop ?? []).includes("ALL") || (security.capabilities?.add ?? []).length > 0) {
      report(`${describe(props)} container "${authGuardContainer}" keeps capabilities: set securityContext.capabilities to { drop: ["ALL"] } with no add.`);
    }
  }),
};

const CREDENTIAL_ENV = /(API_?KEY|TOKEN|SECRET|PASSWORD)$/i;
const VAULT_STATIC_SECRET = "kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret";
const CERTIFICATE = "kubernetes:cert-manager.io/v1:Certificate";
const SECRET_TYPE = "kubernetes:core/v1:Secret";

/** The Secrets a pod spec mounts as files: secret volumes and secret sources of projected volumes. */
function mountedSecrets(spec: any): { volume: string; secret: string }[] {
  return ((spec?.volumes ?? []) as any[]).flatMap((v) => [
    ...(v?.secret?.secretName ? [{ volume: v.name, secret: v.secret.secretName }] : []),
    ...((v?.projected?.sources ?? []) as any[]).filter((s) => s?.secret?.name).map((s) => ({ volume: v.name, secret: s.secret.name })),
  ]);
}

export const aiKeysFromVault: StackValidationPolicy = {
  name: "tenant-ai-keys-from-vault",
  description:
    "SEC-05: credentials reach tenant containers only as read-only files from Kubernetes Secrets, never through the environment (the gVisor trace session streams it to the node monitor), and every Secret a tenant pod mounts is synced from Vault, issued by the tenant's own cert-manager Issuer, or declared by this stack.",
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateStack: (args, report) => {
    const { tenantNamespacePrefix } = configOf<{ tenantNamespacePrefix: string }>(PREFIX_CONFIG, args);
    for (const r of args.resources.filter((r) => POD_TYPES.includes(r.type) && isTenantNamespace(namespaceOf(r.props), tenantNamespacePrefix))) {
      const namespace = namespaceOf(r.props)!;
      const known = new Set([
        ...args.resources.filter((s) => s.type === VAULT_STATIC_SECRET && namespaceOf(s.props) === namespace).map((s) => s.props.spec?.destination?.name),
        ...args.resources.filter((s) => s.type === SECRET_TYPE && namespaceOf(s.props) === namespace).map((s) => s.props.metadata?.name),
        // Certificates of the tenant's own Issuer (SEC-09): the proxy's serving certificate and its CA.
        ...args.resources
          .filter((s) => s.type === CERTIFICATE && namespaceOf(s.props) === namespace && s.props.spec?.issuerRef?.kind === "Issuer")
          .map((s) => s.props.spec?.secretName),
      ]);
      const spec = podSpecOf(r.type, r.props);
      for (const ref of containersOf(spec)) {
        const where = `${describe(r.props)} ${containerLabel(ref)}`;
        for (const env of (ref.container.env ?? []) as any[]) {
          const secretName = env?.valueFrom?.secretKeyRef?.name;
          if (secretName) {
            report(`${where} env ${env.name} reads Secret ${secretName}: mount it as a read-only file instead; the environment reaches the sandbox's trace session.`, r.urn);
          } else if (typeof env?.name === "string" && CREDENTIAL_ENV.test(env.name)) {
            report(`${where} env ${env.name} carries a credential outside any Secret: keep it in Vault and mount it from a Secret as a file.`, r.urn);
          }
        }
        for (const from of (ref.container.envFrom ?? []) as any[]) {
          if (from?.secretRef?.name) {
            report(`${where} envFrom reads Secret ${from.secretRef.name}: mount it as a read-only file instead; the environment reaches the sandbox's trace session.`, r.urn);
          }
        }
      }
      for (const { volume, secret } of mountedSecrets(spec)) {
        if (!known.has(secret)) {
          report(
            `${describe(r.props)} volume ${volume} mounts Secret ${secret}, which no VaultStaticSecret or tenant Certificate in ${namespace} writes and this stack does not declare: sync it from Vault.`,
            r.urn,
          );
        }
      }
    }
  },
};

export const AGENT_POLICIES = [
  noServiceAccountToken,
  gvisorSandbox,
  externalDnsOnly,
  noServiceDiscovery,
  authGuardFronts,
  authGuardHardened,
  aiKeysFromVault,
];
