import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { GATEKEEPER_CHART, TENANT_LABEL } from "./defaults";
import { NAMESPACE_EXEMPTIONS, WORKLOAD_EXEMPTIONS } from "./exemptions";
import { GATOR, gator, passedCases } from "./gator";
import { POLICIES, latestTagEnforcementAction, regoLibrary, regoSource, renderPolicyBundle } from "./policies";
import { suiteDocument, writeGatorSuites, writePolicyBundle } from "./render";
import { KNOWN_NAMESPACES, K8sObject, agent, compliantPod, namespace, pod, workload } from "./samples";
import { SUITES, SUITE_ARGS } from "./suites";

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gator-suites-"));
  writeGatorSuites(dir);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs one policy's suite and returns the cases that passed; throws with gator's output on failure. */
function verify(policy: string): string[] {
  const result = gator(["verify", "-v", path.join(dir, policy)]);
  if (result.status !== 0) throw new Error(`gator verify ${policy} exited ${result.status}:\n${result.stdout}${result.stderr}`);
  return passedCases(result.stdout);
}

const yamlStream = (objects: K8sObject[]) => objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");

/** `gator test` over the whole bundle and the given objects, as a later manifest check will run it. */
function gatorTest(objects: K8sObject[], args = SUITE_ARGS) {
  const bundle = renderPolicyBundle(args);
  const namespaces = [...KNOWN_NAMESPACES, "istio-ingress"].map(namespace);
  const input = yamlStream([...bundle.templates, ...bundle.constraints, ...bundle.expansions, ...bundle.mutators, ...namespaces, ...objects]);
  return gator(["test", "-o", "json"], input);
}

