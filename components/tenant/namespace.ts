import type * as k8s from "@pulumi/kubernetes";
import { TENANT_NAMESPACE_PREFIX } from "../../config/defaults";
import { parseQuantity } from "../../config/rules";
import type { TenantConfig } from "../../config/schema";
import { MESH_INJECTION_LABELS, TENANT_LABEL } from "../mesh/identities";
import { podSecurityLabels, standardLabels } from "../shared/labels";

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

export function tenantNamespaceName(tenantId: string): string {
  return `${TENANT_NAMESPACE_PREFIX}${tenantId}`;
}

/** ISO-01, CLU-03: one namespace per tenant, labelled with its id, Pod Security "restricted". */
export function buildTenantNamespace(tenant: TenantConfig): k8s.types.input.core.v1.Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: tenantNamespaceName(tenant.id),
      labels: {
        ...standardLabels(tenantNamespaceName(tenant.id), "tenant"),
        ...podSecurityLabels("restricted"),
        ...MESH_INJECTION_LABELS,
        [TENANT_LABEL]: tenant.id,
      },
    },
  };
}

/** What one pod of the tenant costs: its containers plus what the runtime adds (sidecar, sandbox). */
export interface PodBudget {
  containers: Resources[];
}

function sum(budgets: PodBudget[], kind: "requests" | "limits", resource: "cpu" | "memory"): number {
  return budgets.flatMap((b) => b.containers).reduce((total, c) => {
    const value = c[kind]?.[resource] ?? c.limits?.[resource];
    return total + (value ? parseQuantity(value)! : 0);
  }, 0);
}

const cpu = (cores: number) => `${Math.round(cores * 1000)}m`;
const memory = (bytes: number) => `${Math.ceil(bytes / 2 ** 20)}Mi`;

/**
 * ISO-04: the quota is the sum of what the tenant's own pods declare, so it fits them exactly and
 * leaves no room for anything else; no LoadBalancer or NodePort Service can be created.
 */
export function buildResourceQuota(namespace: string, tenant: TenantConfig, pods: PodBudget[]): k8s.types.input.core.v1.ResourceQuota {
  return {
    apiVersion: "v1",
    kind: "ResourceQuota",
    metadata: { name: "tenant-quota", namespace, labels: standardLabels("tenant-quota", "tenant") },
    spec: {
      hard: {
        "requests.cpu": cpu(sum(pods, "requests", "cpu")),
        "requests.memory": memory(sum(pods, "requests", "memory")),
        "limits.cpu": cpu(sum(pods, "limits", "cpu")),
        "limits.memory": memory(sum(pods, "limits", "memory")),
        pods: String(pods.length),
        persistentvolumeclaims: "1",
        "requests.storage": tenant.storage,
        "services.loadbalancers": "0",
        "services.nodeports": "0",
      },
    },
  };
}

/** ISO-05: defaults for any container that names no resources, and a ceiling per container and claim. */
export function buildLimitRange(namespace: string, tenant: TenantConfig, maxContainer: { cpu: string; memory: string }): k8s.types.input.core.v1.LimitRange {
  return {
    apiVersion: "v1",
    kind: "LimitRange",
    metadata: { name: "tenant-limits", namespace, labels: standardLabels("tenant-limits", "tenant") },
    spec: {
      limits: [
        {
          type: "Container",
          default: { cpu: "500m", memory: "512Mi" },
          defaultRequest: { cpu: "100m", memory: "128Mi" },
          max: maxContainer,
        },
        { type: "PersistentVolumeClaim", max: { storage: tenant.storage } },
      ],
    },
  };
}
