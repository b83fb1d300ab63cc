import type * as k8s from "@pulumi/kubernetes";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type SecurityContext = k8s.types.input.core.v1.SecurityContext;
type EnvVar = k8s.types.input.core.v1.EnvVar;

/**
 * Every container of a tenant: no privilege escalation (ISO-08), all capabilities dropped (ISO-07),
 * the runtime's default seccomp profile (ISO-06), never root (ISO-11).
 */
export function hardenedContainerSecurity(): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/**
 * What every pod of a tenant shares: the gVisor sandbox (ISO-10), no Kubernetes API token (ISO-09),
 * no host namespaces (ISO-14), no cluster DNS and no service discovery (NET-01, NET-02). The one
 * nameserver is the egress proxy's public resolver, or NO_RESOLVER for the agent.
 */
export function sandboxedPodBasics(runtimeClassName: string, uid: number, nameserver: string): Partial<PodSpec> {
  return {
    runtimeClassName,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    hostNetwork: false,
    hostPID: false,
    hostIPC: false,
    dnsPolicy: "None",
    dnsConfig: { nameservers: [nameserver], searches: [], options: [{ name: "ndots", value: "1" }] },
    securityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
      fsGroup: uid,
      seccompProfile: { type: "RuntimeDefault" },
    },
  };
}

/**
 * RUN-08: the gVisor monitor learns which pod, namespace and container a sandboxed process
 * belongs to from the environment its container started with (the trace session sends it); the
 * Istio sidecar sets POD_NAME and POD_NAMESPACE itself.
 */
export function monitorAttributionEnv(container: string, image: string): EnvVar[] {
  return [
    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
    { name: "AGENT_PLATFORM_CONTAINER", value: container },
    { name: "AGENT_PLATFORM_IMAGE", value: image },
  ];
}
