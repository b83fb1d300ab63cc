import { stringify } from "yaml";
import { messages, resource } from "../fixtures";
import { egressProxyAllowlist, virtualHosts } from "./egress";

const forward = (name: string, domains: string[]) => ({ name, domains, routes: [{ match: { connect_matcher: {} }, route: { cluster: "dynamic_forward_proxy" } }] });
const DENY = { name: "deny", domains: ["*"], routes: [{ match: { prefix: "" }, direct_response: { status: 403 } }] };

/** The proxy's ConfigMap, shaped like the tenant component's Envoy bootstrap. */
function proxyConfig(vhosts: any[], namespace = "tenant-acme", text?: string) {
  const envoy = { static_resources: { listeners: [{ filter_chains: [{ filters: [{ typed_config: { route_config: { virtual_hosts: vhosts } } }] }] }] } };
  return resource("kubernetes:core/v1:ConfigMap", {
    kind: "ConfigMap",
    metadata: { name: "egress-proxy", namespace },
    data: { "envoy.yaml": text ?? stringify(envoy) },
  });
}

describe("egress proxy policy", () => {
  it("NET-07 lets the egress proxy forward only to exactly named hosts on 443, within allowedEgressHosts when set", () => {
    const good = proxyConfig([forward("anthropic", ["api.anthropic.com:443"]), forward("platform", ["api.agents.example.com:443"]), DENY]);
    expect(virtualHosts(JSON.parse(JSON.stringify({ a: [{ virtual_hosts: [DENY] }] })))).toEqual([DENY]);
    expect(messages(egressProxyAllowlist, [good, proxyConfig([forward("any", ["*"])], "platform-api")])).toEqual([]);
    const allowed = { "egress-proxy-allowlist": { allowedEgressHosts: ["api.anthropic.com", "*.agents.example.com"] } };
    expect(messages(egressProxyAllowlist, [good], allowed)).toEqual([]);
    const open = proxyConfig([forward("wild", ["*.openai.com:443", "*"]), forward("plain", ["api.openai.com:80"]), forward("ok", ["evil.example.net:443"])]);
    const where = "ConfigMap tenant-acme/egress-proxy";
    const exact = "name each host exactly with port 443, e.g. api.example.com:443.";
    expect(messages(egressProxyAllowlist, [open], allowed)).toEqual([
      `${where} forwards "*.openai.com:443": ${exact}`,
      `${where} forwards "*": ${exact}`,
      `${where} forwards "api.openai.com:80": ${exact}`,
      `${where} forwards evil.example.net, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.`,
    ]);
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", "a: [")])).toEqual([
      `${where} envoy.yaml is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 5): fix the proxy configuration.`,
    ]);
  });

  it("NET-07 SEC-09 checks where a route to a fixed cluster goes, whatever host the request names", () => {
    const fixed = (address: string, port: number) => ({ name: "provider", type: "LOGICAL_DNS", load_assignment: { endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address, port_value: port } } } }] }] } });
    const envoyWith = (clusters: any[]) =>
      stringify({
        static_resources: {
          listeners: [{ filter_chains: [{ filters: [{ typed_config: { route_config: { virtual_hosts: [{ name: "p", domains: ["*"], routes: [{ match: { prefix: "/" }, route: { cluster: "provider" } }] }] } } }] }] }],
          clusters,
        },
      });
    const allowed = { "egress-proxy-allowlist": { allowedEgressHosts: ["api.anthropic.com"] } };
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", envoyWith([fixed("api.anthropic.com", 443)]))], allowed)).toEqual([]);
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", envoyWith([fixed("127.0.0.1", 9901)]))], allowed)).toEqual([]);
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", envoyWith([fixed("evil.example.net", 443)]))], allowed)).toEqual([
      "ConfigMap tenant-acme/egress-proxy forwards evil.example.net, which is not in allowedEgressHosts: remove it or allow it in the pack configuration.",
    ]);
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", envoyWith([fixed("api.anthropic.com", 80)]))], allowed)).toEqual([
      "ConfigMap tenant-acme/egress-proxy forwards to api.anthropic.com:80: forward only to port 443.",
    ]);
    // A route to a cluster the bootstrap does not declare is treated as forwarding anywhere: its domains are checked.
    expect(messages(egressProxyAllowlist, [proxyConfig([], "tenant-acme", envoyWith([]))])).toEqual([
      'ConfigMap tenant-acme/egress-proxy forwards "*": name each host exactly with port 443, e.g. api.example.com:443.',
    ]);
  });
});
