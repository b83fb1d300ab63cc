import { ConfigError } from "../config/errors";
import { ProgramFailed, runProgram } from "../scripts/engine/run";
import { platformReferenceOutputs } from "../scripts/engine/mocks";
import { planStackOffline } from "../scripts/tenant/command";

describe("the program under the mock engine", () => {
  it("builds the prod stack and exports the tenant ids", async () => {
    const run = await runProgram({ stack: "prod" });
    expect(run.outputs.tenants).toEqual(["acme", "globex", "initech"]);
  });

  it("stops on bad configuration before declaring any resource", async () => {
    const error = await runProgram({
      stack: "prod",
      config: { tenants: [{ id: "acme", modelProvider: "anthropic" }, { id: "acme", modelProvider: "openai" }] },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProgramFailed);
    const failure = error as ProgramFailed;
    expect(failure.cause).toBeInstanceOf(ConfigError);
    expect(failure.message).toBe(
      "Invalid stack configuration (1 problem):\n" +
        '  - agent-platform:tenants[1].id: duplicates the id of tenants[0]; tenant ids must be unique (got "acme")',
    );
    expect(failure.resources.map((r) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });
});

describe("Vault bootstrap phases", () => {
  it("declares no Vault configuration until vault.configure is set", async () => {
    const run = await runProgram({ stack: "prod" });
    expect(run.resources.filter((r) => r.type.startsWith("vault:") || r.type === "pulumi:providers:vault")).toEqual([]);
    expect(run.findResource("agent-platform:vault:VaultCluster", "vault").type).toBe("agent-platform:vault:VaultCluster");
  });

  it("configures Vault through a provider that holds no token once vault.configure is set", async () => {
    const run = await runProgram({
      stack: "prod",
      config: { vault: { configure: true, address: "https://vault.internal.example.com:8200", jwtRole: "pulumi-deployer" } },
    });
    const provider = run.findResource("pulumi:providers:vault", "vault");
    expect(provider.inputs).toMatchObject({
      address: "https://vault.internal.example.com:8200",
      skipTlsVerify: "false",
      skipChildToken: "true",
    });
    expect(provider.inputs.token).toBeUndefined();
    expect(JSON.parse(provider.inputs.authLoginJwt)).toEqual({ role: "pulumi-deployer", mount: "jwt" });
    const transit = run.findResource("vault:transit/secretBackendKey:SecretBackendKey", "vault-config-platform-credentials");
    expect(transit.inputs).toMatchObject({ name: "platform-credentials", type: "aes256-gcm96", deletionAllowed: false });
    expect(transit.options.provider).toBe(provider.urn);
  });
});

describe("stack roles", () => {
  const shard = {
    stackRole: "tenants",
    platformStack: "acme-corp/agent-platform/prod",
    tenants: [{ id: "hooli", plan: "small", modelProvider: "mistral" }],
  };

  it("a tenants shard declares only its tenants, on the platform's cluster read through a StackReference", async () => {
    const run = await runProgram({ stack: "hooli", stackDocument: { config: shard } });
    const components = run.resources.filter((r) => !r.custom).map((r) => r.type);
    expect(components).toEqual(["pulumi:pulumi:Stack", "agent-platform:tenant:TenantStack"]);
    expect(run.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    const provider = run.findResource("pulumi:providers:kubernetes", "platform-cluster");
    expect(provider.inputs.kubeconfig).toBe("[secret]");
    const statefulSet = run.findResource("kubernetes:apps/v1:StatefulSet", "tenant-hooli-agent");
    expect(statefulSet.options.provider).toBe(provider.urn);
    const workspace = run.findResource("kubernetes:core/v1:PersistentVolumeClaim", "tenant-hooli-workspace");
    expect(workspace.options.provider).toBe(provider.urn);
    expect(workspace.inputs.spec.storageClassName).toBe("gp3-encrypted");
  });

  it("a tenants shard grants Vault access on the platform's Kubernetes auth mount", async () => {
    const run = await runProgram({ stack: "hooli", stackDocument: { config: { ...shard, vault: { configure: true, address: "https://vault.example.com:8200" } } } });
    expect(run.findResource("vault:identity/entityAlias:EntityAlias", "tenant-hooli-vault-alias").inputs).toMatchObject({
      name: "tenant-hooli/agent",
      mountAccessor: "auth_kubernetes_platform",
    });
  });

  it("the prod platform exports what a tenants stack reads from it, as the mock StackReference answers", async () => {
    const run = await runProgram({ stack: "prod" });
    const { apiHost, runtimeClass, storageClass, agentImages } = platformReferenceOutputs();
    expect(run.outputs).toMatchObject({ apiHost, runtimeClass, storageClass, agentImages });
  });

  it("a one-tenant stack declares at most 30 resources and no AWS resource, whatever else the platform runs", async () => {
    const settings = { platformStack: "acme-corp/agent-platform/prod", vault: { configure: true, address: "https://vault.example.com:8200" }, tenants: [{ id: "hooli", modelProvider: "mistral" }] };
    const { run, policies } = await planStackOffline("tenant-hooli", settings);
    expect(run.resources.length).toBeLessThanOrEqual(30);
    expect(run.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
    expect(run.resources.filter((r) => r.type === "agent-platform:tenant:TenantStack").map((r) => r.name)).toEqual(["tenant-hooli"]);
    expect(policies.mandatoryFailures).toBe(0);
    expect(run.outputs.settings).toEqual(settings);
  });

  it("a tenants stack whose platform stack lacks an output it reads fails naming the output, declaring nothing", async () => {
    const failure = await runProgram({ stack: "hooli", stackDocument: { config: shard }, mocks: { platformOutputs: { agentImages: undefined } } }).catch((e) => e);
    expect(failure).toBeInstanceOf(ProgramFailed);
    expect(failure.message).toBe("platform stack acme-corp/agent-platform/prod: output agentImages must hold gateway and authGuard images; run `pulumi up` on the platform stack first");
    expect(failure.resources.map((r: { type: string }) => r.type)).toEqual(["pulumi:pulumi:Stack"]);
  });

  it("a platform stack declares no tenant", async () => {
    const run = await runProgram({ stack: "prod", config: { stackRole: "platform", tenants: [] } });
    expect(run.findResources("agent-platform:tenant:TenantStack")).toEqual([]);
    expect(run.findResources("agent-platform:mesh:Mesh")).toHaveLength(1);
  });
});

describe("RBAC", () => {
  it("CLU-02 gives cluster-admin only to the operators and the deployer role, never to a workload", async () => {
    const run = await runProgram({ stack: "prod" });
    // The program binds no Kubernetes role itself; workloads get only what their charts grant.
    expect(run.resources.filter((r) => /rbac.authorization.k8s.io\/v1:(Cluster)?RoleBinding$/.test(r.type))).toEqual([]);
    expect(run.findResource("aws:eks/cluster:Cluster", "cluster-eks").inputs.accessConfig.bootstrapClusterCreatorAdminPermissions).toBe(false);
    const grants = run.findResources("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => [a.inputs.principalArn, a.inputs.policyArn.split("/").pop()]);
    expect(grants.sort()).toEqual([
      ["arn:aws:iam::123456789012:role/agent-platform-deployer", "AmazonEKSClusterAdminPolicy"],
      ["arn:aws:iam::123456789012:role/agent-platform-preview", "AmazonEKSViewPolicy"],
      ["arn:aws:iam::123456789012:role/platform-admins", "AmazonEKSClusterAdminPolicy"],
    ]);
    const provider = run.findResource("pulumi:providers:kubernetes", "cluster-kubernetes");
    expect(provider.options.dependsOn).toEqual(expect.arrayContaining(run.findResources("aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) => a.urn)));
  });
});

describe("monitoring as composed", () => {
  it("CLU-06 has Prometheus pick up the Falco, Gatekeeper, Istio and Vault monitors of the prod stack", async () => {
    const run = await runProgram({ stack: "prod" });
    const selected = { "agent-platform.io/monitoring": "platform" };
    const monitors = run.resources
      .filter((r) => /monitoring.coreos.com\/v1:(ServiceMonitor|PodMonitor)$/.test(r.type))
      .map((r) => [r.name, r.inputs.metadata.namespace, r.inputs.metadata.labels["agent-platform.io/monitoring"]])
      .sort();
    expect(monitors).toEqual([
      ["admission-pod-monitor", "gatekeeper-system", "platform"],
      ["gvisor-monitor-pod-monitor", "falco", "platform"],
      ["monitoring-egress-proxy-monitor", "monitoring", "platform"],
      ["monitoring-istio-proxy-monitor", "monitoring", "platform"],
      ["monitoring-istiod-monitor", "monitoring", "platform"],
      ["monitoring-vault-monitor", "vault", "platform"],
    ]);
    const falco = run.findResource("kubernetes:helm.sh/v3:Release", "runtime-release").inputs.values;
    expect([falco.metrics, falco.serviceMonitor, falco.falcosidekick.serviceMonitor]).toEqual([
      { enabled: true },
      { create: true, labels: selected },
      { enabled: true, additionalLabels: selected },
    ]);
    const prometheus = run.findResource("kubernetes:helm.sh/v3:Release", "monitoring-release").inputs.values.prometheus.prometheusSpec;
    expect([prometheus.serviceMonitorSelectorNilUsesHelmValues, prometheus.podMonitorSelectorNilUsesHelmValues]).toEqual([false, false]);
  });

  it("CLU-06 sends the prod stack's detections to its alert webhook, WARNING and up, from falcosidekick and Alertmanager", async () => {
    const run = await runProgram({ stack: "prod" });
    const sidekick = run.findResource("kubernetes:helm.sh/v3:Release", "runtime-release").inputs.values.falcosidekick.config;
    expect(sidekick).toEqual({
      extraEnv: [{ name: "SLACK_WEBHOOKURL", valueFrom: { secretKeyRef: { name: "runtime-alert-webhook", key: "url" } } }],
      slack: { minimumpriority: "warning", outputformat: "all" },
    });
    const alertmanager = run.findResource("kubernetes:helm.sh/v3:Release", "monitoring-release").inputs.values.alertmanager.config;
    expect(alertmanager.route.receiver).toBe("platform");
    expect(alertmanager.receivers.map((r: { name: string }) => r.name)).toEqual(["null", "platform"]);
    for (const secret of ["runtime-alert-webhook", "monitoring-alert-webhook"]) {
      // The whole stringData is a Pulumi secret, so the URL is encrypted in state.
      expect(run.findResource("kubernetes:core/v1:Secret", secret).inputs.stringData).toBe("[secret]");
    }
  });

  it("ADM-01 runs the Vault and Secrets Operator charts through the part-of post-renderer; the operator's namespace is restricted", async () => {
    const run = await runProgram({ stack: "prod" });
    const releases = run.findResources("kubernetes:helm.sh/v3:Release").filter((r) => r.inputs.postrender);
    expect(releases.map((r) => [r.name, r.inputs.postrender]).sort()).toEqual([
      ["vault-release", "./components/shared/helm/label-part-of"],
      ["vault-secrets-operator-release", "./components/shared/helm/label-part-of"],
    ]);
    const ns = run.findResource("kubernetes:core/v1:Namespace", "vault-secrets-operator-namespace").inputs.metadata.labels;
    expect(ns["pod-security.kubernetes.io/enforce"]).toBe("restricted");
  });
});
