import { parse } from "yaml";
import { ProgramRun, runProgram } from "../../scripts/engine/run";

/** SEC-09 in the plan of prod: the provider key stays with each tenant's egress proxy. */
const TENANTS = { acme: "anthropic", globex: "openai", initech: "azure-openai" } as const;
const IDS = Object.keys(TENANTS) as (keyof typeof TENANTS)[];
const CERT = "kubernetes:cert-manager.io/v1:Certificate";
const ISSUER = "kubernetes:cert-manager.io/v1:Issuer";

const agentPod = (run: ProgramRun, id: string) => run.findResource("kubernetes:apps/v1:StatefulSet", `tenant-${id}-agent`).inputs.spec.template.spec;
const proxyPod = (run: ProgramRun, id: string) => run.findResource("kubernetes:apps/v1:Deployment", `tenant-${id}-egress-proxy`).inputs.spec.template.spec;
const proxyData = (run: ProgramRun, id: string) => run.findResource("kubernetes:core/v1:ConfigMap", `tenant-${id}-egress-proxy-config`).inputs.data;
const envoy = (run: ProgramRun, id: string) => parse(proxyData(run, id)["envoy.yaml"]);
const listener = (run: ProgramRun, id: string, name: string) => envoy(run, id).static_resources.listeners.find((l: any) => l.name === name);
const manager = (run: ProgramRun, id: string, name: string) => listener(run, id, name).filter_chains[0].filters[0].typed_config;
const filter = (run: ProgramRun, id: string, name: string) => manager(run, id, "provider").http_filters.find((f: any) => f.name === name).typed_config;
const env = (run: ProgramRun, id: string) => Object.fromEntries(agentPod(run, id).containers[0].env.map((e: any) => [e.name, e.value]));

