import { buildFalcoPolicies, buildGvisorMonitorPolicies } from "./network";

describe("runtime detection's NetworkPolicies", () => {
  it("lets Falco and the gVisor monitor post to falcosidekick, by its Service's selector", () => {
    const [falco, sidekick] = buildFalcoPolicies("falco", { alertWebhook: true });
    const [monitor] = buildGvisorMonitorPolicies("falco");
    const toSidekick = { podSelector: { matchLabels: { "app.kubernetes.io/name": "falcosidekick", "app.kubernetes.io/instance": "falco", "app.kubernetes.io/component": "core" } } };
    expect(falco.spec.egress![0]).toEqual({ to: [toSidekick], ports: [{ protocol: "TCP", port: 2801 }] });
    expect(monitor.spec.egress).toEqual([{ to: [toSidekick], ports: [{ protocol: "TCP", port: 2801 }] }]);
    expect(sidekick.spec.ingress![0].from.length).toBe(3);
  });

  it("gives falcosidekick no way out without an alert webhook", () => {
    const [, sidekick] = buildFalcoPolicies("falco", { alertWebhook: false });
    expect([sidekick.spec.policyTypes, sidekick.spec.egress]).toEqual([["Ingress", "Egress"], []]);
  });
});
