/**
 * Sample objects for the gator suites. Every suite starts from one pod that satisfies every
 * constraint at once, so each case changes exactly the field its policy is about.
 */
import { TENANT_NAMESPACE_PREFIX } from "../../config/defaults";
import { GATEKEEPER_NAMESPACE, SANDBOX_RUNTIME_CLASS, TENANT_LABEL } from "./defaults";

export type K8sObject = Record<string, any>;

export const TENANT_NS = `${TENANT_NAMESPACE_PREFIX}acme`;
/** A namespace of the platform that is neither a tenant's nor exempt: platform-wide rules apply. */
export const PLATFORM_NS = "platform-api";
export const EXEMPT_NS = "kube-system";

export function namespace(name: string): K8sObject {
  const labels: Record<string, string> = { "kubernetes.io/metadata.name": name };
  if (name.startsWith(TENANT_NAMESPACE_PREFIX)) labels[TENANT_LABEL] = name.slice(TENANT_NAMESPACE_PREFIX.length);
  return { apiVersion: "v1", kind: "Namespace", metadata: { name, labels } };
}

/** Where the platform's host agents run: exempt from named constraints for named workloads only. */
export const FALCO_NS = "falco";
export const ISTIO_NS = "istio-system";

export const KNOWN_NAMESPACES = [TENANT_NS, PLATFORM_NS, EXEMPT_NS, GATEKEEPER_NAMESPACE, FALCO_NS, ISTIO_NS];

export const hardenedContainer = (name: string, image: string): K8sObject => ({
  name,
  image,
  resources: { limits: { cpu: "1", memory: "2Gi" }, requests: { cpu: "250m", memory: "512Mi" } },
  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
});

/** A pod every constraint admits: the shape the tenant component must produce. */
export function compliantPod(ns = TENANT_NS): K8sObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "agent",
      namespace: ns,
      labels: { "app.kubernetes.io/name": "agent", "app.kubernetes.io/part-of": "agent-platform" },
    },
    spec: {
      runtimeClassName: SANDBOX_RUNTIME_CLASS,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
      initContainers: [hardenedContainer("init-workspace", "ghcr.io/acme/agent-init:1.4.2")],
      containers: [hardenedContainer("agent", "ghcr.io/acme/agent:1.4.2")],
    },
  };
}

/** A copy of the compliant pod changed by `edit`; keeps cases short and independent. */
export function pod(edit: (p: K8sObject) => void, ns = TENANT_NS): K8sObject {
  const p = compliantPod(ns);
  edit(p);
  return p;
}

/** The compliant pod relabelled and renamed as a platform workload's pod, e.g. Falco's. */
export function hostAgent(ns: string, labels: Record<string, string>, container: string, edit: (p: K8sObject) => void): K8sObject {
  return pod((p) => {
    p.metadata.labels = { ...p.metadata.labels, ...labels };
    p.spec.containers[0].name = container;
    delete p.spec.runtimeClassName;
    edit(p);
  }, ns);
}

export const agent = (p: K8sObject): K8sObject => p.spec.containers[0];
export const init = (p: K8sObject): K8sObject => p.spec.initContainers[0];

/** Wraps a pod's spec into a workload, the way a chart or the tenant component declares it. */
export function workload(kind: "Deployment" | "StatefulSet", p: K8sObject, labels?: Record<string, string>): K8sObject {
  return {
    apiVersion: "apps/v1",
    kind,
    metadata: { name: p.metadata.name, namespace: p.metadata.namespace, labels: labels ?? p.metadata.labels },
    spec: {
      replicas: 1,
      ...(kind === "StatefulSet" ? { serviceName: p.metadata.name } : {}),
      selector: { matchLabels: { "app.kubernetes.io/name": p.metadata.labels["app.kubernetes.io/name"] } },
      template: { metadata: { labels: p.metadata.labels }, spec: p.spec },
    },
  };
}
