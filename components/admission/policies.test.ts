import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { GATEKEEPER_CHART } from "./defaults";
import { GATOR, gator, gatorTest, passedCases } from "./gator";
import { POLICIES, latestTagEnforcementAction, renderPolicyBundle } from "./policies";
import { suiteDocument, writeGatorSuites } from "./render";
import { agent, pod, workload } from "./samples";
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