describe("SEC-09 provider credential custody in the plan of prod", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("SEC-09 no container of any agent pod can read its tenant's provider key", () => {
    for (const id of IDS) {
      const pod = agentPod(run, id);
      // No volume, projection, env or envFrom names the key's Secret or the tenant CA's.
      expect(JSON.stringify(pod)).not.toMatch(/ai-provider-key|"tenant-ca"/);
      expect(pod.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name)).filter((n: string) => /API_?KEY|TOKEN|SECRET/.test(n))).toEqual([]);
      expect(pod.containers.flatMap((c: any) => c.envFrom ?? [])).toEqual([]);
      // The one Secret-backed file the agent gets is its tenant CA's certificate.
      expect(pod.volumes.filter((v: any) => v.secret || v.projected).map((v: any) => [v.name, v.secret?.secretName, v.secret?.items])).toEqual([
        ["tenant-ca-cert", "egress-proxy-tls", [{ key: "ca.crt", path: "ca.crt" }]],
        ["auth-guard", "auth-guard", [{ key: "client-secret", path: "client-secret" }, { key: "cookie-secret", path: "cookie-secret" }]],
      ]);
      // The proxy alone mounts it.
      expect(JSON.stringify(proxyPod(run, id))).toContain('"secretName":"ai-provider-key"');
    }
    // No Role or binding in the plan grants the agent's service account anything (it reads no Secret).
    const bindings = run.resources.filter((r) => /rbac\.authorization\.k8s\.io\/v1:(Cluster)?RoleBinding$/.test(r.type));
    const agentSubjects = bindings.flatMap((b) => (b.inputs.subjects ?? []).filter((s: any) => s.name === "agent" || String(s.namespace ?? "").startsWith("tenant-")));
    expect(agentSubjects).toEqual([]);
    expect(run.resources.filter((r) => /rbac\.authorization\.k8s\.io\/v1:Role$/.test(r.type) && String(r.inputs.metadata?.namespace).startsWith("tenant-"))).toEqual([]);
  });

  it("SEC-09 the egress proxy adds the key for its tenant's provider host only, stripping what the agent sends", () => {
    const hosts = { acme: "api.anthropic.com", globex: "api.openai.com", initech: "initech-prod.openai.azure.com" };
    const headers = { acme: "x-api-key", globex: "authorization", initech: "api-key" };
    for (const id of IDS) {
      const chain = manager(run, id, "provider").http_filters.map((f: any) => f.name);
      // The agent's own credentials go before the key is added; a budget refusal costs no key.
      expect(chain).toEqual([
        "envoy.filters.http.local_ratelimit",
        "envoy.filters.http.buffer",
        "envoy.filters.http.header_mutation",
        "envoy.filters.http.credential_injector",
        "envoy.filters.http.router",
      ]);
      expect(filter(run, id, "envoy.filters.http.header_mutation").mutations.request_mutations).toEqual(
        ["authorization", "x-api-key", "api-key", "x-goog-api-key", "proxy-authorization"].map((remove) => ({ remove })),
      );
      const injector = filter(run, id, "envoy.filters.http.credential_injector");
      expect([injector.overwrite, injector.allow_request_without_credential, injector.credential.typed_config.header]).toEqual([true, false, headers[id]]);
      // The injected secret is the file only the proxy mounts.
      const sds = parse(proxyData(run, id)["sds-credential.yaml"]);
      expect(sds.resources[0].generic_secret.secret.filename).toBe("/etc/agent-platform/provider/credential");
      // One route, to one cluster: the provider host, TLS with SNI and its certificate checked. A key in
      // the query string is refused before it; x-envoy-* request headers are not trusted from the agent.
      const provider = manager(run, id, "provider");
      expect(provider.route_config.virtual_hosts[0].routes).toEqual([
        { match: { prefix: "/", query_parameters: [{ name: "key", present_match: true }] }, direct_response: { status: 400 } },
        { match: { prefix: "/" }, route: { cluster: "provider", host_rewrite_literal: hosts[id], timeout: "600s" } },
      ]);
      expect([provider.use_remote_address, provider.internal_address_config]).toEqual([true, { cidr_ranges: [{ address_prefix: "127.0.0.1", prefix_len: 32 }] }]);
      const cluster = envoy(run, id).static_resources.clusters.find((c: any) => c.name === "provider");
      expect(cluster.load_assignment.endpoints[0].lb_endpoints.map((e: any) => e.endpoint.address.socket_address)).toEqual([{ address: hosts[id], port_value: 443 }]);
      const tls = cluster.transport_socket.typed_config;
      expect([tls.sni, tls.common_tls_context.validation_context]).toEqual([
        hosts[id],
        { trusted_ca: { filename: "/etc/ssl/certs/ca-certificates.crt" }, match_typed_subject_alt_names: [{ san_type: "DNS", matcher: { exact: hosts[id] } }] },
      ]);
      // The CONNECT listener adds nothing to tunnels, and offers none to the provider host.
      expect(JSON.stringify(listener(run, id, "connect"))).not.toMatch(/credential|provider/);
    }
    // The operator renders the header value with the provider's prefix; the key itself stays in Vault's data.
    const templates = (id: string) => run.findResource("kubernetes:secrets.hashicorp.com/v1beta1:VaultStaticSecret", `tenant-${id}-ai-provider-key`).inputs.spec.destination.transformation.templates;
    expect(templates("acme")).toEqual({ credential: { text: '{{ get .Secrets "api-key" }}' } });
    expect(templates("globex")).toEqual({ credential: { text: 'Bearer {{ get .Secrets "api-key" }}' } });
    expect(templates("initech")).toEqual({ credential: { text: '{{ get .Secrets "api-key" }}' } });
  });

  it("SEC-09 the agent's SDK calls the proxy over TLS with a certificate from its tenant's own CA", () => {
    const base = (id: string) => `https://egress-proxy.tenant-${id}.internal:8443`;
    expect(env(run, "acme")).toMatchObject({ ANTHROPIC_BASE_URL: base("acme"), AGENT_PLATFORM_PROVIDER_BASE_URL: base("acme") });
    expect(env(run, "globex")).toMatchObject({ OPENAI_BASE_URL: `${base("globex")}/v1` });
    expect(env(run, "initech")).toMatchObject({ AZURE_OPENAI_ENDPOINT: base("initech") });
    for (const id of IDS) {
      const ns = `tenant-${id}`;
      expect(env(run, id)).toMatchObject({ NODE_EXTRA_CA_CERTS: "/etc/agent-platform/tenant-ca/ca.crt", NO_PROXY: `127.0.0.1,localhost,egress-proxy.${ns}.internal` });
      const inNs = (type: string) => run.findResources(type).filter((r) => r.inputs.metadata.namespace === ns).map((r) => r.inputs);
      const certs = Object.fromEntries(inNs(CERT).map((c) => [c.metadata.name, c.spec]));
      const issuers = Object.fromEntries(inNs(ISSUER).map((i) => [i.metadata.name, i.spec]));
      // The tenant's own chain: a self-signed root, a CA Issuer on it, the proxy's certificate from that Issuer.
      expect(issuers).toEqual({ "tenant-ca-root": { selfSigned: {} }, "tenant-ca": { ca: { secretName: "tenant-ca" } } });
      expect([certs["tenant-ca"].isCA, certs["tenant-ca"].issuerRef]).toEqual([true, { name: "tenant-ca-root", kind: "Issuer", group: "cert-manager.io" }]);
      expect([certs["egress-proxy-tls"].issuerRef, certs["egress-proxy-tls"].dnsNames]).toEqual([
        { name: "tenant-ca", kind: "Issuer", group: "cert-manager.io" },
        [`egress-proxy.${ns}.internal`],
      ]);
      const downstream = listener(run, id, "provider").filter_chains[0].transport_socket.typed_config;
      expect(downstream["@type"]).toBe("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext");
      expect(parse(proxyData(run, id)["sds-serving.yaml"]).resources[0].tls_certificate.private_key).toEqual({ filename: "/etc/agent-platform/tls/tls.key" });
      expect(run.findResource("kubernetes:core/v1:Service", `tenant-${id}-egress-proxy`).inputs.spec.ports.map((p: any) => p.port)).toEqual([3128, 8443]);
    }
  });

  it("SEC-09 every provider call is budgeted, size-capped and logged without headers or bodies", () => {
    const budgets = { acme: [180, 8 * 2 ** 20], globex: [600, 16 * 2 ** 20], initech: [60, 4 * 2 ** 20] };
    for (const id of IDS) {
      const limit = filter(run, id, "envoy.filters.http.local_ratelimit");
      // The alert (ProviderBudgetExhausted) selects this prefix.
      expect([limit.stat_prefix, limit.token_bucket, limit.filter_enforced.default_value.numerator]).toEqual([
        "provider",
        { max_tokens: budgets[id][0], tokens_per_fill: budgets[id][0], fill_interval: "60s" },
        100,
      ]);
      expect(filter(run, id, "envoy.filters.http.buffer").max_request_bytes).toBe(budgets[id][1]);
      const log = manager(run, id, "provider").access_log[0].typed_config.log_format.json_format;
      expect(Object.keys(log).sort()).toEqual(
        ["bytes_received", "bytes_sent", "duration_ms", "host", "method", "path", "response_flags", "start_time", "status", "tenant", "upstream_ms"],
      );
      expect(log.tenant).toBe(id);
      // Only the method and the path without its query come from the request; nothing of headers or body.
      const fromRequest = Object.values(log).join(" ").match(/%[A-Z_]*REQ[A-Z_]*\([^)]*\)%/g);
      expect(fromRequest).toEqual(["%REQ(:METHOD)%", "%REQ_WITHOUT_QUERY(:PATH)%"]);
      expect(JSON.stringify(log)).not.toMatch(/BODY|HEADER|%REQ\((?!:METHOD)/);
    }
  });
});
