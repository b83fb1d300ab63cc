/**
 * The gator suite of each policy: allowed and refused samples with the exact number of
 * violations and a message pattern. A pattern is required on every refusal, because gator
 * also counts match errors (e.g. a missing Namespace) as violations.
 */
import { PolicyBundleArgs } from "./policies";
import { EXEMPT_NS, FALCO_NS, ISTIO_NS, K8sObject, PLATFORM_NS, TENANT_NS, agent, hardenedContainer, hostAgent, init, pod, workload } from "./samples";

export interface SuiteCase {
  name: string;
  object: K8sObject;
  /** Exact violation count; 0 means the object is admitted. */
  violations: number;
  /** Regex every refusal's message must match. */
  message?: string;
}

const allowed = (name: string, object: K8sObject): SuiteCase => ({ name, object, violations: 0 });
const denied = (name: string, object: K8sObject, message: string, violations = 1): SuiteCase => ({
  name,
  object,
  violations,
  message,
});
const compliant = allowed("compliant-tenant-pod-allowed", pod(() => undefined));
const AUTH_GUARD_IMAGE = "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0";
/** The compliant pod with an auth guard container, changed by `edit`. */
const withGuard = (edit: (guard: K8sObject, p: K8sObject) => void, ns?: string) =>
  pod((p) => {
    const guard = hardenedContainer("auth-guard", AUTH_GUARD_IMAGE);
    p.spec.containers.push(guard);
    edit(guard, p);
  }, ns);

/**
 * The compliant pod as Istio's injector returns it: an `istio-proxy` sidecar (native, as an init
 * container that keeps running, or classic) holding the projected `istio-token` for the mesh CA.
 */
function withMeshToken(kind: "native" | "classic", edit: (p: K8sObject) => void = () => undefined): K8sObject {
  return pod((p) => {
    const sidecar = {
      ...hardenedContainer("istio-proxy", "docker.io/istio/proxyv2:1.31.1"),
      volumeMounts: [{ name: "istio-token", mountPath: "/var/run/secrets/tokens" }],
      ...(kind === "native" ? { restartPolicy: "Always" } : {}),
    };
    (kind === "native" ? p.spec.initContainers : p.spec.containers).push(sidecar);
    p.spec.volumes = [
      { name: "istio-token", projected: { sources: [{ serviceAccountToken: { audience: "istio-ca", expirationSeconds: 43200, path: "istio-token" } }] } },
    ];
    edit(p);
  });
}

/** The compliant pod labelled as an agent, trusting its tenant CA through ca.crt of the proxy's certificate (SEC-09). */
const agentPod = (edit: (p: K8sObject) => void = () => undefined, ns?: string) =>
  pod((p) => {
    p.metadata.labels["agent-platform.io/workload"] = "agent";
    p.spec.volumes = [{ name: "tenant-ca-cert", secret: { secretName: "egress-proxy-tls", items: [{ key: "ca.crt", path: "ca.crt" }] } }];
    edit(p);
  }, ns);

