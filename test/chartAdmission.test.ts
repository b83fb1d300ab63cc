/**
 * The chart admission proof (scripts/chart-admission.ts) on a small chart of our own: rendered by
 * Helm's code, injected by Istio's, judged by Pod Security and the platform's constraints. CI runs
 * the same script on every release of the plan, where the chart repositories are reachable.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { policyObjects } from "../components/admission/proof";
import { REPO_ROOT } from "../scripts/engine/stackFile";

const PROBE = path.join(REPO_ROOT, "test", "fixtures", "charts", "probe");

function chartAdmission(args: string[]) {
  const result = spawnSync("npx", ["ts-node", "--transpile-only", "scripts/chart-admission.ts", ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the chart admission proof", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-admission-test-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("ADM-01 ADM-03 ADM-04 admits a hardened chart's pod as Istio injects it, and leaves its test hook out", () => {
    const result = chartAdmission(["--chart", PROBE, "--release", "probe", "--namespace", "probes"]);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(["• probe: 1 pod(s)", "  ✓ Deployment probes/probe (injected)", "", "Everything would be admitted.", ""].join("\n"));
    expect(result.status).toBe(0);
  });

  it("ADM-01 ADM-03 ADM-04 refuses a chart whose defaults break Pod Security and the constraints, naming each rule", () => {
    const values = path.join(dir, "weak.yaml");
    fs.writeFileSync(values, stringify({ hardened: false }));
    const result = chartAdmission(["--chart", PROBE, "--release", "probe", "--namespace", "probes", "--values", values]);
    expect(result.status).toBe(1);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("• probe: 1 pod(s)");
    // The Deployment itself is refused for its labels, and through the expansion for its pod.
    expect(lines).toContain('  ✗ Deployment probe: gatekeeper requiredlabels: Deployment probe must carry the labels ["app.kubernetes.io/part-of"]');
    expect(lines).toContain("  ✗ Deployment probes/probe (injected)");
    const pod = lines.slice(lines.indexOf("  ✗ Deployment probes/probe (injected)") + 1).filter((l) => l.startsWith("      ")).map((l) => l.trim());
    expect(pod).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PodSecurity restricted:v1\.35: allowPrivilegeEscalation != false: container "probe"/),
        expect.stringMatching(/^PodSecurity restricted:v1\.35: runAsNonRoot != true: /),
        expect.stringMatching(/^PodSecurity restricted:v1\.35: seccompProfile: pod or container "probe" must set/),
        "gatekeeper containerlimits: container probe must set a cpu limit",
        "gatekeeper containerlimits: container probe must set a memory limit",
        "gatekeeper runasnonroot: container probe must set runAsNonRoot: true (root is allowed only with hostUsers: false and runtimeClassName in [\"gvisor\"])",
      ]),
    );
    // The containers Istio injects carry their own seccomp profile, whatever the chart's pod sets.
    expect(pod.filter((l) => /istio-(proxy|validation)/.test(l))).toEqual([]);
    expect(result.stdout).toMatch(/\n\d+ refusal\(s\): the cluster would not admit all of it\.\n$/);
  });

  it("proves every release of a plan against the Gatekeeper objects the plan declares, and names a chart it lacks", () => {
    const plan = path.join(dir, "plan");
    fs.mkdirSync(path.join(plan, "manifests"), { recursive: true });
    const release = (name: string, chart: string) => ({
      type: "kubernetes:helm.sh/v3:Release",
      name,
      inputs: { name, chart, version: "0.1.0", namespace: "probes", repositoryOpts: { repo: "https://charts.example.com" }, values: {} },
    });
    fs.writeFileSync(path.join(plan, "resources.json"), JSON.stringify([release("probe-release", "probe")]));
    const namespace = { apiVersion: "v1", kind: "Namespace", metadata: { name: "probes", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } };
    fs.writeFileSync(path.join(plan, "manifests", "_cluster.yaml"), [namespace, ...policyObjects({ latestTag: "deny" })].map((o) => stringify(o)).join("---\n"));
    const charts = path.join(dir, "charts");
    fs.mkdirSync(path.join(charts, "probe-0.1.0"), { recursive: true });
    fs.cpSync(PROBE, path.join(charts, "probe-0.1.0", "probe"), { recursive: true });

    const admitted = chartAdmission(["--plan", plan, "--charts", charts]);
    expect([admitted.status, admitted.stdout]).toEqual([0, "• probe-release: 1 pod(s)\n  ✓ Deployment probes/probe-release\n\nEverything would be admitted.\n"]);

    fs.writeFileSync(path.join(plan, "resources.json"), JSON.stringify([release("missing-release", "missing")]));
    const missing = chartAdmission(["--plan", plan, "--charts", charts]);
    expect([missing.status, missing.stderr]).toEqual([2, `chart-admission: release missing-release: no chart at ${path.join(charts, "missing-0.1.0", "missing")} (pull it, or pass --pull)\n`]);
  });
});

describe("the chart job", () => {
  it("ADM-01 ADM-03 ADM-04 pulls every release of the prod plan at its pin and proves it, on every push and pull request", () => {
    const wf = parse(fs.readFileSync(path.join(REPO_ROOT, ".github", "workflows", "charts.yml"), "utf8"));
    expect(Object.keys(wf.on)).toEqual(["push", "pull_request"]);
    expect(wf.permissions).toEqual({ contents: "read" });
    const run: string = wf.jobs["chart-admission"].steps.map((s: { run?: string }) => s.run ?? "").join("\n");
    const commands = run.split("\n").map((l) => l.trim());
    expect(commands).toEqual(
      expect.arrayContaining([
        "bash scripts/install-tools.sh",
        "npm run plan",
        'npm run chart-admission -- --plan out/prod --pull | tee "$RUNNER_TEMP/chart-admission.txt"',
      ]),
    );
    // `set -o pipefail`: a refusal (exit 1) fails the job even through tee.
    expect(run.trimStart().startsWith("set -euo pipefail")).toBe(true);
  });
});
