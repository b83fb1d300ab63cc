import { agent, agentManifest, messages, resource } from "../fixtures";
import { aiKeysFromVault, authGuardFronts, authGuardHardened, externalDnsOnly, gvisorSandbox, noServiceAccountToken, noServiceDiscovery } from "./agent";

function agentWith(change: (spec: any, manifest: any) => void) {
  const manifest = agentManifest();
  change(manifest.spec.template.spec, manifest);
  return agent(manifest);
}

const AGENT = "StatefulSet tenant-acme/agent";
const platformAgent = () => agent(agentManifest("platform-api"));

function serviceAccount(namespace: string, automount?: boolean) {
  return resource("kubernetes:core/v1:ServiceAccount", {
    kind: "ServiceAccount",
    metadata: { name: "agent", namespace },
    ...(automount === undefined ? {} : { automountServiceAccountToken: automount }),
  });
}

function certificate(secretName: string, namespace = "tenant-acme") {
  return resource("kubernetes:cert-manager.io/v1:Certificate", {
    kind: "Certificate",
    metadata: { name: secretName, namespace },
    spec: { secretName, issuerRef: { name: "tenant-ca", kind: "Issuer", group: "cert-manager.io" } },
  });
}

function vaultStaticSecret(destination: string, namespace = "tenant-acme") {
  return resource("kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret", {
    kind: "VaultStaticSecret",
    metadata: { name: destination, namespace },
    spec: { destination: { name: destination, create: true } },
  });
}

