import { PolicyConfigSchema, ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";

/**
 * Shared reading of Kubernetes objects as the Kubernetes provider receives them: resource inputs
 * are the manifest itself (`apiVersion`, `kind`, `metadata`, `spec`).
 */

export const TENANT_LABEL = "agent-platform.io/tenant";
export const WORKLOAD_LABEL = "agent-platform.io/workload";

export const NAMESPACE = "kubernetes:core/v1:Namespace";
export const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
export const SERVICE = "kubernetes:core/v1:Service";
export const SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount";
export const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";
export const SECRET = "kubernetes:core/v1:Secret";
export const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** Where each workload type keeps its pod template. */
const POD_SPEC: Record<string, (props: any) => any> = {
  "kubernetes:core/v1:Pod": (p) => p.spec,
  "kubernetes:apps/v1:Deployment": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:StatefulSet": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:DaemonSet": (p) => p.spec?.template?.spec,
  "kubernetes:apps/v1:ReplicaSet": (p) => p.spec?.template?.spec,
  "kubernetes:batch/v1:Job": (p) => p.spec?.template?.spec,
  "kubernetes:batch/v1:CronJob": (p) => p.spec?.jobTemplate?.spec?.template?.spec,
};

export const POD_TYPES = Object.keys(POD_SPEC);

export function podSpecOf(type: string, props: any): any | undefined {
  return POD_SPEC[type]?.(props);
}

/** Labels of the pods a workload creates (a bare Pod is its own template). */
export function podLabelsOf(type: string, props: any): Record<string, string> {
  if (type === "kubernetes:core/v1:Pod") return props.metadata?.labels ?? {};
  if (type === "kubernetes:batch/v1:CronJob") return props.spec?.jobTemplate?.spec?.template?.metadata?.labels ?? {};
  return props.spec?.template?.metadata?.labels ?? {};
}

export interface ContainerRef {
  container: any;
  field: "containers" | "initContainers" | "ephemeralContainers";
}

/** Every container that runs in the pod: init and ephemeral ones can escape just as well. */
export function containersOf(spec: any): ContainerRef[] {
  const fields: ContainerRef["field"][] = ["containers", "initContainers", "ephemeralContainers"];
  return fields.flatMap((field) => ((spec?.[field] ?? []) as any[]).map((container) => ({ container, field })));
}

export function namespaceOf(props: any): string | undefined {
  return props?.metadata?.namespace;
}

/** `Kind namespace/name`, the way an operator finds the object with kubectl. */
export function describe(props: any): string {
  const ns = namespaceOf(props);
  const name = props?.metadata?.name ?? "(unnamed)";
  return `${props?.kind ?? "Object"} ${ns ? `${ns}/` : ""}${name}`;
}

export function containerLabel(ref: ContainerRef): string {
  const kind = ref.field === "containers" ? "container" : ref.field === "initContainers" ? "init container" : "ephemeral container";
  return `${kind} "${ref.container?.name ?? "(unnamed)"}"`;
}

export const TENANT_PREFIX_SCHEMA = {
  type: "string" as const,
  default: "tenant-",
  description: "Namespaces whose name starts with this prefix hold one tenant each.",
};

export function isTenantNamespace(namespace: string | undefined, prefix: string): boolean {
  return typeof namespace === "string" && namespace.startsWith(prefix) && namespace.length > prefix.length;
}

/**
 * Policy configuration with the schema's defaults underneath: the CLI fills defaults before the
 * pack runs, but a policy must not depend on that to stay safe.
 */
export function configOf<T extends object>(schema: PolicyConfigSchema, args: { getConfig<C extends object>(): C }): T {
  const defaults = Object.fromEntries(
    Object.entries(schema.properties)
      .filter(([, property]) => typeof property === "object" && property !== null && "default" in property)
      .map(([key, property]) => [key, (property as { default: unknown }).default]),
  );
  return { ...defaults, ...args.getConfig<object>() } as T;
}

/** A validation for the listed resource types only; any other type is reported as not applicable. */
export function forTypes(
  types: string[],
  validate: (props: any, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    if (!types.includes(args.type)) args.notApplicable(`applies only to ${types.join(", ")}`);
    validate(args.props, args, report);
  };
}

/** A validation of every pod template, with its spec; other types are not applicable. */
export function forPods(
  validate: (spec: any, props: any, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return forTypes(POD_TYPES, (props, args, report) => {
    const spec = podSpecOf(args.type, props);
    if (spec) validate(spec, props, args, report);
  });
}

/** Whether a label selector's matchLabels select pods carrying these labels (expressions unsupported). */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  if (Array.isArray(selector.matchExpressions) && selector.matchExpressions.length > 0) return false;
  const wanted = Object.entries((selector.matchLabels ?? {}) as Record<string, string>);
  return wanted.every(([key, value]) => labels[key] === value);
}
