import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  NAMESPACE,
  NETWORK_POLICY,
  TENANT_LABEL,
  TENANT_PREFIX_SCHEMA,
  configOf,
  describe,
  forTypes,
  isTenantNamespace,
  namespaceOf,
} from "./k8s";

const PREFIX_CONFIG = { properties: { tenantNamespacePrefix: TENANT_PREFIX_SCHEMA } };
type PrefixConfig = { tenantNamespacePrefix: string };

/** The tenant namespaces this stack declares, by name. */
export function tenantNamespaces(resources: PolicyResource[], prefix: string): PolicyResource[] {
  return resources.filter((r) => r.type === NAMESPACE && isTenantNamespace(r.props.metadata?.name, prefix));
}

function inNamespace(resources: PolicyResource[], type: string, namespace: string): PolicyResource[] {
  return resources.filter((r) => r.type === type && namespaceOf(r.props) === namespace);
}

export const tenantNamespaceLabelled: StackValidationPolicy = {
  name: "tenant-namespace-labelled",
  description: `ISO-01: each tenant has its own namespace tenant-<id>, labelled ${TENANT_LABEL}=<id>, and no two namespaces claim one tenant.`,
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateStack: (args, report) => {
    const { tenantNamespacePrefix: prefix } = configOf<PrefixConfig>(PREFIX_CONFIG, args);
    const owners = new Map<string, string[]>();
    for (const ns of args.resources.filter((r) => r.type === NAMESPACE)) {
      const name: string | undefined = ns.props.metadata?.name;
      const label: string | undefined = ns.props.metadata?.labels?.[TENANT_LABEL];
      if (isTenantNamespace(name, prefix)) {
        const id = name!.slice(prefix.length);
        if (label !== id) {
          report(`Namespace ${name} is labelled ${TENANT_LABEL}=${label ?? "(none)"}: label it ${TENANT_LABEL}=${id}.`, ns.urn);
        }
      } else if (label !== undefined) {
        report(`Namespace ${name} carries ${TENANT_LABEL}=${label} but is not named ${prefix}${label}: rename it or remove the label.`, ns.urn);
      }
      if (label !== undefined) owners.set(label, [...(owners.get(label) ?? []), name ?? "(unnamed)"]);
    }
    for (const [id, names] of owners) {
      if (names.length > 1) report(`Tenant ${id} has ${names.length} namespaces (${names.join(", ")}): give each tenant exactly one.`);
    }
  },
};

