import { TENANT_NAMESPACE_PREFIX } from "../../config/defaults";
import { CONTROL_DEFINITIONS } from "../../controls/definitions";
import { EGRESS_PROXY_PORT, PROVIDER_PROXY_PORT, PUBLIC_DNS_SERVER } from "../tenant/defaults";
import { FalcoRule, listsOf, macrosOf, parseRules, referencedNames, ruleForControl, rulesOf } from "./rules";

const items = parseRules();
const flat = (s: string) => s.replace(/\s+/g, " ").trim();
const condition = (control: string) => flat(ruleForControl(control, items).condition);
/** The condition with every parenthesised group blanked out, leaving only its top-level operators. */
function topLevel(text: string): string {
  let depth = 0;
  return [...text].map((ch) => {
    if (ch === "(") depth += 1;
    const out = depth === 0 ? ch : "_";
    if (ch === ")") depth -= 1;
    return out;
  }).join("");
}
const listItems = (name: string) => listsOf(items).find((l) => l.list === name)!.items;

/** Fields every alert carries, so an operator can find the tenant, pod and image without a lookup. */
const CONTEXT_FIELDS = ["%k8s.ns.name", "%k8s.pod.name", "%container.name", "%container.image.repository", "%proc.cmdline"];

function expectRule(control: string, fragments: string[], outputFields: string[]): FalcoRule {
  const rule = ruleForControl(control, items);
  const severity = CONTROL_DEFINITIONS.find((c) => c.id === control)!.severity;
  expect(rule.priority).toBe(severity);
  for (const fragment of ["agent_platform_workload", ...fragments]) expect(condition(control)).toContain(fragment);
  for (const field of [...CONTEXT_FIELDS, ...outputFields]) expect(rule.output).toContain(field);
  expect(rule.tags).toEqual(expect.arrayContaining(["agent-platform", control]));
  return rule;
}

