import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { diffPlans, formatDiff } from "../../scripts/plan/diff";
import { REPO_ROOT } from "../../scripts/engine/stackFile";
import { CapturedResource } from "../../scripts/engine/capture";
import { ProgramRun, runProgram } from "../../scripts/engine/run";

const TENANTS = ["acme", "globex", "initech"];
const NP = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const byNamespace = (run: ProgramRun, type: string, ns: string) => run.findResources(type).filter((r) => r.inputs.metadata?.namespace === ns);
const podSpec = (run: ProgramRun, id: string) => run.findResource("kubernetes:apps/v1:StatefulSet", `tenant-${id}-agent`).inputs.spec.template.spec;
const proxySpec = (run: ProgramRun, id: string) => run.findResource("kubernetes:apps/v1:Deployment", `tenant-${id}-egress-proxy`).inputs.spec.template.spec;

describe("TenantStack for every tenant of the prod stack", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("ISO-02 denies all ingress and egress by default in every tenant namespace", () => {
    for (const id of TENANTS) {
      const deny = run.findResource(NP, `tenant-${id}-default-deny`);
      expect(deny.inputs.metadata.namespace).toBe(`tenant-${id}`);
      expect(deny.inputs.spec).toEqual({ podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    }
  });

  it("ISO-03 admits agent traffic only from the platform API, so tenants cannot reach each other", () => {
    for (const id of TENANTS) {
      const ingress = byNamespace(run, NP, `tenant-${id}`).flatMap((p) => (p.inputs.spec.ingress ?? []).map((rule: any) => [p.inputs.metadata.name, rule]))
        .sort(([a], [b]) => String(a).localeCompare(String(b)));
      expect(ingress).toEqual([
        [
          "agent-network",
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "platform-api" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "platform-api" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 8443 }],
          },
        ],
        [
          "agent-network",
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 15020 }],
          },
        ],
        [
          "egress-proxy-network",
          { from: [{ podSelector: { matchLabels: { "agent-platform.io/workload": "agent" } } }], ports: [{ protocol: "TCP", port: 3128 }, { protocol: "TCP", port: 8443 }] },
        ],
        [
          "egress-proxy-network",
          {
            from: [
              {
                namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } },
                podSelector: { matchLabels: { "app.kubernetes.io/name": "prometheus" } },
              },
            ],
            ports: [{ protocol: "TCP", port: 9902 }],
          },
        ],
      ]);
    }
  });

  it("NET-06 never exposes the gateway port 18789: not in a Service, a policy, or on the pod IP", () => {
    const everything = JSON.stringify(run.resources.filter((r) => [NP, "kubernetes:core/v1:Service"].includes(r.type)).map((r) => r.inputs));
    expect(everything).not.toContain("18789");
    for (const id of TENANTS) {
      const gateway = podSpec(run, id).containers[0];
      expect(gateway.args).toEqual(["gateway", "--bind", "loopback", "--port", "18789"]);
      expect(gateway.ports).toBeUndefined();
      expect(run.findResource("kubernetes:core/v1:Service", `tenant-${id}-agent-service`).inputs.spec.ports).toEqual([
        { name: "http-agent", port: 8443, targetPort: 8443 },
      ]);
    }
  });

  it("NET-01 gives agents no resolver and no DNS egress; only the egress proxy resolves, through 1.1.1.1", () => {
    for (const id of TENANTS) {
      // Loopback, where nothing listens: a lookup in the agent fails at once, and no query leaves.
      expect([podSpec(run, id).dnsPolicy, podSpec(run, id).dnsConfig.nameservers]).toEqual(["None", ["127.0.0.1"]]);
      expect([proxySpec(run, id).dnsPolicy, proxySpec(run, id).dnsConfig.nameservers]).toEqual(["None", ["1.1.1.1"]]);
      const dnsRules = byNamespace(run, NP, `tenant-${id}`).flatMap((p) =>
        (p.inputs.spec.egress ?? []).filter((rule: any) => rule.ports.some((port: any) => port.port === 53)).map((rule: any) => [p.inputs.metadata.name, rule.to]),
      );
      expect(dnsRules).toEqual([["egress-proxy-network", [{ ipBlock: { cidr: "1.1.1.1/32" } }]]]);
    }
  });

  it("NET-02 gives agents no service discovery: no cluster DNS, no search domains, no service links", () => {
    for (const id of TENANTS) {
      const spec = podSpec(run, id);
      expect([spec.enableServiceLinks, spec.dnsConfig.searches]).toEqual([false, []]);
      expect(JSON.stringify(spec)).not.toContain("svc.cluster.local");
      // The two cluster names the pod can resolve: the sidecar's control plane, pinned to istiod's
      // address, and its own proxy's provider endpoint, pinned to the proxy's ClusterIP (SEC-09).
      const proxyIp = spec.containers[0].env.find((e: any) => e.name === "HTTPS_PROXY").value.match(/^http:\/\/([\d.]+):3128$/)[1];
      expect(spec.hostAliases).toEqual([
        { ip: expect.stringMatching(/^172\.20\.\d+\.\d+$/), hostnames: ["istiod.istio-system.svc"] },
        { ip: proxyIp, hostnames: [`egress-proxy.tenant-${id}.internal`] },
      ]);
    }
  });

  // Every egress rule of every policy in the namespace: an extra rule anywhere would widen the tenant.
  const egressOf = (id: string) =>
    byNamespace(run, NP, `tenant-${id}`)
      .filter((p) => p.inputs.spec.egress)
      .map((p) => [p.inputs.metadata.name, p.inputs.spec.egress])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
  const DNS = { to: [{ ipBlock: { cidr: "1.1.1.1/32" } }], ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }] };

  it("NET-04 lets traffic leave the tenant only as HTTPS on 443, through the egress proxy", () => {
    for (const id of TENANTS) {
      expect(egressOf(id)).toEqual([
        [
          "agent-network",
          [
            {
              to: [{ podSelector: { matchLabels: { "agent-platform.io/workload": "egress-proxy" } } }],
              ports: [{ protocol: "TCP", port: 3128 }, { protocol: "TCP", port: 8443 }],
            },
            {
              to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "istio-system" } }, podSelector: { matchLabels: { app: "istiod", istio: "pilot" } } }],
              ports: [{ protocol: "TCP", port: 15012 }],
            },
          ],
        ],
        ["egress-proxy-network", [DNS, { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: expect.any(Array) } }], ports: [{ protocol: "TCP", port: 443 }] }]],
      ]);
    }
  });

  it("NET-03 NET-05 keep the metadata service and every private range out of reach", () => {
    for (const id of TENANTS) {
      const ipBlocks = egressOf(id).flatMap(([, rules]) => (rules as any[]).flatMap((rule) => rule.to.filter((peer: any) => peer.ipBlock)));
      expect(ipBlocks.map((peer: any) => peer.ipBlock.cidr)).toEqual(["1.1.1.1/32", "0.0.0.0/0"]);
      expect(ipBlocks[1].ipBlock.except).toEqual(expect.arrayContaining(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"]));
    }
  });

  it("NET-07 allows each tenant only its own AI API hosts and the platform API, by hostname", () => {
    const config = (id: string) => parse(run.findResource("kubernetes:core/v1:ConfigMap", `tenant-${id}-egress-proxy-config`).inputs.data["envoy.yaml"]);
    const tunnelsOf = (id: string) =>
      config(id).static_resources.listeners[0].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts.flatMap((v: any) => v.domains);
    // The provider host is reached only through the provider listener, which holds the key (SEC-09).
    const providerOf = (id: string) => config(id).static_resources.listeners[1].filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes.find((r: any) => r.route).route.host_rewrite_literal;
    expect([tunnelsOf("acme"), providerOf("acme")]).toEqual([["api.agents.example.com:443", "*"], "api.anthropic.com"]);
    expect([tunnelsOf("globex"), providerOf("globex")]).toEqual([["api.agents.example.com:443", "*"], "api.openai.com"]);
    expect([tunnelsOf("initech"), providerOf("initech")]).toEqual([["api.agents.example.com:443", "*"], "initech-prod.openai.azure.com"]);
    for (const id of TENANTS) {
      expect(podSpec(run, id).containers[0].env).toEqual(
        expect.arrayContaining([{ name: "HTTPS_PROXY", value: expect.stringMatching(/^http:\/\/172\.20\.\d+\.\d+:3128$/) }]),
      );
    }
  });

  it("ISO-09 mounts no service account token in any tenant pod", () => {
    for (const id of TENANTS) {
      expect(run.findResource("kubernetes:core/v1:ServiceAccount", `tenant-${id}-service-account`).inputs.automountServiceAccountToken).toBe(false);
      expect([podSpec(run, id).automountServiceAccountToken, proxySpec(run, id).automountServiceAccountToken]).toEqual([false, false]);
    }
  });

  it("ISO-10 runs every tenant pod in the gVisor RuntimeClass", () => {
    for (const id of TENANTS) {
      expect([podSpec(run, id).runtimeClassName, proxySpec(run, id).runtimeClassName]).toEqual(["gvisor", "gvisor"]);
    }
  });

  it("ISO-06 ISO-07 ISO-08 ISO-11 ISO-12 harden every container of every tenant pod", () => {
    for (const id of TENANTS) {
      for (const spec of [podSpec(run, id), proxySpec(run, id)]) {
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        for (const container of [...spec.containers, ...(spec.initContainers ?? [])]) {
          expect(container.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            privileged: false,
            runAsNonRoot: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
          });
          expect(Object.keys(container.resources.limits).sort()).toEqual(["cpu", "memory"]);
          expect(container.resources.limits.cpu).toMatch(/^\d+m?$/);
          expect(container.resources.limits.memory).toMatch(/^\d+(Mi|Gi)$/);
        }
      }
    }
  });

  it("ISO-06 ISO-08 ISO-11 ISO-14 enforce Pod Security restricted in every tenant namespace", () => {
    for (const id of TENANTS) {
      const labels = run.findResource("kubernetes:core/v1:Namespace", `tenant-${id}-namespace`).inputs.metadata.labels;
      expect([labels["pod-security.kubernetes.io/enforce"], labels["pod-security.kubernetes.io/enforce-version"]]).toEqual(["restricted", "latest"]);
    }
  });

  it("ISO-14 gives tenant pods no host namespaces, no hostPath and no privileged container", () => {
    for (const id of TENANTS) {
      for (const spec of [podSpec(run, id), proxySpec(run, id)]) {
        expect([spec.hostNetwork, spec.hostPID, spec.hostIPC]).toEqual([false, false, false]);
        expect((spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
        expect(spec.containers.map((c: any) => c.securityContext.privileged)).toEqual(spec.containers.map(() => false));
      }
    }
  });

  it("AUTH-01 puts the auth-guard in every agent pod, checking tokens for that tenant's audience only", () => {
    for (const id of TENANTS) {
      const guard = podSpec(run, id).containers.find((c: any) => c.name === "auth-guard");
      expect(guard.args).toEqual(
        expect.arrayContaining([`--client-id=agent-${id}`, "--oidc-issuer-url=https://api.agents.example.com", "--skip-jwt-bearer-tokens=true"]),
      );
      expect(guard.args.filter((a: string) => a.startsWith("--skip-auth"))).toEqual([]);
    }
  });

  it("ISO-05 gives every tenant namespace its LimitRange", () => {
    for (const id of TENANTS) {
      const limits = run.findResource("kubernetes:core/v1:LimitRange", `tenant-${id}-limits`).inputs;
      expect(limits.metadata.namespace).toBe(`tenant-${id}`);
      expect(limits.spec.limits[0]).toMatchObject({ type: "Container", default: { cpu: "500m", memory: "512Mi" } });
    }
  });

  it("NET-08 NET-09 give every agent the mesh entry point and admit only the platform API to it", () => {
    for (const id of TENANTS) {
      const sidecar = run.findResource("kubernetes:networking.istio.io/v1:Sidecar", `tenant-${id}-sidecar`).inputs;
      expect(sidecar.spec.ingress).toEqual([
        expect.objectContaining({ port: { number: 8443, protocol: "HTTP", name: "http-agent" }, defaultEndpoint: "127.0.0.1:4180" }),
      ]);
      const policy = run.findResource("kubernetes:security.istio.io/v1:AuthorizationPolicy", `tenant-${id}-agent-policy`).inputs;
      expect([policy.metadata.namespace, policy.spec.action, policy.spec.rules]).toEqual([
        `tenant-${id}`,
        "ALLOW",
        [{ from: [{ source: { principals: ["cluster.local/ns/platform-api/sa/platform-api"] } }], to: [{ operation: { ports: ["8443"] } }] }],
      ]);
    }
  });

  it("ISO-13 keeps each agent's workspace on the encrypted StorageClass, kept when the agent goes", () => {
    const storage: Record<string, string> = { acme: "20Gi", globex: "100Gi", initech: "10Gi" };
    for (const id of TENANTS) {
      const claim = run.findResource("kubernetes:core/v1:PersistentVolumeClaim", `tenant-${id}-workspace`);
      expect([claim.inputs.metadata.name, claim.inputs.metadata.namespace, claim.inputs.spec]).toEqual([
        "workspace-agent-0",
        `tenant-${id}`,
        { accessModes: ["ReadWriteOnce"], storageClassName: "gp3-encrypted", resources: { requests: { storage: storage[id] } } },
      ]);
      // Removing the tenant from the configuration forgets the claim; the cluster keeps the data.
      expect(claim.options.retainOnDelete).toBe(true);
      const statefulSet = run.findResource("kubernetes:apps/v1:StatefulSet", `tenant-${id}-agent`).inputs.spec;
      expect(Object.keys(statefulSet)).not.toContain("volumeClaimTemplates");
      expect(statefulSet.template.spec.volumes[0]).toEqual({ name: "workspace", persistentVolumeClaim: { claimName: "workspace-agent-0" } });
    }
  });

  it("SEC-05 syncs each tenant's provider key from its own Vault path into a Secret only its egress proxy mounts", () => {
    for (const id of TENANTS) {
      const mountsOf = (spec: any) => (spec.volumes ?? []).filter((v: any) => v.secret?.secretName === "ai-provider-key");
      expect(mountsOf(podSpec(run, id))).toEqual([]);
      expect(mountsOf(proxySpec(run, id))).toEqual([
        { name: "provider-key", secret: { secretName: "ai-provider-key", optional: true, defaultMode: 0o440, items: [{ key: "credential", path: "credential" }] } },
      ]);
      expect(proxySpec(run, id).containers[0].volumeMounts).toEqual(expect.arrayContaining([{ name: "provider-key", mountPath: "/etc/agent-platform/provider", readOnly: true }]));
    }
    const acme = podSpec(run, "acme");
    // The agent mounts its workspace and its tenant's CA certificate; the auth-guard only its own secrets.
    expect(acme.containers.map((c: any) => [c.name, (c.volumeMounts ?? []).map((m: any) => `${m.name}:${m.mountPath}:${m.readOnly ?? false}`)])).toEqual([
      ["gateway", ["workspace:/home/node:false", "tenant-ca-cert:/etc/agent-platform/tenant-ca:true"]],
      ["auth-guard", ["auth-guard:/etc/auth-guard:true"]],
    ]);
    for (const id of TENANTS) {
      const sync = run.findResource("kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret", `tenant-${id}-ai-provider-key`).inputs;
      expect([sync.metadata.namespace, sync.spec.mount, sync.spec.path, sync.spec.destination.name]).toEqual([
        `tenant-${id}`,
        "agents",
        `${id}/ai-provider`,
        "ai-provider-key",
      ]);
      // A new key restarts the proxy, which holds it; the agent never sees it.
      expect(sync.spec.rolloutRestartTargets).toEqual([{ kind: "Deployment", name: "egress-proxy" }]);
    }
    expect(JSON.stringify(run.outputs)).not.toMatch(/api-key|API_KEY/);
  });

  it("RUN-08 names the pod, namespace, container and image of every sandboxed container, the egress proxy's included", () => {
    for (const id of TENANTS) {
      for (const spec of [podSpec(run, id), proxySpec(run, id)]) {
        for (const container of spec.containers) {
          const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
          expect([spec.runtimeClassName, env.POD_NAMESPACE, env.POD_NAME, env.AGENT_PLATFORM_CONTAINER, env.AGENT_PLATFORM_IMAGE]).toEqual([
            "gvisor",
            "metadata.namespace",
            "metadata.name",
            container.name,
            container.image,
          ]);
        }
      }
    }
  });

  it("SEC-05 passes no secret to any tenant container through its environment, so the trace session carries none", () => {
    for (const id of TENANTS) {
      for (const spec of [podSpec(run, id), proxySpec(run, id)]) {
        const containers = [...spec.containers, ...(spec.initContainers ?? [])];
        expect(containers.flatMap((c: any) => c.envFrom ?? [])).toEqual([]);
        const fromSecrets = containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => `${c.name}:${e.name}`));
        expect(fromSecrets).toEqual([]);
      }
    }
  });
});

