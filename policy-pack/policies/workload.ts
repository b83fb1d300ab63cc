import { ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, containerLabel, containersOf, describe, forPods, forTypes, namespaceOf } from "./k8s";

/** Capabilities that open a path out of the container (ISO-07); dropping ALL covers them. */
export const DANGEROUS_CAPABILITIES = ["SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "MKNOD", "SYS_MODULE"];

const EXEMPT_NAMESPACES = {
  type: "array" as const,
  items: { type: "string" as const },
  default: [] as string[],
  description: "Namespaces whose workloads are exempt, e.g. a node agent that must see the host.",
};

export const seccompRuntimeDefault: ResourceValidationPolicy = {
  name: "pod-seccomp-runtime-default",
  description: "ISO-06: every container runs under the RuntimeDefault (or a Localhost) seccomp profile.",
  enforcementLevel: "mandatory",
  validateResource: forPods((spec, props, _args, report) => {
    const podProfile = spec.securityContext?.seccompProfile?.type;
    for (const ref of containersOf(spec)) {
      const profile = ref.container.securityContext?.seccompProfile?.type ?? podProfile;
      if (profile !== "RuntimeDefault" && profile !== "Localhost") {
        report(
          `${describe(props)} ${containerLabel(ref)} runs with seccomp profile ${profile ?? "unset (Unconfined)"}: ` +
            `set securityContext.seccompProfile.type to RuntimeDefault on the pod or the container.`,
        );
      }
    }
  }),
};

export const dropCapabilities: ResourceValidationPolicy = {
  name: "container-drop-capabilities",
  description: `ISO-07: every container drops ALL capabilities (or at least ${DANGEROUS_CAPABILITIES.join(", ")}) and adds none of them back.`,
  enforcementLevel: "mandatory",
  validateResource: forPods((spec, props, _args, report) => {
    for (const ref of containersOf(spec)) {
      const caps = ref.container.securityContext?.capabilities ?? {};
      const drop: string[] = caps.drop ?? [];
      const add: string[] = caps.add ?? [];
      const missing = drop.includes("ALL") ? [] : DANGEROUS_CAPABILITIES.filter((c) => !drop.includes(c));
      if (missing.length > 0) {
        report(`${describe(props)} ${containerLabel(ref)} keeps ${missing.join(", ")}: set securityContext.capabilities.drop to ["ALL"].`);
      }
      const added = add.filter((c) => c === "ALL" || DANGEROUS_CAPABILITIES.includes(c));
      if (added.length > 0) {
        report(`${describe(props)} ${containerLabel(ref)} adds ${added.join(", ")}: remove them from securityContext.capabilities.add.`);
      }
    }
  }),
};

export const noPrivilegeEscalation: ResourceValidationPolicy = {
  name: "no-privilege-escalation",
  description: "ISO-08: every container sets allowPrivilegeEscalation: false.",
  enforcementLevel: "mandatory",
  validateResource: forPods((spec, props, _args, report) => {
    for (const ref of containersOf(spec)) {
      if (ref.container.securityContext?.allowPrivilegeEscalation !== false) {
        report(`${describe(props)} ${containerLabel(ref)} may escalate privileges: set securityContext.allowPrivilegeEscalation to false.`);
      }
    }
  }),
};

const NON_ROOT_CONFIG = {
  properties: {
    sandboxRuntimeClass: {
      type: "string" as const,
      default: "gvisor",
      description: "The RuntimeClass under which root inside a user namespace (hostUsers: false) is allowed.",
    },
  },
};

export const runAsNonRoot: ResourceValidationPolicy = {
  name: "run-as-non-root",
  description:
    "ISO-11, ADM-04: every container runs as non-root; root is allowed only inside a user namespace (hostUsers: false) in the gVisor sandbox.",
  enforcementLevel: "mandatory",
  configSchema: NON_ROOT_CONFIG,
  validateResource: forPods((spec, props, args, report) => {
    const { sandboxRuntimeClass } = configOf<{ sandboxRuntimeClass: string }>(NON_ROOT_CONFIG, args);
    // ISO-11's exception: uid 0 in a user namespace under gVisor is not root on the node.
    if (spec.hostUsers === false && spec.runtimeClassName === sandboxRuntimeClass) return;
    const pod = spec.securityContext ?? {};
    for (const ref of containersOf(spec)) {
      const own = ref.container.securityContext ?? {};
      const nonRoot = own.runAsNonRoot ?? pod.runAsNonRoot;
      const uid = own.runAsUser ?? pod.runAsUser;
      if (nonRoot !== true) {
        report(
          `${describe(props)} ${containerLabel(ref)} may run as root: set securityContext.runAsNonRoot to true ` +
            `(or hostUsers: false with runtimeClassName ${sandboxRuntimeClass}).`,
        );
      } else if (uid === 0) {
        report(`${describe(props)} ${containerLabel(ref)} sets runAsUser 0 with runAsNonRoot: set runAsUser to a non-zero uid.`);
      }
    }
  }),
};

export const containerLimits: ResourceValidationPolicy = {
  name: "container-resource-limits",
  description: "ISO-12, ADM-03: every container has CPU and memory limits.",
  enforcementLevel: "mandatory",
  validateResource: forPods((spec, props, _args, report) => {
    // Ephemeral containers cannot carry resources; the pod's other limits bound them.
    for (const ref of containersOf(spec).filter((r) => r.field !== "ephemeralContainers")) {
      const limits = ref.container.resources?.limits ?? {};
      const missing = ["cpu", "memory"].filter((r) => limits[r] === undefined || limits[r] === null || limits[r] === "");
      if (missing.length > 0) {
        report(`${describe(props)} ${containerLabel(ref)} has no ${missing.join(" or ")} limit: set resources.limits.${missing.join(" and resources.limits.")}.`);
      }
    }
  }),
};

const EXEMPT_CONFIG = { properties: { exemptNamespaces: EXEMPT_NAMESPACES } };

export const noPrivileged: ResourceValidationPolicy = {
  name: "no-privileged-containers",
  description: "ADM-02, ISO-14: no container runs privileged.",
  enforcementLevel: "mandatory",
  configSchema: EXEMPT_CONFIG,
  validateResource: forPods((spec, props, args, report) => {
    const { exemptNamespaces } = configOf<{ exemptNamespaces: string[] }>(EXEMPT_CONFIG, args);
    if (exemptNamespaces.includes(namespaceOf(props) ?? "")) return;
    for (const ref of containersOf(spec)) {
      if (ref.container.securityContext?.privileged === true) {
        report(`${describe(props)} ${containerLabel(ref)} is privileged: remove securityContext.privileged or set it to false.`);
      }
    }
  }),
};

const HOST_ACCESS_CONFIG = {
  properties: {
    exemptNamespaces: EXEMPT_NAMESPACES,
    allowedHostPaths: {
      type: "array" as const,
      items: { type: "string" as const },
      // RUN-08: runsc and the gVisor monitor meet on a Unix socket in this directory, and only there.
      default: ["falco:/run/agent-platform"],
      description: "namespace:path pairs whose exact hostPath directory a pod there may mount, e.g. a node-local socket directory.",
    },
  },
};

export const noHostAccess: ResourceValidationPolicy = {
  name: "no-host-access",
  description: "ISO-14: no pod shares the host's network, PID or IPC namespace, mounts a hostPath or binds a hostPort.",
  enforcementLevel: "mandatory",
  configSchema: HOST_ACCESS_CONFIG,
  validateResource: forPods((spec, props, args, report) => {
    const config = configOf<{ exemptNamespaces: string[]; allowedHostPaths: string[] }>(HOST_ACCESS_CONFIG, args);
    const namespace = namespaceOf(props) ?? "";
    if (config.exemptNamespaces.includes(namespace)) return;
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (spec[field] === true) report(`${describe(props)} sets ${field}: remove it; tenant pods must not share host namespaces.`);
    }
    for (const volume of (spec.volumes ?? []) as any[]) {
      if (volume?.hostPath && !config.allowedHostPaths.includes(`${namespace}:${volume.hostPath.path}`)) {
        report(`${describe(props)} mounts hostPath ${volume.hostPath.path ?? ""} as volume "${volume.name}": use an emptyDir or a PersistentVolumeClaim.`);
      }
    }
    for (const ref of containersOf(spec)) {
      for (const port of (ref.container.ports ?? []) as any[]) {
        if (port?.hostPort) report(`${describe(props)} ${containerLabel(ref)} binds hostPort ${port.hostPort}: remove hostPort and expose it through a Service.`);
      }
    }
  }),
};

