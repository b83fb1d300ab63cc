import { agent, agentManifest, messages } from "../fixtures";
import { providerKeyCustody } from "./custody";

const AGENT = "StatefulSet tenant-acme/agent";

function agentWith(change: (spec: any, manifest: any) => void, namespace = "tenant-acme") {
  const manifest = agentManifest(namespace);
  change(manifest.spec.template.spec, manifest);
  return agent(manifest);
}

describe("provider key custody (SEC-09)", () => {
  it("SEC-09 refuses an agent pod that mounts, projects or env-references the provider key or the tenant CA's key", () => {
    expect(messages(providerKeyCustody, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      spec.volumes.push(
        { name: "provider-key", secret: { secretName: "ai-provider-key", optional: true } },
        { name: "bundle", projected: { sources: [{ secret: { name: "ai-provider-key" } }, { secret: { name: "tenant-ca", items: [{ key: "ca.crt", path: "ca.crt" }] } }] } },
        { name: "serving", secret: { secretName: "egress-proxy-tls" } },
      );
      spec.containers[0].env.push({ name: "ANTHROPIC_API_KEY", valueFrom: { secretKeyRef: { name: "ai-provider-key", key: "api-key" } } });
      spec.containers[1].envFrom = [{ secretRef: { name: "ai-provider-key" } }];
    });
    expect(messages(providerKeyCustody, [broken])).toEqual([
      `${AGENT} volume provider-key reads Secret ai-provider-key: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`,
      `${AGENT} volume bundle reads Secret ai-provider-key: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`,
      `${AGENT} volume bundle reads Secret tenant-ca, the tenant CA's key: trust ca.crt of egress-proxy-tls instead.`,
      `${AGENT} volume serving reads more than ca.crt of Secret egress-proxy-tls: project only items [{ key: ca.crt }].`,
      `${AGENT} container "gateway" env ANTHROPIC_API_KEY reads Secret ai-provider-key: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`,
      `${AGENT} container "auth-guard" envFrom reads Secret ai-provider-key: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`,
    ]);
  });

  it("SEC-09 lets the egress proxy, and pods outside tenant namespaces, hold the key", () => {
    const proxy = agentWith((spec, manifest) => {
      manifest.metadata.name = "egress-proxy";
      manifest.spec.template.metadata.labels = { ...manifest.spec.template.metadata.labels, "agent-platform.io/workload": "egress-proxy" };
      spec.volumes = [{ name: "provider-key", secret: { secretName: "ai-provider-key" } }];
    });
    const elsewhere = agentWith((spec) => spec.volumes.push({ name: "k", secret: { secretName: "ai-provider-key" } }), "platform-api");
    expect(messages(providerKeyCustody, [proxy, elsewhere])).toEqual([]);
    // The names are configuration: a renamed key Secret is still caught.
    const renamed = agentWith((spec) => spec.volumes.push({ name: "k", secret: { secretName: "llm-key" } }));
    expect(messages(providerKeyCustody, [renamed], { "tenant-provider-key-custody": { providerKeySecret: "llm-key" } } as any)).toEqual([
      `${AGENT} volume k reads Secret llm-key: the provider key stays with the egress proxy, which adds it; point the SDK at the proxy instead.`,
    ]);
  });
});
