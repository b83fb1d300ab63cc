import { EXAMPLE_NETWORK } from "../network/testing";
import { buildGatekeeperPolicies } from "./network";

describe("Gatekeeper's NetworkPolicies", () => {
  const policies = buildGatekeeperPolicies(EXAMPLE_NETWORK);
  const spec = (name: string) => policies.find((p) => p.metadata.name === name)!.spec;

  it("admits the API server and the post-install probe to the webhook, and Prometheus to the metrics", () => {
    expect(spec("gatekeeper-webhook").ingress!.map((r) => r.ports[0].port)).toEqual([8443, 8443, 8888]);
    expect(spec("gatekeeper-webhook").ingress![1].from).toEqual([
      { podSelector: { matchExpressions: [{ key: "batch.kubernetes.io/job-name", operator: "In", values: ["gatekeeper-probe-webhook-post-install"] }] } },
    ]);
  });

  it("lets only the probe Job, not the CRD hook, call the webhook, by a subset of the webhook Service's selector", () => {
    expect(spec("gatekeeper-webhook-probe").egress).toEqual([
      { to: [{ podSelector: { matchLabels: { app: "gatekeeper", "control-plane": "controller-manager" } } }], ports: [{ protocol: "TCP", port: 8443 }] },
    ]);
    expect(spec("gatekeeper-hooks").egress).toEqual([{ to: [{ ipBlock: { cidr: "172.20.0.1/32" } }], ports: [{ protocol: "TCP", port: 443 }] }]);
  });
});