describe("agent pod policies", () => {
  it("ISO-09 refuses service account tokens in tenant pods and service accounts", () => {
    expect(messages(noServiceAccountToken, [agent(), serviceAccount("tenant-acme", false), serviceAccount("vault")])).toEqual([]);
    const broken = agentWith((spec) => {
      delete spec.automountServiceAccountToken;
      spec.volumes = [{ name: "kube-api", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } }];
    });
    expect(messages(noServiceAccountToken, [broken, serviceAccount("tenant-acme")])).toEqual([
      `${AGENT} may mount a service account token: set automountServiceAccountToken: false in the pod spec.`,
      `${AGENT} projects a service account token in volume "kube-api": remove the serviceAccountToken source.`,
      "ServiceAccount tenant-acme/agent lets pods mount its token: set automountServiceAccountToken: false.",
    ]);
  });

  it("ISO-10 requires the gVisor RuntimeClass for tenant pods, pinned to tainted sandbox nodes", () => {
    const runtimeClass = (scheduling: any) =>
      resource("kubernetes:node.k8s.io/v1:RuntimeClass", { kind: "RuntimeClass", metadata: { name: "gvisor" }, handler: "runsc", scheduling });
    const nodeGroup = (taints: any[]) =>
      resource("aws:eks/nodeGroup:NodeGroup", { nodeGroupName: "sandbox", labels: { "agent-platform.io/sandbox": "gvisor" }, taints }, {}, "cluster-sandbox");
    const pinned = runtimeClass({ nodeSelector: { "agent-platform.io/sandbox": "gvisor" }, tolerations: [{ key: "agent-platform.io/sandbox" }] });
    const tainted = nodeGroup([{ key: "agent-platform.io/sandbox", value: "gvisor", effect: "NO_SCHEDULE" }]);
    const system = resource("aws:eks/nodeGroup:NodeGroup", { labels: { "agent-platform.io/pool": "system" } });
    expect(messages(gvisorSandbox, [agent(), platformAgent(), pinned, tainted, system])).toEqual([]);
    const runc = agentWith((spec) => delete spec.runtimeClassName);
    expect(messages(gvisorSandbox, [runc, runtimeClass({}), nodeGroup([{ key: "agent-platform.io/sandbox", effect: "PREFER_NO_SCHEDULE" }])])).toEqual([
      `${AGENT} runs with runtimeClassName (none): set runtimeClassName: gvisor.`,
      "RuntimeClass gvisor does not pin pods to the sandbox nodes: set scheduling.nodeSelector and scheduling.tolerations.",
      "Node group sandbox carries agent-platform.io/sandbox but no NO_SCHEDULE taint on it: add the taint so only sandboxed pods land there.",
    ]);
  });

  it("NET-01 requires tenant pods to resolve only through 1.1.1.1, or through nothing (loopback)", () => {
    expect(messages(externalDnsOnly, [agent(), platformAgent()])).toEqual([]);
    expect(messages(externalDnsOnly, [agentWith((spec) => (spec.dnsConfig.nameservers = ["127.0.0.1"]))])).toEqual([]);
    const clusterDns = agentWith((spec) => {
      delete spec.dnsPolicy;
      delete spec.dnsConfig;
    });
    const otherResolver = agentWith((spec) => (spec.dnsConfig.nameservers = ["1.1.1.1", "10.100.0.10"]));
    const loopbackAndMore = agentWith((spec) => (spec.dnsConfig.nameservers = ["127.0.0.1", "10.100.0.10"]));
    const fix = "set dnsConfig.nameservers to [1.1.1.1], or to 127.0.0.1 for a pod that resolves nothing.";
    expect(messages(externalDnsOnly, [clusterDns, otherResolver, loopbackAndMore])).toEqual([
      `${AGENT} uses dnsPolicy ClusterFirst: set dnsPolicy: None with dnsConfig.nameservers [1.1.1.1].`,
      `${AGENT} resolves through []: ${fix}`,
      `${AGENT} resolves through [1.1.1.1, 10.100.0.10]: ${fix}`,
      `${AGENT} resolves through [127.0.0.1, 10.100.0.10]: ${fix}`,
    ]);
  });

  it("NET-02 denies tenant pods service discovery: search domains, service links and *.svc names", () => {
    expect(messages(noServiceDiscovery, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      spec.dnsConfig.searches = ["svc.cluster.local"];
      delete spec.enableServiceLinks;
      spec.containers[0].env.push({ name: "API", value: "https://platform-api.platform-api.svc:8443" });
    });
    expect(messages(noServiceDiscovery, [broken])).toEqual([
      `${AGENT} has DNS search domains svc.cluster.local: set dnsConfig.searches to [].`,
      `${AGENT} receives service environment variables: set enableServiceLinks: false.`,
      `${AGENT} container "gateway" names a cluster service (https://platform-api.platform-api.svc:8443): reach platform services through their public endpoint.`,
    ]);
  });

  it("AUTH-01 requires the auth-guard in every agent pod, forwarding to the gateway on loopback", () => {
    expect(messages(authGuardFronts, [agent()])).toEqual([]);
    const unguarded = agentWith((spec) => spec.containers.pop());
    const exposed = agentWith((spec) => (spec.containers[1].args = ["--upstream=http://0.0.0.0:18789/"]));
    expect(messages(authGuardFronts, [unguarded, exposed])).toEqual([
      `${AGENT} has no auth-guard container: run the auth-guard in front of the gateway.`,
      `${AGENT} container "auth-guard" has no loopback --upstream: point it at http://127.0.0.1:<gateway port>/.`,
    ]);
  });

  it("AUTH-02 requires the auth-guard to run with a read-only root filesystem and no capabilities", () => {
    expect(messages(authGuardHardened, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      spec.containers[1].securityContext.readOnlyRootFilesystem = false;
      spec.containers[1].securityContext.capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    });
    expect(messages(authGuardHardened, [broken])).toEqual([
      `${AGENT} container "auth-guard" has a writable root filesystem: set securityContext.readOnlyRootFilesystem: true.`,
      `${AGENT} container "auth-guard" keeps capabilities: set securityContext.capabilities to { drop: ["ALL"] } with no add.`,
    ]);
  });

  it("SEC-05 requires tenant secrets as files from Secrets synced from Vault, never through the environment", () => {
    expect(messages(aiKeysFromVault, [agent(), vaultStaticSecret("ai-provider-key"), certificate("egress-proxy-tls")])).toEqual([]);
    const viaEnv = agentWith((spec) => {
      spec.containers[0].env[1] = { name: "OPENAI_API_KEY", value: "sk-live" };
      spec.containers[0].env.push({ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "ai-provider-key", key: "api-key" } } });
      spec.containers[1].env = [{ name: "OAUTH2_PROXY_COOKIE_SECRET", valueFrom: { configMapKeyRef: { name: "c", key: "k" } } }];
      spec.containers[1].envFrom = [{ secretRef: { name: "auth-guard" } }];
    });
    expect(messages(aiKeysFromVault, [viaEnv, vaultStaticSecret("ai-provider-key"), certificate("egress-proxy-tls")])).toEqual([
      `${AGENT} container "gateway" env OPENAI_API_KEY carries a credential outside any Secret: keep it in Vault and mount it from a Secret as a file.`,
      `${AGENT} container "gateway" env ANTHROPIC_API_KEY reads Secret ai-provider-key: mount it as a read-only file instead; the environment reaches the sandbox's trace session.`,
      `${AGENT} container "auth-guard" env OAUTH2_PROXY_COOKIE_SECRET carries a credential outside any Secret: keep it in Vault and mount it from a Secret as a file.`,
      `${AGENT} container "auth-guard" envFrom reads Secret auth-guard: mount it as a read-only file instead; the environment reaches the sandbox's trace session.`,
    ]);
    const proxy = agentWith((spec, manifest) => {
      manifest.metadata.name = "egress-proxy";
      spec.volumes = [{ name: "provider-key", secret: { secretName: "ai-provider-key", optional: true } }];
    });
    expect(messages(aiKeysFromVault, [proxy, vaultStaticSecret("ai-provider-key", "tenant-globex"), certificate("egress-proxy-tls", "tenant-globex")])).toEqual([
      "StatefulSet tenant-acme/egress-proxy volume provider-key mounts Secret ai-provider-key, which no VaultStaticSecret or tenant Certificate in tenant-acme writes and this stack does not declare: sync it from Vault.",
    ]);
    // Only a Certificate of the tenant's own Issuer counts, not one of a ClusterIssuer.
    const shared = certificate("egress-proxy-tls");
    shared.inputs.spec.issuerRef.kind = "ClusterIssuer";
    expect(messages(aiKeysFromVault, [agent(), shared])).toEqual([
      `${AGENT} volume tenant-ca-cert mounts Secret egress-proxy-tls, which no VaultStaticSecret or tenant Certificate in tenant-acme writes and this stack does not declare: sync it from Vault.`,
    ]);
  });
});
