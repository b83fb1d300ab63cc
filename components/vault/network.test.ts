import { EXAMPLE_NETWORK } from "../network/testing";
import { buildSecretsOperatorPolicies, buildVaultPolicies } from "./network";

describe("Vault's NetworkPolicies", () => {
  it("admits only the operator, the platform API, Prometheus, the snapshot job and the peers to 8200, and peers alone to 8201", () => {
    const [server, snapshot] = buildVaultPolicies(EXAMPLE_NETWORK, { snapshots: true });
    expect(server.spec.ingress!.map((r) => [r.from.map((p) => p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] ?? "vault"), r.ports])).toEqual([
      [["vault-secrets-operator", "platform-api", "monitoring", "vault", "vault"], [{ protocol: "TCP", port: 8200 }]],
      [["vault"], [{ protocol: "TCP", port: 8201 }]],
    ]);
    expect(snapshot.spec.egress!.map((r) => r.ports)).toEqual([[{ protocol: "TCP", port: 8200 }], [{ protocol: "TCP", port: 443 }], [{ protocol: "TCP", port: 80 }]]);
  });

  it("declares no snapshot flows where no snapshot job runs", () => {
    const policies = buildVaultPolicies(EXAMPLE_NETWORK, { snapshots: false });
    expect(policies.map((p) => p.metadata.name)).toEqual(["vault-server"]);
    expect(JSON.stringify(policies)).not.toContain("vault-snapshot");
  });

  it("lets the operator reach vault-active and the API server, and its label-less hook Jobs only the API server", () => {
    const [operator, hooks] = buildSecretsOperatorPolicies(EXAMPLE_NETWORK);
    expect(operator.spec.egress!.map((r) => r.ports[0].port)).toEqual([8200, 443]);
    expect(hooks.spec).toEqual({
      podSelector: {
        matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "In", values: ["pdcc-vault-secrets-operator", "upgrade-crds-vault-secrets-operator"] }],
      },
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] }],
    });
  });
});
