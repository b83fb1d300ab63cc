import type { TenantLifecycle } from "../../config/defaults";

/*
 * What each lifecycle keeps of a tenant (docs/decisions/tenant-lifecycle.md). Suspended: every
 * resource, the agent and its egress proxy at zero replicas. Deleted: the namespace and the
 * workspace, retained. Purging: the same, no longer retained, so that removing the tenant then
 * deletes them.
 */

/** Agent and egress proxy replicas: one while active, none otherwise. */
export function tenantReplicas(lifecycle: TenantLifecycle): number {
  return lifecycle === "active" ? 1 : 0;
}

/** Whether the tenant keeps its workloads, identity and key (active or suspended). */
export function runsWorkloads(lifecycle: TenantLifecycle): boolean {
  return lifecycle === "active" || lifecycle === "suspended";
}

/** Whether the namespace and workspace outlive their removal from the stack: all but a purge. */
export function keepsData(lifecycle: TenantLifecycle): boolean {
  return lifecycle !== "purging";
}