describe("tenant lifecycle", () => {
  const tenantResources = (run: ProgramRun, id: string): CapturedResource[] =>
    run.resources.filter((r) => r.urn.includes(`::tenant-${id}`)).map((r) => ({ ...r, options: { ...r.options, dependsOn: [] } }));

  it("removing one tenant neither replaces nor changes another", async () => {
    const before = await runProgram({ stack: "prod" });
    const after = await runProgram({
      stack: "prod",
      config: {
        tenants: [
          { id: "acme", displayName: "Acme Corp", plan: "medium", modelProvider: "anthropic" },
          { id: "initech", displayName: "Initech", plan: "small", modelProvider: "azure-openai", allowedApiHosts: ["initech-prod.openai.azure.com"] },
        ],
      },
    });
    expect(tenantResources(after, "globex")).toEqual([]);
    expect(tenantResources(after, "acme")).toEqual(tenantResources(before, "acme"));
    expect(tenantResources(after, "initech")).toEqual(tenantResources(before, "initech"));
  });

  it("SEC-07 changing a tenant's plan updates its agent in place and grows its workspace, replacing only its proxy's configuration", async () => {
    const before = await runProgram({ stack: "prod" });
    const tenants = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")).config["agent-platform:tenants"];
    const after = await runProgram({
      stack: "prod",
      config: { tenants: tenants.map((t: any) => (t.id === "acme" ? { ...t, plan: "large" } : t)) },
    });
    const changes = diffPlans(before.resources, after.resources);
    // The plan carries the provider budget (SEC-09): the proxy's ConfigMap is replaced (it keeps
    // its name, so Pulumi deletes it first) and the proxy restarts on its checksum.
    expect(changes.map((c) => [c.kind, c.type, c.urn.split("::").pop()]).sort()).toEqual([
      ["replace", "kubernetes:core/v1:ConfigMap", "tenant-acme-egress-proxy-config"],
      ["update", "kubernetes:apps/v1:Deployment", "tenant-acme-egress-proxy"],
      ["update", "kubernetes:apps/v1:StatefulSet", "tenant-acme-agent"],
      ["update", "kubernetes:core/v1:LimitRange", "tenant-acme-limits"],
      ["update", "kubernetes:core/v1:PersistentVolumeClaim", "tenant-acme-workspace"],
      ["update", "kubernetes:core/v1:ResourceQuota", "tenant-acme-quota"],
    ]);
    const claim = changes.find((c) => c.type === "kubernetes:core/v1:PersistentVolumeClaim")!;
    expect(claim.paths).toEqual(['inputs.spec.resources.requests.storage: "20Gi" -> "50Gi"']);
  });

  it("SEC-07 removing a tenant from the configuration keeps its namespace and workspace until it is offboarded", async () => {
    const before = await runProgram({ stack: "prod" });
    const tenants = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")).config["agent-platform:tenants"];
    const after = await runProgram({ stack: "prod", config: { tenants: tenants.filter((t: any) => t.id !== "globex") } });
    const deletions = diffPlans(before.resources, after.resources).filter((c) => c.kind === "delete");
    expect(deletions.filter((c) => c.retainOnDelete).map((c) => c.urn.split("::").pop())).toEqual(["tenant-globex-namespace", "tenant-globex-workspace"]);
    expect(deletions.every((c) => c.urn.includes("tenant-globex"))).toBe(true);
    expect(formatDiff(deletions)).toContain(
      "- **delete** `urn:pulumi:prod::agent-platform::agent-platform:tenant:TenantStack$kubernetes:core/v1:PersistentVolumeClaim::tenant-globex-workspace` (kept: Pulumi forgets it, the cloud keeps it)",
    );
  });

  it("SEC-04 gives each agent its own Vault identity and role once Vault is configured", async () => {
    const run = await runProgram({ stack: "prod", config: { vault: { configure: true, address: "https://vault.example.com:8200" } } });
    for (const id of TENANTS) {
      expect(run.findResource("vault:identity/entity:Entity", `tenant-${id}-vault-entity`).inputs.metadata).toEqual({ agent_id: id });
      const role = run.findResource("vault:kubernetes/authBackendRole:AuthBackendRole", `tenant-${id}-vault-role`);
      expect([role.inputs.boundServiceAccountNamespaces, role.inputs.boundServiceAccountNames]).toEqual([[`tenant-${id}`], ["agent"]]);
      // The operator logs in as soon as its VaultAuth exists: only once the alias and role do.
      const alias = run.findResource("vault:identity/entityAlias:EntityAlias", `tenant-${id}-vault-alias`);
      const auth = run.findResource("kubernetes:secrets.hashicorp.com/v1beta1:VaultAuth", `tenant-${id}-vault-auth`);
      expect(role.options.dependsOn).toContain(alias.urn);
      expect(auth.options.dependsOn).toEqual(expect.arrayContaining([alias.urn, role.urn]));
    }
  });
});