const LABELS_CONFIG = {
  properties: {
    requiredLabels: {
      type: "array" as const,
      items: { type: "string" as const },
      default: ["app.kubernetes.io/name", "app.kubernetes.io/part-of"],
      description: "Labels every Deployment, StatefulSet and DaemonSet must carry.",
    },
  },
};

export const requiredLabels: ResourceValidationPolicy = {
  name: "workload-required-labels",
  description: "ADM-01: Deployments (and StatefulSets, DaemonSets) carry app.kubernetes.io/name and app.kubernetes.io/part-of.",
  enforcementLevel: "mandatory",
  configSchema: LABELS_CONFIG,
  validateResource: forTypes(
    ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"],
    (props, args, report) => {
      const { requiredLabels: wanted } = configOf<{ requiredLabels: string[] }>(LABELS_CONFIG, args);
      const labels = props.metadata?.labels ?? {};
      const missing = wanted.filter((label) => typeof labels[label] !== "string" || labels[label] === "");
      if (missing.length > 0) report(`${describe(props)} lacks label(s) ${missing.join(", ")}: add them to metadata.labels.`);
    },
  ),
};

/** The tag an image reference runs: undefined when pinned by digest, "latest" when none is given. */
export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return undefined;
  const last = image.slice(image.lastIndexOf("/") + 1);
  const colon = last.indexOf(":");
  return colon === -1 ? "latest" : last.slice(colon + 1);
}

export const noLatestTag: ResourceValidationPolicy = {
  name: "image-tag-not-latest",
  description:
    "ADM-05: images are pinned to a tag other than latest, or a digest. Advisory by default; set this policy's enforcementLevel to mandatory to deny.",
  enforcementLevel: "advisory",
  validateResource: forPods((spec, props, _args, report) => {
    for (const ref of containersOf(spec)) {
      const image = ref.container.image;
      if (typeof image !== "string") continue;
      if (imageTag(image) === "latest") {
        report(`${describe(props)} ${containerLabel(ref)} runs ${image}, which floats on :latest: pin a version tag or a digest.`);
      }
    }
  }),
};

export const WORKLOAD_POLICIES = [
  seccompRuntimeDefault,
  dropCapabilities,
  noPrivilegeEscalation,
  runAsNonRoot,
  containerLimits,
  noPrivileged,
  noHostAccess,
  requiredLabels,
  noLatestTag,
];
