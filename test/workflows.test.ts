/**
 * The delivery workflows in .github/workflows: actionlint (pinned, installed by `pretest` into
 * .tools/bin) must report nothing, and the parsed YAML must keep the promises of the delivery
 * design: tests gate everything, cloud access is OIDC only, production deploys are approved and
 * serialised, fork pull requests get the offline plan, every action is pinned.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { REPO_ROOT } from "./harness/stackFile";

type Step = { name?: string; uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  if?: string;
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  "timeout-minutes"?: number;
  steps?: Step[];
};
type Workflow = { name: string; on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const WORKFLOWS_DIR = path.join(REPO_ROOT, ".github", "workflows");
const ACTIONLINT = path.join(REPO_ROOT, ".tools", "bin", "actionlint");
const SHELLCHECK = path.join(REPO_ROOT, ".tools", "bin", "shellcheck");

const files = fs.existsSync(WORKFLOWS_DIR)
  ? fs.readdirSync(WORKFLOWS_DIR).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml")).sort()
  : [];
const raw = (file: string): string => fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8");
const load = (file: string): Workflow => parse(raw(file)) as Workflow;
const steps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((job) => job.steps ?? []);
const PREVIEW_JOB = "preview";
const FORK_JOB = "offline-plan";
const SAME_REPO = "github.event.pull_request.head.repo.full_name == github.repository";
const FORK = "github.event.pull_request.head.repo.full_name != github.repository";

describe("delivery workflows", () => {
  it("has the three workflows", () => {
    expect(files).toEqual(expect.arrayContaining(["deploy.yml", "preview.yml", "test.yml"]));
  });

  it("passes actionlint with no findings", () => {
    if (!fs.existsSync(ACTIONLINT)) {
      throw new Error(
        `actionlint is missing at ${ACTIONLINT}: run \`bash scripts/install-tools.sh\` (npm test does it as pretest; it needs Go).`,
      );
    }
    if (!fs.existsSync(SHELLCHECK)) {
      throw new Error(`shellcheck is missing at ${SHELLCHECK}: run \`bash scripts/install-tools.sh\`; without it actionlint skips every run: script.`);
    }
    const result = spawnSync(ACTIONLINT, ["-color=false", `-shellcheck=${SHELLCHECK}`, ...files.map((f) => path.join(".github", "workflows", f))], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    expect(result.error).toBeUndefined();
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
  });

  it("pins every action to a full commit SHA (with its release in a comment) or an exact vX.Y.Z tag", () => {
    const uses: string[] = [];
    for (const file of files) {
      const wf = load(file);
      for (const job of Object.values(wf.jobs)) {
        if (job.uses) uses.push(job.uses);
        for (const step of job.steps ?? []) if (step.uses) uses.push(step.uses);
      }
      // A SHA pin without its release next to it cannot be reviewed or bumped by hand.
      for (const line of raw(file).split("\n")) {
        const m = /^\s*(?:-\s+)?uses:\s*(\S+@[0-9a-f]{40})(.*)$/.exec(line);
        if (m) expect(`${m[1]}${m[2]}`).toMatch(/@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
      }
    }
    expect(uses.length).toBeGreaterThan(0);
    const unpinned = uses.filter(
      (u) => !u.startsWith("./") && !/^[\w.-]+\/[\w./-]+@(?:[0-9a-f]{40}|v\d+\.\d+\.\d+)$/.test(u),
    );
    expect(unpinned).toEqual([]);
  });

  it("test.yml runs .ci/run on every push and pull request, read-only, and can be called by deploy", () => {
    const wf = load("test.yml");
    expect(Object.keys(wf.on)).toEqual(expect.arrayContaining(["push", "pull_request", "workflow_call"]));
    expect(wf.on.push ?? null).toBeNull();
    expect(wf.on.pull_request ?? null).toBeNull();
    expect(wf.permissions).toEqual({ contents: "read" });
    const runs = steps(wf).map((s) => s.run ?? "");
    expect(runs.some((r) => /^bash \.ci\/run$/m.test(r))).toBe(true);
    const uses = steps(wf).map((s) => s.uses ?? "");
    expect(uses.some((u) => u.startsWith("actions/setup-node@"))).toBe(true);
    expect(uses.some((u) => u.startsWith("actions/setup-go@"))).toBe(true);
    const cache = steps(wf).find((s) => s.uses?.startsWith("actions/cache@"));
    expect(cache?.with).toMatchObject({ path: ".tools" });
    expect(String(cache?.with?.key)).toContain("hashFiles('scripts/install-tools.sh')");
  });

  it("reaches AWS through OIDC only: id-token: write where credentials are configured, no access keys", () => {
    for (const file of ["preview.yml", "deploy.yml"]) {
      const wf = load(file);
      const cloudJobs = Object.entries(wf.jobs).filter(([, job]) =>
        (job.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")),
      );
      expect(cloudJobs.length).toBe(1);
      for (const [, job] of cloudJobs) {
        expect(job.permissions).toMatchObject({ "id-token": "write", contents: "read" });
        const aws = job.steps!.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))!;
        expect(String(aws.with?.["role-to-assume"])).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
        expect(String(aws.with?.["aws-region"])).toBe("${{ vars.AWS_REGION }}");
      }
    }
    for (const file of files) {
      expect(raw(file)).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
      // Nothing grants id-token or write access at workflow level: only the jobs that need it.
      expect(load(file).permissions).toEqual({ contents: "read" });
    }
  });

  it("never uses pull_request_target and keeps secrets out of shell scripts", () => {
    for (const file of files) {
      const wf = load(file);
      expect(Object.keys(wf.on)).not.toContain("pull_request_target");
      for (const step of steps(wf)) {
        if (step.run) expect(step.run).not.toMatch(/\$\{\{\s*secrets\./);
      }
    }
  });

  it("every shell step is strict (set -euo pipefail) and every job has a timeout", () => {
    for (const file of files) {
      for (const [name, job] of Object.entries(load(file).jobs)) {
        if (job.uses) continue; // a reusable-workflow call: the called jobs carry the timeout
        expect({ file, name, timeout: typeof job["timeout-minutes"] }).toEqual({ file, name, timeout: "number" });
        for (const step of job.steps ?? []) {
          if (step.run === undefined) continue;
          expect({ file, step: step.name, shell: step.shell }).toEqual({ file, step: step.name, shell: "bash" });
          expect(step.run.trimStart().startsWith("set -euo pipefail")).toBe(true);
        }
      }
    }
  });

  it("preview.yml previews same-repository pull requests with the policy pack and comments on them", () => {
    const wf = load("preview.yml");
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    const job = wf.jobs[PREVIEW_JOB];
    expect(job.if).toBe(SAME_REPO);
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    const pulumi = job.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({
      command: "preview",
      "stack-name": "${{ vars.PULUMI_STACK }}",
      policyPacks: "./policy-pack",
      "comment-on-pr": true,
    });
    expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    expect(job.steps!.some((s) => /npm ci .*--prefix policy-pack/.test(s.run ?? ""))).toBe(true);
  });

  it("preview.yml gives fork pull requests the offline plan diff, without secrets or write access", () => {
    const wf = load("preview.yml");
    expect(Object.keys(wf.jobs)).toContain(FORK_JOB);
    const job = wf.jobs[FORK_JOB];
    expect(job.if).toBe(FORK);
    expect(job.permissions).toEqual({ contents: "read" });
    const text = JSON.stringify(job);
    expect(text).not.toContain("secrets.");
    expect(text).not.toContain("configure-aws-credentials");
    const runs = job.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toMatch(/npm run plan -- --out "\$RUNNER_TEMP\/plan-base"/);
    expect(runs).toMatch(/npm run plan -- --out "\$RUNNER_TEMP\/plan-head" --diff "\$RUNNER_TEMP\/plan-base\/prod"/);
    expect(runs).toContain("$GITHUB_STEP_SUMMARY");
    const checkouts = job.steps!.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.map((s) => s.with?.ref)).toContain("${{ github.event.pull_request.base.sha }}");
    const upload = job.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with?.path)).toContain("diff.txt");
    expect(String(upload.with?.path)).toContain("summary.md");
  });

  it("deploy.yml runs the tests first, then pulumi up in the approved, serialised production environment", () => {
    const wf = load("deploy.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"] });
    expect(wf.jobs.test.uses).toBe("./.github/workflows/test.yml");
    const job = wf.jobs.deploy;
    expect(job.needs).toBe("test");
    expect(job.if).toBe("github.ref == 'refs/heads/main'");
    const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
    expect(env).toBe("production");
    expect(job.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
    const pulumi = job.steps!.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({ command: "up", "stack-name": "${{ vars.PULUMI_STACK }}", policyPacks: "./policy-pack" });
    expect(pulumi.env).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
  });
});
