import { EXAMPLE_NETWORK } from "../network/testing";
import { buildMonitoringPolicies } from "./network";
import { buildScrapeTargets } from "./targets";

const policies = (alertWebhook: boolean) => buildMonitoringPolicies(EXAMPLE_NETWORK, { alertWebhook });
const prometheusPorts = () => policies(true)[0].spec.egress!.flatMap((r) => r.ports.map((p) => p.port));

describe("monitoring's NetworkPolicies", () => {
  it("lets Prometheus reach every port the platform's monitors scrape", () => {
    const scraped = buildScrapeTargets().map((t) => t.port);
    expect(scraped.filter((port) => !prometheusPorts().includes(port))).toEqual([]);
    // Falco, falcosidekick, the gVisor monitor and Gatekeeper bring their own monitors.
    expect(prometheusPorts()).toEqual(expect.arrayContaining([8765, 2801, 9376, 8888]));
  });

  it("sends alerts out only when a webhook is configured", () => {
    const alertmanager = (on: boolean) => policies(on).find((p) => p.metadata.name === "alertmanager")!.spec.egress!;
    expect(alertmanager(true).map((r) => r.ports.map((p) => `${p.protocol}/${p.port}`))).toEqual([["TCP/9094", "UDP/9094"], ["TCP/443"]]);
    expect(alertmanager(false).map((r) => r.ports.map((p) => `${p.protocol}/${p.port}`))).toEqual([["TCP/9094", "UDP/9094"]]);
  });

  it("admits the API server only to the operator's webhook port", () => {
    const fromNodes = policies(true).flatMap((p) =>
      (p.spec.ingress ?? []).filter((r) => r.from.some((peer) => peer.ipBlock)).map((r) => [p.metadata.name, r.ports]),
    );
    expect(fromNodes).toEqual([["prometheus-operator", [{ protocol: "TCP", port: 10250 }]]]);
  });
});