const FALCO_LABELS = { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" };
const CNI_LABELS = { "k8s-app": "istio-cni-node" };
const hostPaths = (...paths: string[]) => paths.map((path, i) => ({ name: `host-${i}`, hostPath: { path } }));
/** Falco's pod as the chart renders it: host paths, added capabilities, root, in its namespace. */
const falcoPod = (edit: (p: K8sObject) => void = () => undefined, ns = FALCO_NS) =>
  hostAgent(ns, FALCO_LABELS, "falco", (p) => {
    p.spec.volumes = hostPaths("/proc", "/etc", "/sys/kernel", "/run/containerd/containerd.sock");
    agent(p).securityContext.capabilities = { drop: ["ALL"], add: ["BPF", "PERFMON", "SYS_RESOURCE", "SYS_PTRACE"] };
    agent(p).securityContext.runAsNonRoot = false;
    agent(p).securityContext.runAsUser = 0;
    edit(p);
  });
/** istio-cni's node agent as its chart hard-codes it. */
const cniPod = (edit: (p: K8sObject) => void = () => undefined, ns = ISTIO_NS) =>
  hostAgent(ns, CNI_LABELS, "install-cni", (p) => {
    p.spec.volumes = hostPaths("/opt/cni/bin", "/etc/cni/net.d", "/var/run/netns");
    agent(p).securityContext.capabilities = { drop: ["ALL"], add: ["NET_ADMIN", "SYS_ADMIN", "DAC_OVERRIDE"] };
    delete agent(p).securityContext.allowPrivilegeEscalation;
    edit(p);
  });

export const SUITES: Record<string, SuiteCase[]> = {
  requiredlabels: [
    allowed("labelled-deployment-allowed", workload("Deployment", pod(() => undefined))),
    allowed("labelled-statefulset-allowed", workload("StatefulSet", pod(() => undefined, PLATFORM_NS))),
    denied(
      "deployment-without-part-of-denied",
      workload("Deployment", pod(() => undefined), { "app.kubernetes.io/name": "agent" }),
      "must carry the labels \\[\"app.kubernetes.io/part-of\"\\]",
    ),
    denied(
      "statefulset-without-labels-denied",
      workload("StatefulSet", pod(() => undefined, PLATFORM_NS), {}),
      "app.kubernetes.io/name.*app.kubernetes.io/part-of",
    ),
    denied(
      "empty-label-value-denied",
      workload("Deployment", pod(() => undefined), { "app.kubernetes.io/name": "", "app.kubernetes.io/part-of": "x" }),
      "must carry the labels \\[\"app.kubernetes.io/name\"\\]",
    ),
    allowed("exempt-namespace-deployment-allowed", workload("Deployment", pod(() => undefined, EXEMPT_NS), {})),
  ],
  hostisolation: [
    compliant,
    denied("privileged-container-denied", pod((p) => (agent(p).securityContext.privileged = true)), "container agent of pod agent must not be privileged"),
    denied("privileged-init-container-denied", pod((p) => (init(p).securityContext.privileged = true)), "container init-workspace .*must not be privileged"),
    denied("privileged-platform-pod-denied", pod((p) => (agent(p).securityContext.privileged = true), PLATFORM_NS), "must not be privileged"),
    denied("host-network-denied", pod((p) => (p.spec.hostNetwork = true)), "must not set hostNetwork"),
    denied("host-pid-denied", pod((p) => (p.spec.hostPID = true)), "must not set hostPID"),
    denied("host-ipc-denied", pod((p) => (p.spec.hostIPC = true)), "must not set hostIPC"),
    denied(
      "host-path-denied",
      pod((p) => (p.spec.volumes = [{ name: "root", hostPath: { path: "/" } }, { name: "tmp", emptyDir: {} }])),
      "must not mount the hostPath volume root",
    ),
    denied("privileged-deployment-denied", workload("Deployment", pod((p) => (agent(p).securityContext.privileged = true))), "Implied by expand-workloads.*privileged"),
    allowed("exempt-namespace-privileged-allowed", pod((p) => ((agent(p).securityContext.privileged = true), (p.spec.hostNetwork = true)), EXEMPT_NS)),
    allowed("falco-listed-host-paths-allowed", falcoPod()),
    allowed("gvisor-monitor-socket-dir-allowed", hostAgent(FALCO_NS, { "app.kubernetes.io/name": "gvisor-monitor" }, "monitor", (p) => (p.spec.volumes = hostPaths("/run/agent-platform")))),
    denied("falco-unlisted-host-path-denied", falcoPod((p) => p.spec.volumes.push({ name: "root", hostPath: { path: "/" } })), "must not mount the hostPath volume root"),
    denied("falco-host-network-denied", falcoPod((p) => (p.spec.hostNetwork = true)), "must not set hostNetwork"),
    denied("falco-privileged-denied", falcoPod((p) => (agent(p).securityContext.privileged = true)), "container falco of pod agent must not be privileged"),
    denied(
      "monitor-path-for-falco-labels-denied",
      falcoPod((p) => (p.spec.volumes = hostPaths("/run/agent-platform"))),
      "must not mount the hostPath volume host-0",
    ),
    denied("falco-labels-in-tenant-namespace-denied", falcoPod(() => undefined, TENANT_NS), "must not mount the hostPath volume host-", 4),
  ],
  containerlimits: [
    compliant,
    denied("missing-cpu-limit-denied", pod((p) => delete agent(p).resources.limits.cpu), "container agent must set a cpu limit"),
    denied("init-container-missing-memory-limit-denied", pod((p) => delete init(p).resources.limits.memory), "container init-workspace must set a memory limit"),
    denied("no-resources-denied", pod((p) => delete agent(p).resources), "container agent must set a (cpu|memory) limit", 2),
    denied("requests-only-denied", pod((p) => (agent(p).resources = { requests: { cpu: "1", memory: "1Gi" } }), PLATFORM_NS), "must set a (cpu|memory) limit", 2),
    denied("deployment-without-limits-denied", workload("Deployment", pod((p) => delete agent(p).resources)), "Implied by expand-workloads.*limit", 2),
  ],
  runasnonroot: [
    compliant,
    allowed(
      "root-in-user-namespace-under-gvisor-allowed",
      pod((p) => ((p.spec.hostUsers = false), (p.spec.securityContext = { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } }))),
    ),
    denied(
      "root-in-user-namespace-without-gvisor-denied",
      pod((p) => ((p.spec.hostUsers = false), delete p.spec.runtimeClassName, (p.spec.securityContext = { runAsUser: 0 }))),
      "must set runAsNonRoot: true",
      2,
    ),
    denied(
      "root-under-gvisor-with-host-users-denied",
      pod((p) => (p.spec.securityContext = { runAsUser: 0 })),
      "must set runAsNonRoot: true \\(root is allowed only with hostUsers: false",
      2,
    ),
    denied("container-overrides-run-as-non-root-denied", pod((p) => (agent(p).securityContext.runAsNonRoot = false)), "container agent must set runAsNonRoot"),
    denied("run-as-user-zero-denied", pod((p) => (init(p).securityContext.runAsUser = 0)), "container init-workspace must set runAsNonRoot"),
    denied(
      "platform-deployment-without-run-as-non-root-denied",
      workload("Deployment", pod((p) => delete p.spec.securityContext.runAsNonRoot, PLATFORM_NS)),
      "Implied by expand-workloads.*runAsNonRoot",
      2,
    ),
    allowed("falco-container-root-allowed", falcoPod()),
    denied("falco-sidecar-root-denied", falcoPod((p) => (init(p).securityContext.runAsUser = 0)), "container init-workspace must set runAsNonRoot"),
    denied("falco-labels-elsewhere-root-denied", falcoPod(() => undefined, PLATFORM_NS), "container falco must set runAsNonRoot"),
  ],
  disallowlatest: [
    compliant,
    allowed("digest-pinned-image-allowed", pod((p) => (agent(p).image = `ghcr.io/acme/agent@sha256:${"a".repeat(64)}`))),
    allowed("registry-port-and-tag-allowed", pod((p) => (agent(p).image = "registry.internal:5000/acme/agent:2.0.1"))),
    denied("latest-tag-flagged", pod((p) => (agent(p).image = "ghcr.io/acme/agent:latest")), "image ghcr.io/acme/agent:latest: name a version tag"),
    denied("missing-tag-flagged", pod((p) => (init(p).image = "ghcr.io/acme/agent-init")), "container init-workspace uses image ghcr.io/acme/agent-init:"),
    denied("registry-port-without-tag-flagged", pod((p) => (agent(p).image = "registry.internal:5000/acme/agent")), "registry.internal:5000/acme/agent: name a version"),
    denied("latest-deployment-flagged", workload("Deployment", pod((p) => (agent(p).image = "nginx:latest"), PLATFORM_NS)), "Implied by expand-workloads.*nginx:latest"),
  ],
  capabilities: [
    compliant,
    allowed(
      "required-drops-and-bind-service-allowed",
      pod((p) => (agent(p).securityContext.capabilities = { drop: ["sys_admin", "CAP_NET_RAW", "SYS_PTRACE", "MKNOD", "SYS_MODULE"], add: ["NET_BIND_SERVICE"] })),
    ),
    denied("no-drop-denied", pod((p) => delete agent(p).securityContext.capabilities), "container agent must drop ALL capabilities"),
    denied(
      "partial-drop-denied",
      pod((p) => (agent(p).securityContext.capabilities = { drop: ["SYS_ADMIN", "SYS_PTRACE", "MKNOD", "SYS_MODULE"] })),
      "or at least \\[\"NET_RAW\"\\]",
    ),
    denied("add-sys-admin-denied", pod((p) => (agent(p).securityContext.capabilities.add = ["SYS_ADMIN"])), "must not add capability SYS_ADMIN"),
    denied("add-net-raw-on-init-denied", pod((p) => (init(p).securityContext.capabilities.add = ["CAP_NET_RAW"])), "container init-workspace must not add capability CAP_NET_RAW"),
    allowed("cni-agent-listed-capabilities-allowed", cniPod()),
    allowed("falco-listed-capabilities-allowed", falcoPod()),
    denied("cni-agent-unlisted-capability-denied", cniPod((p) => agent(p).securityContext.capabilities.add.push("SYS_MODULE")), "container install-cni must not add capability SYS_MODULE"),
    denied("cni-init-container-capability-denied", cniPod((p) => (init(p).securityContext.capabilities.add = ["NET_ADMIN"])), "container init-workspace must not add capability NET_ADMIN"),
    denied("cni-labels-in-tenant-namespace-denied", cniPod(() => undefined, TENANT_NS), "container install-cni must not add capability", 3),
  ],
  seccomp: [
    compliant,
    allowed(
      "container-level-localhost-allowed",
      pod((p) => {
        delete p.spec.securityContext.seccompProfile;
        for (const c of [agent(p), init(p)]) c.securityContext.seccompProfile = { type: "Localhost", localhostProfile: "agent.json" };
      }),
    ),
    denied("no-profile-denied", pod((p) => delete p.spec.securityContext.seccompProfile), "must run with a seccomp profile", 2),
    denied("container-unconfined-denied", pod((p) => (agent(p).securityContext.seccompProfile = { type: "Unconfined" })), "container agent must run with a seccomp profile .* got Unconfined"),
    denied("deployment-without-profile-denied", workload("Deployment", pod((p) => delete p.spec.securityContext.seccompProfile)), "Implied by expand-workloads.*seccomp", 2),
  ],
  noprivilegeescalation: [
    compliant,
    denied("unset-denied", pod((p) => delete agent(p).securityContext.allowPrivilegeEscalation), "container agent must set allowPrivilegeEscalation: false"),
    denied("true-denied", pod((p) => (agent(p).securityContext.allowPrivilegeEscalation = true), PLATFORM_NS), "container agent must set allowPrivilegeEscalation: false"),
    denied("init-container-unset-denied", pod((p) => delete init(p).securityContext.allowPrivilegeEscalation), "container init-workspace must set allowPrivilegeEscalation"),
    allowed("cni-agent-unset-allowed", cniPod()),
    denied("cni-pod-other-container-denied", cniPod((p) => delete init(p).securityContext.allowPrivilegeEscalation), "container init-workspace must set allowPrivilegeEscalation"),
    denied("cni-labels-in-falco-namespace-denied", cniPod(() => undefined, FALCO_NS), "container install-cni must set allowPrivilegeEscalation"),
  ],
  noautomounttoken: [
    compliant,
    denied("unset-denied", pod((p) => delete p.spec.automountServiceAccountToken), "pod agent must set automountServiceAccountToken: false"),
    denied("true-denied", pod((p) => (p.spec.automountServiceAccountToken = true)), "must set automountServiceAccountToken: false"),
    allowed("mesh-token-for-native-sidecar-allowed", withMeshToken("native")),
    allowed("mesh-token-for-classic-sidecar-allowed", withMeshToken("classic")),
    denied(
      "projected-api-token-denied",
      pod((p) => (p.spec.volumes = [{ name: "kube-api", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }])),
      "volume kube-api must not project a service account token for the Kubernetes API \\(no audience\\)",
    ),
    denied(
      "projected-other-audience-denied",
      withMeshToken("native", (p) => (p.spec.volumes[0].projected.sources[0].serviceAccountToken.audience = "https://kubernetes.default.svc")),
      "volume istio-token projects a service account token for audience https://kubernetes.default.svc; only \\[\"istio-ca\"\\] may be projected",
    ),
    denied(
      "mesh-token-mounted-by-agent-denied",
      withMeshToken("native", (p) => (agent(p).volumeMounts = [{ name: "istio-token", mountPath: "/var/run/secrets/tokens" }])),
      "container agent must not mount the service account token volume istio-token \\(only \\[\"istio-proxy\"\\] may\\)",
    ),
    allowed("platform-pod-with-token-allowed", pod((p) => delete p.spec.automountServiceAccountToken, PLATFORM_NS)),
  ],
  requireruntimeclass: [
    compliant,
    denied("no-runtime-class-denied", pod((p) => delete p.spec.runtimeClassName), "must set runtimeClassName to one of \\[\"gvisor\"\\], got $"),
    denied("runc-denied", pod((p) => (p.spec.runtimeClassName = "runc")), "got runc"),
    denied("deployment-without-runtime-class-denied", workload("Deployment", pod((p) => delete p.spec.runtimeClassName)), "Implied by expand-workloads.*runtimeClassName"),
    allowed("platform-pod-without-runtime-class-allowed", pod((p) => delete p.spec.runtimeClassName, PLATFORM_NS)),
  ],
  hardenedsidecars: [
    compliant,
    allowed("hardened-auth-guard-allowed", withGuard(() => undefined)),
    denied("writable-auth-guard-denied", withGuard((g) => delete g.securityContext.readOnlyRootFilesystem), "sidecar auth-guard must set readOnlyRootFilesystem: true"),
    denied(
      "auth-guard-partial-drop-denied",
      withGuard((g) => (g.securityContext.capabilities = { drop: ["NET_RAW", "SYS_ADMIN"] })),
      "sidecar auth-guard must drop ALL capabilities",
    ),
    denied(
      "native-sidecar-auth-guard-denied",
      pod((p) => p.spec.initContainers.push({ ...hardenedContainer("auth-guard", AUTH_GUARD_IMAGE), restartPolicy: "Always", securityContext: {} })),
      "sidecar auth-guard must (set readOnlyRootFilesystem|drop ALL)",
      2,
    ),
    allowed("writable-agent-container-allowed", pod((p) => (agent(p).securityContext.readOnlyRootFilesystem = false))),
    allowed("platform-namespace-guard-not-in-scope", withGuard((g) => delete g.securityContext.readOnlyRootFilesystem, PLATFORM_NS)),
  ],
  providerkeycustody: [
    compliant,
    allowed("agent-with-tenant-ca-certificate-allowed", agentPod()),
    denied(
      "agent-mounts-provider-key-denied",
      agentPod((p) => p.spec.volumes.push({ name: "provider-key", secret: { secretName: "ai-provider-key" } })),
      "agent pod agent: volume provider-key reads the provider key Secret ai-provider-key; only the egress proxy may hold it",
    ),
    denied(
      "agent-projects-provider-key-denied",
      agentPod((p) => p.spec.volumes.push({ name: "bundle", projected: { sources: [{ secret: { name: "ai-provider-key", items: [{ key: "credential", path: "c" }] } }] } })),
      "volume bundle reads the provider key Secret ai-provider-key",
    ),
    denied(
      "agent-env-provider-key-denied",
      agentPod((p) => (init(p).env = [{ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "ai-provider-key", key: "api-key" } } }])),
      "container init-workspace env ANTHROPIC_API_KEY reads the provider key Secret ai-provider-key",
    ),
    denied(
      "agent-envfrom-provider-key-denied",
      agentPod((p) => (agent(p).envFrom = [{ secretRef: { name: "ai-provider-key" } }])),
      "container agent envFrom reads the provider key Secret ai-provider-key",
    ),
    denied(
      "agent-mounts-tenant-ca-key-denied",
      agentPod((p) => p.spec.volumes.push({ name: "ca", secret: { secretName: "tenant-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } })),
      "volume ca reads the tenant CA key Secret tenant-ca",
    ),
    denied(
      "agent-reads-proxy-key-denied",
      agentPod((p) => (p.spec.volumes[0].secret.items = [{ key: "ca.crt", path: "ca.crt" }, { key: "tls.key", path: "tls.key" }])),
      "volume tenant-ca-cert reads more than ca.crt of Secret egress-proxy-tls",
    ),
    denied(
      "statefulset-agent-mounts-provider-key-denied",
      workload("StatefulSet", agentPod((p) => p.spec.volumes.push({ name: "provider-key", secret: { secretName: "ai-provider-key" } }))),
      "Implied by expand-workloads.*reads the provider key Secret ai-provider-key",
    ),
    allowed(
      "egress-proxy-mounts-provider-key-allowed",
      pod((p) => {
        p.metadata.labels["agent-platform.io/workload"] = "egress-proxy";
        p.spec.volumes = [{ name: "provider-key", secret: { secretName: "ai-provider-key" } }];
      }),
    ),
    allowed("platform-pod-with-key-allowed", agentPod((p) => p.spec.volumes.push({ name: "k", secret: { secretName: "ai-provider-key" } }), PLATFORM_NS)),
  ],
  allowedregistries: [
    compliant,
    allowed("second-registry-allowed", pod((p) => (agent(p).image = "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0"))),
    denied("docker-hub-short-name-denied", pod((p) => (agent(p).image = "nginx:1.27.3")), "comes from docker.io, not from an allowed registry"),
    denied("lookalike-path-denied", pod((p) => (init(p).image = "evil.example/ghcr.io/acme/agent:1.0")), "comes from evil.example"),
  ],
};

/** The settings the suites are rendered with: every policy on, including the optional registry list. */
export const SUITE_ARGS: PolicyBundleArgs = { latestTag: "warn", allowedRegistries: ["ghcr.io", "quay.io", "registry.internal:5000"] };