describe("Falco agent rules", () => {
  it("RUN-01 warns when a shell is spawned in an agent container", () => {
    expectRule("RUN-01", ["agent_platform_spawned_process", "proc.name in (agent_platform_shell_binaries)"], ["%proc.pname", "%user.uid"]);
    expect(listItems("agent_platform_shell_binaries")).toEqual(expect.arrayContaining(["sh", "bash", "dash", "zsh", "busybox"]));
  });

  it("RUN-02 raises a critical alert for sudo, su and setuid bits in an agent container", () => {
    expectRule(
      "RUN-02",
      [
        "agent_platform_spawned_process and proc.name in (agent_platform_userexec_binaries)",
        'evt.type in (chmod, fchmod, fchmodat) and evt.dir=< and (evt.arg.mode contains "S_ISUID" or evt.arg.mode contains "S_ISGID")',
      ],
      ["%evt.arg.mode", "%user.name"],
    );
    expect(listItems("agent_platform_userexec_binaries")).toEqual(expect.arrayContaining(["sudo", "su", "doas", "pkexec"]));
  });

  it("RUN-03 raises a critical alert for miner binaries, stratum URLs and stratum ports", () => {
    expectRule(
      "RUN-03",
      [
        "proc.name in (agent_platform_miner_binaries)",
        'proc.cmdline contains "stratum+"',
        'proc.cmdline contains "stratum2+"',
        "agent_platform_connect and fd.sport in (agent_platform_mining_ports)",
      ],
      ["%fd.name", "%fd.rport"],
    );
    expect(listItems("agent_platform_miner_binaries")).toEqual(expect.arrayContaining(["xmrig", "minerd", "cpuminer", "ethminer"]));
    expect(listItems("agent_platform_mining_ports")).toEqual(expect.arrayContaining([3333, 4444, 14444]));
    expect(listItems("agent_platform_mining_ports")).not.toContain(443);
  });

  it("RUN-04 raises a critical alert when an agent reads mounted secrets or a Vault token", () => {
    expectRule(
      "RUN-04",
      [
        "agent_platform_open_read",
        "fd.name pmatch (agent_platform_secret_dirs) and not fd.name pmatch (agent_platform_service_account_dirs)",
        'fd.filename = ".vault-token"',
      ],
      ["%fd.name"],
    );
    expect(listItems("agent_platform_secret_dirs")).toEqual(["/var/run/secrets", "/run/secrets", "/vault/secrets"]);
  });

  it("RUN-04 leaves out exactly the mesh sidecar reading its own token and root certificate", () => {
    expect(condition("RUN-04")).toContain('not (container.name = "istio-proxy" and fd.name in (agent_platform_mesh_sidecar_files))');
    // The paths of the istio-token and istiod-ca-cert mounts in Istio's injection template.
    expect(listItems("agent_platform_mesh_sidecar_files")).toEqual([
      "/var/run/secrets/tokens/istio-token",
      "/var/run/secrets/istio/root-cert.pem",
      "/var/run/secrets/istio/crl/ca-crl.pem",
    ]);
  });

  it("RUN-05 raises an error when an agent contacts the Kubernetes API", () => {
    expectRule(
      "RUN-05",
      ["agent_platform_connect", "fd.sip in (agent_platform_kube_api_addresses) or fd.sport in (agent_platform_kube_api_ports)"],
      ["%fd.rip", "%fd.rport"],
    );
    expect(listItems("agent_platform_kube_api_addresses")).toEqual(['"10.100.0.1"', '"172.20.0.1"']);
    expect(listItems("agent_platform_kube_api_ports")).toEqual([6443, 10250]);
  });

  it("RUN-06 raises a critical alert for /etc/shadow, pid 1 internals and service-account tokens", () => {
    expectRule(
      "RUN-06",
      [
        "agent_platform_open_read",
        "fd.name in (agent_platform_sensitive_files)",
        "fd.name startswith /proc/1/ and not fd.name in (agent_platform_proc1_listing_files)",
        "fd.name pmatch (agent_platform_service_account_dirs)",
      ],
      ["%fd.name"],
    );
    expect(listItems("agent_platform_sensitive_files")).toEqual(expect.arrayContaining(["/etc/shadow", "/etc/sudoers"]));
    expect(listItems("agent_platform_service_account_dirs")).toContain("/var/run/secrets/kubernetes.io/serviceaccount");
    expect(listItems("agent_platform_proc1_listing_files")).not.toEqual(expect.arrayContaining(["/proc/1/environ"]));
    expect(listItems("agent_platform_proc1_listing_files")).not.toEqual(expect.arrayContaining(["/proc/1/mem"]));
  });

  it("RUN-07 raises an error for agent egress on any port but 443, DNS and the egress proxy aside", () => {
    expectRule(
      "RUN-07",
      [
        "agent_platform_connect",
        "not agent_platform_loopback",
        "not fd.sport in (agent_platform_allowed_egress_ports)",
        "not (fd.sport = 53 and fd.sip in (agent_platform_dns_resolvers))",
        "not (fd.sport in (agent_platform_egress_proxy_ports) and fd.snet in (agent_platform_private_networks))",
        'not (container.name = "istio-proxy" and fd.sport in (agent_platform_mesh_control_ports))',
      ],
      ["%fd.rip", "%fd.rport", "%fd.l4proto"],
    );
    expect(listItems("agent_platform_allowed_egress_ports")).toEqual([443]);
    // The exceptions are exactly what the tenant's NetworkPolicy lets out (NET-01, NET-07).
    expect(listItems("agent_platform_dns_resolvers")).toEqual([`"${PUBLIC_DNS_SERVER}"`]);
    expect(listItems("agent_platform_egress_proxy_ports")).toEqual([EGRESS_PROXY_PORT, PROVIDER_PROXY_PORT]);
    expect(listItems("agent_platform_private_networks")).toEqual(['"10.0.0.0/8"', '"172.16.0.0/12"', '"192.168.0.0/16"']);
  });

  it("maps every detection control RUN-01..07 to exactly one rule by its tag", () => {
    const controls = CONTROL_DEFINITIONS.filter((c) => c.severity).map((c) => c.id);
    expect(controls).toEqual(["RUN-01", "RUN-02", "RUN-03", "RUN-04", "RUN-05", "RUN-06", "RUN-07"]);
    const tagged = rulesOf(items).map((r) => r.tags.filter((t) => /^RUN-\d\d$/.test(t)));
    expect(tagged.every((t) => t.length === 1)).toBe(true);
    expect(tagged.flat().sort()).toEqual(controls);
  });

  it("scopes every rule to containers in tenant namespaces", () => {
    expect(flat(macrosOf(items).find((m) => m.macro === "agent_platform_workload")!.condition)).toBe(
      `(container.id != host and k8s.ns.name startswith "${TENANT_NAMESPACE_PREFIX}")`,
    );
    for (const rule of rulesOf(items)) {
      // A top-level conjunct, and no top-level `or`, so no branch can escape the scope.
      const top = topLevel(flat(rule.condition));
      expect([rule.rule, top.includes(" or "), top.split(" and ").includes("agent_platform_workload")]).toEqual([rule.rule, false, true]);
    }
  });

  it("defines every list and macro the rules use, and uses every one it defines", () => {
    const defined = [...macrosOf(items).map((m) => m.macro), ...listsOf(items).map((l) => l.list)];
    const used = new Set(
      [...rulesOf(items).map((r) => r.condition), ...macrosOf(items).map((m) => m.condition)].flatMap(referencedNames),
    );
    expect([...used].filter((name) => !defined.includes(name))).toEqual([]);
    expect(defined.filter((name) => !used.has(name))).toEqual([]);
    expect(new Set(defined).size).toBe(defined.length);
  });

  it("gives every rule a name, a description and a Falco priority, and nothing Falco would refuse", () => {
    const priorities = ["EMERGENCY", "ALERT", "CRITICAL", "ERROR", "WARNING", "NOTICE", "INFORMATIONAL", "DEBUG"];
    for (const rule of rulesOf(items)) {
      expect(Object.keys(rule).sort()).toEqual(["condition", "desc", "output", "priority", "rule", "tags"]);
      expect(priorities).toContain(rule.priority);
      expect(rule.rule.startsWith("Agent platform ")).toBe(true);
      // Unbalanced parentheses are the commonest reason Falco refuses a rules file at start-up.
      const depth = [...rule.condition].reduce((d, ch) => (d < 0 ? d : d + (ch === "(" ? 1 : ch === ")" ? -1 : 0)), 0);
      expect([rule.rule, depth]).toEqual([rule.rule, 0]);
    }
  });
});

