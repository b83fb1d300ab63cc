/** The whole Gatekeeper bundle at once, as gator test runs it over a manifest directory. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TENANT_LABEL } from "./defaults";
import { NAMESPACE_EXEMPTIONS, WORKLOAD_EXEMPTIONS } from "./exemptions";
import { gator, gatorTest, yamlStream } from "./gator";
import { POLICIES, regoLibrary, regoSource, renderPolicyBundle } from "./policies";
import { writePolicyBundle } from "./render";
import { KNOWN_NAMESPACES, K8sObject, agent, compliantPod, namespace, pod, workload } from "./samples";
import { SUITES, SUITE_ARGS } from "./suites";



describe("Gatekeeper policy bundle", () => {
  const bundle = renderPolicyBundle(SUITE_ARGS);

  it("admits the compliant pod and its Deployment under every constraint at once", () => {
    const result = gatorTest([compliantPod(), workload("Deployment", compliantPod())]);
    // gator prints JSON null, not [], when nothing is violated.
    expect([result.status, JSON.parse(result.stdout) ?? []]).toEqual([0, []]);
  });

  it("writes the bundle as files that gator test runs over a manifest directory", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "gator-bundle-"));
    try {
      const files = writePolicyBundle(path.join(root, "policy"), { latestTag: "deny" });
      expect(files.map((f) => path.basename(f))).toEqual(["templates.yaml", "constraints.yaml", "expansions.yaml", "mutators.yaml"]);
      const manifests = path.join(root, "manifests");
      fs.mkdirSync(manifests);
      const write = (name: string, objects: K8sObject[]) => fs.writeFileSync(path.join(manifests, name), yamlStream(objects));
      write("namespaces.yaml", KNOWN_NAMESPACES.map(namespace));
      write("tenant-acme.yaml", [compliantPod(), workload("Deployment", compliantPod())]);
      const clean = gator(["test", "-f", path.join(root, "policy"), "-f", manifests]);
      expect([clean.status, clean.stdout]).toEqual([0, ""]);

      write("tenant-acme.yaml", [pod((p) => (agent(p).image = "ghcr.io/acme/agent:latest"))]);
      const latest = gator(["test", "-f", path.join(root, "policy"), "-f", manifests]);
      expect(latest.status).toBe(1);
      expect(latest.stdout).toContain('["disallowlatest"]');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a pod that breaks every rule once per constraint", () => {
    const bad = pod((p) => {
      p.metadata.labels["agent-platform.io/workload"] = "agent";
      p.spec = {
        hostPID: true,
        containers: [
          { name: "agent", image: "docker.io/library/ubuntu:latest", securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } } },
          { name: "auth-guard", image: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0" },
        ],
        volumes: [{ name: "provider-key", secret: { secretName: "ai-provider-key" } }],
      };
    });
    const result = gatorTest([bad]);
    expect(result.status).toBe(1);
    const names = new Set(JSON.parse(result.stdout).map((v: any) => v.constraint.metadata.name));
    expect([...names].sort()).toEqual(POLICIES.filter((p) => p.scope !== "workloads").map((p) => p.name).sort());
  });

  it("embeds each policy's .rego source in a v1 code target, never the legacy rego field", () => {
    for (const [i, policy] of bundle.policies.entries()) {
      const target = bundle.templates[i].spec.targets[0];
      const libs = (policy.libs ?? []).map(regoLibrary);
      expect(target).toEqual({
        target: "admission.k8s.gatekeeper.sh",
        code: [{ engine: "Rego", source: { version: "v1", rego: regoSource(policy), ...(libs.length ? { libs } : {}) } }],
      });
      expect(regoSource(policy)).toMatch(new RegExp(`^package ${policy.kind.toLowerCase()}\\n`));
      expect(bundle.templates[i].metadata.name).toBe(policy.kind.toLowerCase());
      expect(bundle.constraints[i].kind).toBe(policy.kind);
    }
  });

  it("ADM-01 ADM-02 ADM-03 ADM-04 ADM-05 exclude only kube-system and gatekeeper-system wholesale; istio-ingress from nothing", () => {
    for (const c of bundle.constraints) expect(c.spec.match.excludedNamespaces).toEqual(["kube-system", "gatekeeper-system"]);
    expect(NAMESPACE_EXEMPTIONS.every((e) => e.reason.length > 20)).toBe(true);
    // The public gateway, Vault and the other chart workloads are held to every constraint.
    const named = JSON.stringify(bundle.constraints.map((c) => c.spec));
    for (const ns of ["istio-ingress", "vault", "vault-secrets-operator", "cert-manager", "monitoring", "platform-api"]) {
      expect(named).not.toContain(`"${ns}"`);
    }
  });

  it("ISO-07 ISO-08 ISO-11 ISO-14 exempt only named host agents, from only the constraints they need, for only their containers and host paths", () => {
    const parameters = Object.fromEntries(bundle.constraints.map((c) => [c.metadata.name, c.spec.parameters?.exemptions]));
    expect(Object.entries(parameters).filter(([, e]) => e !== undefined).map(([name]) => name).sort()).toEqual([
      "capabilities", "hostisolation", "noprivilegeescalation", "runasnonroot",
    ]);
    expect(parameters.hostisolation.map((e: any) => [e.namespace, e.podLabels, e.hostPaths.length])).toEqual([
      ["falco", { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" }, 7],
      ["falco", { "app.kubernetes.io/name": "gvisor-monitor" }, 1],
      ["istio-system", { "k8s-app": "istio-cni-node" }, 5],
    ]);
    expect(parameters.noprivilegeescalation).toEqual([
      { namespace: "istio-system", podLabels: { "k8s-app": "istio-cni-node" }, containers: ["install-cni"] },
    ]);
    expect(parameters.runasnonroot.map((e: any) => e.containers)).toEqual([["falco"], ["install-cni"]]);
    expect(WORKLOAD_EXEMPTIONS.every((e) => e.reason.length > 20 && e.containers.length > 0)).toBe(true);
  });

  it("scopes the tenant-only constraints by the tenant namespace label", () => {
    const selected = bundle.constraints.filter((c) => c.spec.match.namespaceSelector).map((c) => c.metadata.name);
    expect(selected.sort()).toEqual(["hardenedsidecars", "noautomounttoken", "providerkeycustody", "requireruntimeclass"]);
    for (const c of bundle.constraints.filter((c) => c.spec.match.namespaceSelector)) {
      expect(c.spec.match.namespaceSelector).toEqual({ matchExpressions: [{ key: TENANT_LABEL, operator: "Exists" }] });
    }
  });

  it("gives every policy a suite with at least one admitted and one refused sample", () => {
    for (const policy of POLICIES) {
      const cases = SUITES[policy.name];
      expect([policy.name, cases.some((c) => c.violations === 0), cases.some((c) => c.violations > 0 && !!c.message)]).toEqual([policy.name, true, true]);
    }
  });
});