describe("Gatekeeper policy suites (gator v3.23.1)", () => {
  it("runs the gator release that matches the pinned Gatekeeper chart", () => {
    const script = fs.readFileSync(path.join(__dirname, "..", "..", "scripts", "install-tools.sh"), "utf8");
    expect(script).toContain(`GATOR_VERSION="v${GATEKEEPER_CHART.version}"`);
    expect(GATOR.endsWith(path.join(".tools", "bin", "gator"))).toBe(true);
    expect(() => gator(["version"], undefined, "/nonexistent/gator")).toThrow(
      "gator not found at /nonexistent/gator: run scripts/install-tools.sh (npm test runs it as pretest)",
    );
    expect(gator(["version"]).stdout).toMatch(new RegExp(`^GitVersion:\\s+v${GATEKEEPER_CHART.version.replace(/\./g, "\\.")}$`, "m"));
  });

  it("passes every policy's gator suite", () => {
    const result = gator(["verify", `${dir}/...`]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const ok = [...result.stdout.matchAll(/^ok\s+\S+\/(\w+)\/suite\.yaml/gm)].map((m) => m[1]).sort();
    expect(ok).toEqual(POLICIES.map((p) => p.name).sort());
  });

  it("fails a suite whose expectation is wrong, so a passing run means something", () => {
    const broken = fs.mkdtempSync(path.join(os.tmpdir(), "gator-broken-"));
    try {
      writeGatorSuites(broken);
      const cases = SUITES.hostisolation.map((c) => (c.name === "privileged-container-denied" ? { ...c, violations: 0 } : c));
      fs.writeFileSync(path.join(broken, "hostisolation", "suite.yaml"), stringify(suiteDocument("hostisolation", cases)));
      const result = gator(["verify", "-v", path.join(broken, "hostisolation")]);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/--- FAIL: privileged-container-denied/);
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });

  it("ADM-01 requires app.kubernetes.io/name and part-of on Deployments and StatefulSets", () => {
    expect(verify("requiredlabels")).toEqual(expect.arrayContaining([
      "labelled-deployment-allowed",
      "labelled-statefulset-allowed",
      "deployment-without-part-of-denied",
      "statefulset-without-labels-denied",
      "empty-label-value-denied",
    ]));
  });

  it("ADM-02 denies privileged containers", () => {
    expect(verify("hostisolation")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "privileged-container-denied",
      "privileged-init-container-denied",
      "privileged-platform-pod-denied",
      "privileged-deployment-denied",
    ]));
  });

  it("ISO-14 denies host network, PID and IPC namespaces and hostPath volumes", () => {
    expect(verify("hostisolation")).toEqual(expect.arrayContaining([
      "host-network-denied",
      "host-pid-denied",
      "host-ipc-denied",
      "host-path-denied",
    ]));
  });

  it("ADM-03 requires cpu and memory limits on every container, init containers included", () => {
    expect(verify("containerlimits")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "missing-cpu-limit-denied",
      "init-container-missing-memory-limit-denied",
      "no-resources-denied",
      "requests-only-denied",
    ]));
  });

  it("ISO-12 refuses a workload whose pod template has containers without limits", () => {
    expect(verify("containerlimits")).toContain("deployment-without-limits-denied");
  });

  it("ADM-04 requires runAsNonRoot: true and refuses uid 0 on every container", () => {
    expect(verify("runasnonroot")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "container-overrides-run-as-non-root-denied",
      "run-as-user-zero-denied",
      "platform-deployment-without-run-as-non-root-denied",
    ]));
  });

  it("ISO-11 allows root only with hostUsers: false under the gvisor RuntimeClass", () => {
    expect(verify("runasnonroot")).toEqual(expect.arrayContaining([
      "root-in-user-namespace-under-gvisor-allowed",
      "root-in-user-namespace-without-gvisor-denied",
      "root-under-gvisor-with-host-users-denied",
    ]));
    expect(renderPolicyBundle().constraints.find((c) => c.metadata.name === "runasnonroot")!.spec.parameters.rootAllowedRuntimeClasses).toEqual([
      "gvisor",
    ]);
  });

  it("ADM-05 flags :latest and untagged images, warning by default and denying when admission.latestTag is deny", () => {
    expect(verify("disallowlatest")).toEqual(expect.arrayContaining([
      "digest-pinned-image-allowed",
      "registry-port-and-tag-allowed",
      "latest-tag-flagged",
      "missing-tag-flagged",
      "registry-port-without-tag-flagged",
      "latest-deployment-flagged",
    ]));
    expect([latestTagEnforcementAction("warn"), latestTagEnforcementAction("deny")]).toEqual(["warn", "deny"]);
    const action = (latestTag?: "warn" | "deny") =>
      renderPolicyBundle({ latestTag }).constraints.find((c) => c.metadata.name === "disallowlatest")!.spec.enforcementAction;
    expect([action(), action("warn"), action("deny")]).toEqual(["warn", "warn", "deny"]);

    // The same pod is admitted with a warning, or refused, depending only on the setting.
    const latest = pod((p) => (agent(p).image = "ghcr.io/acme/agent:latest"));
    const warned = gatorTest([latest], { ...SUITE_ARGS, latestTag: "warn" });
    expect(warned.status).toBe(0);
    expect(JSON.parse(warned.stdout).map((v: any) => [v.constraint.metadata.name, v.enforcementAction])).toEqual([["disallowlatest", "warn"]]);
    const denied = gatorTest([latest], { ...SUITE_ARGS, latestTag: "deny" });
    expect(denied.status).toBe(1);
    expect(JSON.parse(denied.stdout).map((v: any) => [v.constraint.metadata.name, v.enforcementAction])).toEqual([["disallowlatest", "deny"]]);
  });

  it("ADM-05 judges the ingress gateway by the image the injector gives it, not the chart's `auto` placeholder", () => {
    // The gateway chart's Deployment, as it renders: the injector replaces `auto` at pod creation.
    const gateway = (ns: string) =>
      workload("Deployment", pod((p) => {
        delete p.spec.runtimeClassName;
        p.spec.initContainers = [];
        p.spec.containers = [{ ...agent(p), name: "istio-proxy", image: "auto" }];
      }, ns));
    const args = { ...SUITE_ARGS, latestTag: "deny" as const, allowedRegistries: ["docker.io", "ghcr.io"] };
    const admitted = gatorTest([gateway("istio-ingress")], args);
    expect([admitted.status, JSON.parse(admitted.stdout)]).toEqual([0, null]);
    const elsewhere = gatorTest([gateway("platform-api")], args);
    expect(elsewhere.status).toBe(1);
    expect(JSON.parse(elsewhere.stdout).map((v: any) => v.constraint.metadata.name)).toEqual(["disallowlatest"]);
    expect(renderPolicyBundle().mutators.map((m) => [m.kind, m.spec.match.source, m.spec.parameters.assign.value])).toEqual([
      ["Assign", "Generated", "docker.io/istio/proxyv2:1.31.1"],
    ]);
  });

  it("ISO-07 requires dropping ALL or the dangerous capabilities and adds nothing beyond NET_BIND_SERVICE", () => {
    expect(verify("capabilities")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "required-drops-and-bind-service-allowed",
      "no-drop-denied",
      "partial-drop-denied",
      "add-sys-admin-denied",
      "add-net-raw-on-init-denied",
    ]));
  });

  it("ISO-14 lets a host agent mount only its listed host paths, in its own namespace, never host namespaces or privileged", () => {
    expect(verify("hostisolation")).toEqual(expect.arrayContaining([
      "falco-listed-host-paths-allowed",
      "gvisor-monitor-socket-dir-allowed",
      "falco-unlisted-host-path-denied",
      "falco-host-network-denied",
      "falco-privileged-denied",
      "monitor-path-for-falco-labels-denied",
      "falco-labels-in-tenant-namespace-denied",
    ]));
  });

  it("ISO-07 lets a host agent's named container add only its listed capabilities, still dropping ALL", () => {
    expect(verify("capabilities")).toEqual(expect.arrayContaining([
      "cni-agent-listed-capabilities-allowed",
      "falco-listed-capabilities-allowed",
      "cni-agent-unlisted-capability-denied",
      "cni-init-container-capability-denied",
      "cni-labels-in-tenant-namespace-denied",
    ]));
  });

  it("ISO-11 ISO-08 exempt a host agent's named container only, in its own namespace", () => {
    expect(verify("runasnonroot")).toEqual(expect.arrayContaining([
      "falco-container-root-allowed",
      "falco-sidecar-root-denied",
      "falco-labels-elsewhere-root-denied",
    ]));
    expect(verify("noprivilegeescalation")).toEqual(expect.arrayContaining([
      "cni-agent-unset-allowed",
      "cni-pod-other-container-denied",
      "cni-labels-in-falco-namespace-denied",
    ]));
  });

  it("ISO-06 requires a RuntimeDefault or Localhost seccomp profile for every container", () => {
    expect(verify("seccomp")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "container-level-localhost-allowed",
      "no-profile-denied",
      "container-unconfined-denied",
      "deployment-without-profile-denied",
    ]));
  });

  it("ISO-08 requires allowPrivilegeEscalation: false on every container", () => {
    expect(verify("noprivilegeescalation")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "unset-denied",
      "true-denied",
      "init-container-unset-denied",
    ]));
  });

  it("ISO-09 refuses service account tokens in tenant pods", () => {
    expect(verify("noautomounttoken")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "unset-denied",
      "true-denied",
      "mesh-token-for-native-sidecar-allowed",
      "mesh-token-for-classic-sidecar-allowed",
      "projected-api-token-denied",
      "projected-other-audience-denied",
      "mesh-token-mounted-by-agent-denied",
      "platform-pod-with-token-allowed",
    ]));
  });

  it("SEC-09 refuses an agent pod that mounts, projects or env-references the provider key or the tenant CA's key", () => {
    expect(verify("providerkeycustody")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "agent-with-tenant-ca-certificate-allowed",
      "agent-mounts-provider-key-denied",
      "agent-projects-provider-key-denied",
      "agent-env-provider-key-denied",
      "agent-envfrom-provider-key-denied",
      "agent-mounts-tenant-ca-key-denied",
      "agent-reads-proxy-key-denied",
      "statefulset-agent-mounts-provider-key-denied",
      "egress-proxy-mounts-provider-key-allowed",
      "platform-pod-with-key-allowed",
    ]));
  });

  it("ISO-10 requires the gvisor RuntimeClass for tenant pods", () => {
    expect(verify("requireruntimeclass")).toEqual(expect.arrayContaining([
      "compliant-tenant-pod-allowed",
      "no-runtime-class-denied",
      "runc-denied",
      "deployment-without-runtime-class-denied",
      "platform-pod-without-runtime-class-allowed",
    ]));
  });

  it("AUTH-02 requires the auth guard to run with a read-only root filesystem and no capabilities", () => {
    expect(verify("hardenedsidecars")).toEqual(expect.arrayContaining([
      "hardened-auth-guard-allowed",
      "writable-auth-guard-denied",
      "auth-guard-partial-drop-denied",
      "native-sidecar-auth-guard-denied",
      "writable-agent-container-allowed",
    ]));
  });

  it("restricts images to the configured registries and leaves the check out when none are configured", () => {
    expect(verify("allowedregistries")).toEqual(expect.arrayContaining(["second-registry-allowed", "docker-hub-short-name-denied", "lookalike-path-denied"]));
    expect(renderPolicyBundle().constraints.map((c) => c.metadata.name)).not.toContain("allowedregistries");
    expect(renderPolicyBundle({ allowedRegistries: ["ghcr.io"] }).constraints.find((c) => c.metadata.name === "allowedregistries")!.spec.parameters).toEqual({
      registries: ["ghcr.io"],
    });
  });
});

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