describe("Falco agent rules, exactly as reviewed", () => {
  // Fragment checks above cannot see an `or` turned into `and`; these pin each condition whole.
  it("pins the event macros every agent rule builds on", () => {
    const macros = Object.fromEntries(macrosOf(items).map((m) => [m.macro, flat(m.condition)]));
    expect(macros).toEqual({
      "agent_platform_workload": "(container.id != host and k8s.ns.name startswith \"tenant-\")",
      "agent_platform_spawned_process": "(evt.type in (execve, execveat) and evt.dir=<)",
      "agent_platform_open_read": "(evt.type in (open, openat, openat2) and evt.is_open_read=true and fd.typechar='f' and fd.num>=0)",
      "agent_platform_connect": "(((evt.type = connect and evt.dir=<) or (evt.type in (sendto, sendmsg) and evt.dir=< and fd.l4proto != tcp and fd.connected=false and fd.name_changed=true)) and (fd.typechar = 4 or fd.typechar = 6) and (evt.rawres >= 0 or evt.res = EINPROGRESS))",
      "agent_platform_loopback": "(fd.snet = \"127.0.0.0/8\" or fd.sip = \"::1\")"
    });
  });

  it("pins every RUN rule condition", () => {
    const conditions = Object.fromEntries(["RUN-01", "RUN-02", "RUN-03", "RUN-04", "RUN-05", "RUN-06", "RUN-07"].map((c) => [c, condition(c)]));
    expect(conditions).toEqual({
      "RUN-01": "agent_platform_spawned_process and agent_platform_workload and proc.name in (agent_platform_shell_binaries)",
      "RUN-02": "agent_platform_workload and ((agent_platform_spawned_process and proc.name in (agent_platform_userexec_binaries)) or (evt.type in (chmod, fchmod, fchmodat) and evt.dir=< and (evt.arg.mode contains \"S_ISUID\" or evt.arg.mode contains \"S_ISGID\")))",
      "RUN-03": "agent_platform_workload and ((agent_platform_spawned_process and (proc.name in (agent_platform_miner_binaries) or proc.cmdline contains \"stratum+\" or proc.cmdline contains \"stratum2+\")) or (agent_platform_connect and fd.sport in (agent_platform_mining_ports)))",
      "RUN-04": "agent_platform_open_read and agent_platform_workload and ((fd.name pmatch (agent_platform_secret_dirs) and not fd.name pmatch (agent_platform_service_account_dirs)) or fd.filename = \".vault-token\") and not (container.name = \"istio-proxy\" and fd.name in (agent_platform_mesh_sidecar_files))",
      "RUN-05": "agent_platform_connect and agent_platform_workload and (fd.sip in (agent_platform_kube_api_addresses) or fd.sport in (agent_platform_kube_api_ports))",
      "RUN-06": "agent_platform_open_read and agent_platform_workload and (fd.name in (agent_platform_sensitive_files) or (fd.name startswith /proc/1/ and not fd.name in (agent_platform_proc1_listing_files)) or fd.name pmatch (agent_platform_service_account_dirs))",
      "RUN-07": "agent_platform_connect and agent_platform_workload and not agent_platform_loopback and not fd.sport in (agent_platform_allowed_egress_ports) and not (fd.sport = 53 and fd.sip in (agent_platform_dns_resolvers)) and not (fd.sport in (agent_platform_egress_proxy_ports) and fd.snet in (agent_platform_private_networks)) and not (container.name = \"istio-proxy\" and fd.sport in (agent_platform_mesh_control_ports))"
    });
  });
});
