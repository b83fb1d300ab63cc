import { parseStackConfig } from "../../config/load";
import { buildEgressProxyConfig } from "./egress";
import { buildLimitRange, buildResourceQuota, buildTenantNamespace } from "./namespace";
import { buildNetworkPolicies } from "./network";
import { authGuardArgs, buildAgentPodSpec, tokenAudience } from "./workload";

const tenantOf = (entry: Record<string, unknown>) =>
  parseStackConfig({
    domain: "agents.example.com",
    hostedZoneId: "Z123",
    acmeEmail: "ops@example.com",
    cluster: { foundationStack: "acme-corp/agent-platform/prod-foundation", deployerRoleArn: "arn:aws:iam::123456789012:role/deployer" },
    platformApi: { image: "ghcr.io/example/api:1.0.0" },
    agentImages: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15" },
    alertWebhookUrl: "https://hooks.example.com/alerts",
    tenants: [entry],
  }, ["alertWebhookUrl"]).tenants[0];

const acme = tenantOf({ id: "acme", modelProvider: "anthropic", plan: "medium" });

describe("tenant building blocks", () => {
  it("ISO-01 gives each tenant its own namespace, labelled with its id and PSA restricted", () => {
    expect(buildTenantNamespace(acme).metadata).toEqual({
      name: "tenant-acme",
      labels: {
        "app.kubernetes.io/name": "tenant-acme",
        "app.kubernetes.io/part-of": "agent-platform",
        "app.kubernetes.io/managed-by": "pulumi",
        "app.kubernetes.io/component": "tenant",
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/warn": "restricted",
        "istio-injection": "enabled",
        "agent-platform.io/tenant": "acme",
      },
    });
  });

  it("ISO-04 sums the quota from the tenant's pods and forbids LoadBalancer and NodePort services", () => {
    const quota = buildResourceQuota("tenant-acme", acme, [
      { containers: [{ requests: { cpu: "500m", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } }, { limits: { cpu: "100m", memory: "128Mi" } }] },
      { containers: [{ requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "500m", memory: "256Mi" } }] },
    ]);
    expect((quota.spec as any).hard).toEqual({
      "requests.cpu": "650m",
      "requests.memory": "4288Mi",
      "limits.cpu": "2600m",
      "limits.memory": "4480Mi",
      pods: "2",
      persistentvolumeclaims: "1",
      "requests.storage": "20Gi",
      "services.loadbalancers": "0",
      "services.nodeports": "0",
    });
  });

  it("ISO-05 sets container defaults and ceilings per tenant", () => {
    expect((buildLimitRange("tenant-acme", acme, { cpu: "2", memory: "4Gi" }).spec as any).limits).toEqual([
      { type: "Container", default: { cpu: "500m", memory: "512Mi" }, defaultRequest: { cpu: "100m", memory: "128Mi" }, max: { cpu: "2", memory: "4Gi" } },
      { type: "PersistentVolumeClaim", max: { storage: "20Gi" } },
    ]);
  });

  it("NET-07 lets the egress proxy open tunnels to the allowed hosts on 443 and refuses everything else", () => {
    const config = buildEgressProxyConfig(["api.anthropic.com", "api.agents.example.com"]) as any;
    const manager = config.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const hosts = manager.route_config.virtual_hosts;
    expect(hosts.map((h: any) => h.domains)).toEqual([["api.agents.example.com:443"], ["api.anthropic.com:443"], ["*"]]);
    expect(hosts[0].routes).toEqual([
      { match: { connect_matcher: {} }, route: { cluster: "dynamic_forward_proxy", upgrade_configs: [{ upgrade_type: "CONNECT", connect_config: {} }] } },
    ]);
    expect(hosts[2]).toEqual({
      name: "deny",
      domains: ["*"],
      routes: [
        { match: { connect_matcher: {} }, direct_response: { status: 403 } },
        { match: { prefix: "" }, direct_response: { status: 403 } },
      ],
    });
    const resolver = config.static_resources.clusters[0].cluster_type.typed_config.dns_cache_config.typed_dns_resolver_config;
    expect(resolver.typed_config.resolvers).toEqual([{ socket_address: { address: "1.1.1.1", port_value: 53 } }]);
  });

  it("AUTH-01 accepts only platform-issued tokens for this tenant's audience", () => {
    expect(tokenAudience("acme")).toBe("agent-acme");
    // The whole list: an added flag such as --skip-auth-route would open the gateway.
    expect(authGuardArgs("acme", "api.agents.example.com")).toEqual([
      "--http-address=127.0.0.1:4180",
      "--upstream=http://127.0.0.1:18789/",
      "--provider=oidc",
      "--oidc-issuer-url=https://api.agents.example.com",
      "--skip-oidc-discovery=true",
      "--oidc-jwks-url=https://api.agents.example.com/.well-known/jwks.json",
      "--login-url=https://api.agents.example.com/oauth2/authorize",
      "--redeem-url=https://api.agents.example.com/oauth2/token",
      "--client-id=agent-acme",
      "--client-secret-file=/etc/auth-guard/client-secret",
      "--cookie-secret-file=/etc/auth-guard/cookie-secret",
      "--skip-jwt-bearer-tokens=true",
      "--api-route=^/",
      "--email-domain=*",
      "--reverse-proxy=true",
      "--skip-provider-button=true",
      "--cookie-secure=true",
      "--silence-ping-logging=true",
    ]);
    expect(authGuardArgs("globex", "api.agents.example.com")).not.toContain("--client-id=agent-acme");
  });

  it("AUTH-01 starts the auth-guard without fetching OIDC discovery through the public edge", () => {
    const args = authGuardArgs("acme", "api.agents.example.com");
    // An extra issuer is discovered at start-up even when the provider's discovery is skipped.
    expect(args.filter((a) => a.startsWith("--extra-jwt-issuers"))).toEqual([]);
    expect(args).toContain("--skip-oidc-discovery=true");
    // Without discovery, issuer and JWKS must be given, or oauth2-proxy refuses to start.
    expect(args.filter((a) => /^--(oidc-issuer-url|oidc-jwks-url)=https:\/\/api\.agents\.example\.com/.test(a))).toHaveLength(2);
  });

  it("AUTH-02 runs the auth-guard with a read-only root filesystem and every capability dropped", () => {
    const spec = buildAgentPodSpec({
      namespace: "tenant-acme",
      tenant: acme,
      images: { gateway: "g:1", authGuard: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0" },
      platformApiHost: "api.agents.example.com",
      runtimeClassName: "gvisor",
      egressProxyUrl: "http://172.20.0.10:3128",
      egressProxyAddress: "172.20.0.10",
      istiodAddress: "172.20.0.20",
    });
    const guard = (spec.containers as any[]).find((c) => c.name === "auth-guard");
    expect(guard.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
      readOnlyRootFilesystem: true,
    });
  });

  it("confines every network policy to its own namespace", () => {
    for (const policy of buildNetworkPolicies("tenant-acme")) {
      expect(policy.metadata.namespace).toBe("tenant-acme");
      const peers = [...((policy.spec as any).ingress ?? []), ...((policy.spec as any).egress ?? [])].flatMap((r: any) => r.from ?? r.to ?? []);
      // A bare podSelector means "this namespace"; other namespaces are named platform ones only.
      for (const peer of peers) {
        const ns = peer.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"];
        expect(ns === undefined || ["platform-api", "istio-system", "monitoring"].includes(ns)).toBe(true);
        expect(JSON.stringify(peer)).not.toContain("tenant-");
      }
    }
  });
});