function emptySelector(selector: any): boolean {
  if (selector === undefined || selector === null) return false;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/** A NetworkPolicy that selects every pod and allows nothing in this direction. */
export function deniesAll(policy: any, direction: "Ingress" | "Egress"): boolean {
  const spec = policy?.spec ?? {};
  const rules = direction === "Ingress" ? spec.ingress : spec.egress;
  const types: string[] = spec.policyTypes ?? [];
  return emptySelector(spec.podSelector) && types.includes(direction) && (rules === undefined || rules.length === 0);
}

export const tenantDefaultDeny: StackValidationPolicy = {
  name: "tenant-default-deny",
  description: "ISO-02: every tenant namespace has a default-deny NetworkPolicy for both ingress and egress.",
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateStack: (args, report) => {
    const { tenantNamespacePrefix: prefix } = configOf<PrefixConfig>(PREFIX_CONFIG, args);
    for (const ns of tenantNamespaces(args.resources, prefix)) {
      const name = ns.props.metadata.name;
      const policies = inNamespace(args.resources, NETWORK_POLICY, name).map((p) => p.props);
      const missing = (["Ingress", "Egress"] as const).filter((d) => !policies.some((p) => deniesAll(p, d)));
      if (missing.length > 0) {
        report(
          `Namespace ${name} has no default-deny NetworkPolicy for ${missing.join(" and ")}: ` +
            `declare one with podSelector: {}, policyTypes: ["Ingress", "Egress"] and no rules.`,
          ns.urn,
        );
      }
    }
  },
};

/** Hard limits a tenant's quota must set; the service counts must be zero (ISO-04). */
export const QUOTA_LIMITS = ["limits.cpu", "limits.memory", "pods", "requests.storage"];
export const QUOTA_ZERO = ["services.loadbalancers", "services.nodeports"];

export const tenantResourceQuota: StackValidationPolicy = {
  name: "tenant-resource-quota",
  description: `ISO-04: every tenant namespace has a ResourceQuota bounding ${QUOTA_LIMITS.join(", ")} and setting ${QUOTA_ZERO.join(" and ")} to 0.`,
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateStack: (args, report) => {
    const { tenantNamespacePrefix: prefix } = configOf<PrefixConfig>(PREFIX_CONFIG, args);
    for (const ns of tenantNamespaces(args.resources, prefix)) {
      const name = ns.props.metadata.name;
      const quotas = inNamespace(args.resources, "kubernetes:core/v1:ResourceQuota", name);
      if (quotas.length === 0) {
        report(`Namespace ${name} has no ResourceQuota: declare one with hard ${[...QUOTA_LIMITS, ...QUOTA_ZERO].join(", ")}.`, ns.urn);
        continue;
      }
      const hard: Record<string, unknown> = Object.assign({}, ...quotas.map((q) => q.props.spec?.hard ?? {}));
      const unbounded = QUOTA_LIMITS.filter((key) => hard[key] === undefined);
      if (unbounded.length > 0) report(`Namespace ${name}'s ResourceQuota does not bound ${unbounded.join(", ")}: add them to spec.hard.`, ns.urn);
      const open = QUOTA_ZERO.filter((key) => String(hard[key]) !== "0");
      if (open.length > 0) report(`Namespace ${name}'s ResourceQuota allows ${open.join(" and ")}: set them to "0" in spec.hard.`, ns.urn);
    }
  },
};

const PSA_LEVELS = ["privileged", "baseline", "restricted"];

export const namespacePodSecurity: ResourceValidationPolicy = {
  name: "namespace-pod-security",
  description: "CLU-03: every namespace carries a Pod Security Admission enforce label; tenant namespaces enforce restricted.",
  enforcementLevel: "mandatory",
  configSchema: PREFIX_CONFIG,
  validateResource: forTypes([NAMESPACE], (props, args, report) => {
    const { tenantNamespacePrefix: prefix } = configOf<PrefixConfig>(PREFIX_CONFIG, args);
    const level = props.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
    if (!PSA_LEVELS.includes(level)) {
      report(`${describe(props)} has no valid pod-security.kubernetes.io/enforce label: set it to restricted (or baseline/privileged with a reason).`);
    } else if (isTenantNamespace(props.metadata?.name, prefix) && level !== "restricted") {
      report(`${describe(props)} enforces ${level}: tenant namespaces must set pod-security.kubernetes.io/enforce to restricted.`);
    }
  }),
};

const VOLUME_CONFIG = {
  properties: {
    tenantNamespacePrefix: TENANT_PREFIX_SCHEMA,
    externalEncryptedStorageClasses: {
      type: "array" as const,
      items: { type: "string" as const },
      // The platform stack's encrypted class (components/cluster/defaults.ts STORAGE_CLASS_NAME),
      // which this same policy proves KMS-encrypted where the platform stack declares it.
      default: ["gp3-encrypted"] as string[],
      description:
        "Encrypted StorageClasses declared by another stack, trusted only in a stack that reads one through a StackReference (a tenants shard and its platform stack).",
    },
  },
};

function encryptedClass(storageClass: any): boolean {
  const parameters = storageClass?.parameters ?? {};
  return String(parameters.encrypted) === "true" && typeof parameters.kmsKeyId === "string" && parameters.kmsKeyId !== "";
}

export const tenantVolumesEncrypted: StackValidationPolicy = {
  name: "tenant-volumes-encrypted",
  description: "ISO-13: every persistent volume of a tenant names a StorageClass that encrypts with a KMS key.",
  enforcementLevel: "mandatory",
  configSchema: VOLUME_CONFIG,
  validateStack: (args, report) => {
    const config = configOf<PrefixConfig & { externalEncryptedStorageClasses: string[] }>(VOLUME_CONFIG, args);
    const classes = new Map(
      args.resources.filter((r) => r.type === "kubernetes:storage.k8s.io/v1:StorageClass").map((r) => [r.props.metadata?.name, r.props]),
    );
    // A class declared elsewhere is trusted only where another stack's outputs are read.
    const readsAnotherStack = args.resources.some((r) => r.type === "pulumi:pulumi:StackReference");
    const claims: { owner: PolicyResource; claim: any }[] = [];
    for (const r of args.resources.filter((r) => isTenantNamespace(namespaceOf(r.props), config.tenantNamespacePrefix))) {
      if (r.type === "kubernetes:core/v1:PersistentVolumeClaim") claims.push({ owner: r, claim: r.props });
      if (r.type === "kubernetes:apps/v1:StatefulSet") {
        for (const claim of (r.props.spec?.volumeClaimTemplates ?? []) as any[]) claims.push({ owner: r, claim });
      }
    }
    for (const { owner, claim } of claims) {
      const where = `${describe(owner.props)} volume claim "${claim.metadata?.name ?? "(unnamed)"}"`;
      const className: string | undefined = claim.spec?.storageClassName;
      if (!className) {
        report(`${where} uses the default StorageClass: name an encrypted one in spec.storageClassName.`, owner.urn);
      } else if (classes.has(className)) {
        if (!encryptedClass(classes.get(className))) {
          report(`${where} uses StorageClass ${className}, which is not KMS-encrypted: set parameters.encrypted "true" and parameters.kmsKeyId.`, owner.urn);
        }
      } else if (!(readsAnotherStack && config.externalEncryptedStorageClasses.includes(className))) {
        report(`${where} uses StorageClass ${className}, not declared here: declare it encrypted or list it in externalEncryptedStorageClasses.`, owner.urn);
      }
    }
  },
};

export const TENANT_POLICIES = [tenantNamespaceLabelled, tenantDefaultDeny, tenantResourceQuota, namespacePodSecurity, tenantVolumesEncrypted];
