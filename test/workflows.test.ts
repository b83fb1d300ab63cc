/**
 * The delivery workflows in .github/workflows: actionlint (pinned, installed by `pretest` into
 * .tools/bin) must report nothing, and the parsed YAML must keep the promises of the delivery
 * design: tests gate everything, cloud access is OIDC only, production deploys are approved and
 * serialised, fork pull requests get the offline plan, every action is pinned.
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { RUNNER_WORKFLOWS, runnerLabel } from "../components/cluster/runner";
import { REPO_ROOT } from "../scripts/engine/stackFile";

type Step = { name?: string; id?: string; if?: string; uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; env?: Record<string, unknown> };
type Job = {
  name?: string;
  if?: string;
  "runs-on"?: string;
  outputs?: Record<string, string>;
  uses?: string;
  needs?: string | string[];
  permissions?: Record<string, string> | string;
  environment?: string | { name: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  "timeout-minutes"?: number;
  steps?: Step[];
};
type Workflow = {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group: string; "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
};

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
const FOUNDATION_PREVIEW_JOB = "foundation-preview";
const FORK_JOB = "offline-plan";
/** The in-VPC runner the foundation stack creates (components/cluster/runner.ts). */
const RUNNER = runnerLabel("${{ vars.DEPLOY_RUNNER_PROJECT }}");
const HOSTED = "ubuntu-24.04";
const step = (job: Job, action: string) => job.steps!.find((s) => s.uses?.startsWith(`${action}@`));
const pulumiSteps = (job: Job) => (job.steps ?? []).filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command);
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
    // A tool's cache follows its pins: the script and the sums of every Go module it builds.
    const goSums = execFileSync("git", ["ls-files", "*go.sum"], { cwd: REPO_ROOT, encoding: "utf8" }).trim().split("\n");
    expect(goSums.length).toBeGreaterThanOrEqual(4);
    for (const file of ["scripts/install-tools.sh", ...goSums]) expect(String(cache?.with?.key)).toContain(`'${file}'`);
  });

  it("reaches AWS through OIDC only: id-token: write where credentials are configured, no access keys", () => {
    for (const file of ["preview.yml", "deploy.yml"]) {
      const wf = load(file);
      const cloudJobs = Object.entries(wf.jobs).filter(([, job]) =>
        (job.steps ?? []).some((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@")),
      );
      expect(cloudJobs.length).toBe(file === "preview.yml" ? 2 : 4);
      for (const [, job] of cloudJobs) {
        expect(job.permissions).toMatchObject({ "id-token": "write", contents: "read" });
        const aws = step(job, "aws-actions/configure-aws-credentials")!;
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

  it("reaches Pulumi Cloud through OIDC only: previews as the preview team and role, ups as the deploy team and role, approved", () => {
    for (const file of files) expect(raw(file)).not.toContain("PULUMI_ACCESS_TOKEN");
    for (const file of ["preview.yml", "deploy.yml"]) {
      for (const [name, job] of Object.entries(load(file).jobs)) {
        const commands = pulumiSteps(job ?? {}).map((s) => s.with?.command);
        if (commands.length === 0) continue;
        const auth = step(job, "pulumi/auth-actions")!;
        const role = String(step(job, "aws-actions/configure-aws-credentials")!.with?.["role-to-assume"]);
        const deploying = commands.includes("up");
        expect({ file, name, auth: auth.with }).toEqual({
          file,
          name,
          auth: {
            organization: "${{ vars.PULUMI_ORG }}",
            "requested-token-type": "urn:pulumi:token-type:access_token:team",
            scope: deploying ? "team:${{ vars.PULUMI_DEPLOY_TEAM }}" : "team:${{ vars.PULUMI_PREVIEW_TEAM }}",
            "token-expiration": auth.with?.["token-expiration"],
          },
        });
        expect(role).toBe(deploying ? "${{ vars.AWS_DEPLOY_ROLE_ARN }}" : "${{ vars.AWS_PREVIEW_ROLE_ARN }}");
        const env = typeof job.environment === "string" ? job.environment : job.environment?.name;
        expect({ name, environment: env }).toEqual({ name, environment: deploying ? "production" : undefined });
        // The token is minted before the first Pulumi command that needs it.
        expect(job.steps!.indexOf(auth)).toBeLessThan(job.steps!.findIndex((s) => s.uses?.startsWith("pulumi/actions@")));
      }
    }
  });

  it("runs the platform stack's jobs on the foundation's in-VPC runner and the foundation's on a GitHub-hosted one", () => {
    const onRunner: string[] = [];
    for (const file of ["preview.yml", "deploy.yml"]) {
      const wf = load(file);
      for (const [name, job] of Object.entries(wf.jobs)) {
        const stacks = pulumiSteps(job ?? {}).map((s) => s.with?.["stack-name"]);
        if (stacks.length === 0) continue;
        const platform = stacks.includes("${{ vars.PULUMI_STACK }}");
        expect({ name, stacks: [...new Set(stacks)] }).toEqual({ name, stacks: [platform ? "${{ vars.PULUMI_STACK }}" : "${{ vars.PULUMI_FOUNDATION_STACK }}"] });
        expect({ name, runsOn: job["runs-on"] }).toEqual({ name, runsOn: platform ? RUNNER : HOSTED });
        if (platform) onRunner.push(wf.name);
      }
      // The runner's webhook starts builds only for these workflows' jobs.
      if (onRunner.includes(wf.name)) expect(RUNNER_WORKFLOWS).toContain(wf.name);
    }
    expect([...new Set(onRunner)].sort()).toEqual([...RUNNER_WORKFLOWS].sort());
    // Jobs that never reach the cluster stay off the runner.
    for (const name of Object.keys(load("test.yml").jobs)) expect(load("test.yml").jobs[name]["runs-on"]).toBe(HOSTED);
  });

  it("sets up Node from .nvmrc in every job, the Node 22 that package.json's engines require", () => {
    const nvmrc = fs.readFileSync(path.join(REPO_ROOT, ".nvmrc"), "utf8").trim();
    expect(nvmrc).toMatch(/^22\.\d+\.\d+$/);
    expect(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).engines).toEqual({ node: ">=22" });
    for (const file of files) {
      for (const job of Object.values(load(file).jobs)) {
        for (const s of (job.steps ?? []).filter((x) => x.uses?.startsWith("actions/setup-node@"))) {
          expect(String(s.with?.["node-version-file"])).toMatch(/(^|\/)\.nvmrc$/);
          expect(s.with?.["node-version"]).toBeUndefined();
        }
      }
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

  it("preview.yml previews both stacks of same-repository pull requests with the policy pack and comments on them", () => {
    const wf = load("preview.yml");
    expect(wf.on).toEqual({ pull_request: { branches: ["main"] } });
    for (const [jobName, stack] of [
      [FOUNDATION_PREVIEW_JOB, "${{ vars.PULUMI_FOUNDATION_STACK }}"],
      [PREVIEW_JOB, "${{ vars.PULUMI_STACK }}"],
    ]) {
      const job = wf.jobs[jobName];
      expect(job.if).toBe(SAME_REPO);
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
      expect(pulumiSteps(job).map((s) => s.with)).toEqual([
        expect.objectContaining({ command: "preview", "stack-name": stack, policyPacks: "./policy-pack", "comment-on-pr": true }),
      ]);
      expect(job.steps!.some((s) => /npm ci .*--prefix policy-pack/.test(s.run ?? ""))).toBe(true);
    }
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
    expect(runs).toContain('npm run plan -- --stack prod-foundation --out "$RUNNER_TEMP/plan-base"');
    expect(runs).toContain('npm run plan -- --stack prod-foundation --out "$RUNNER_TEMP/plan-head" "${foundation_diff[@]}"');
    expect(job.steps!.find((s) => (s.run ?? "").includes("$GITHUB_STEP_SUMMARY"))!.if).toBe("always()");
    expect(runs).toContain("$GITHUB_STEP_SUMMARY");
    const checkouts = job.steps!.filter((s) => s.uses?.startsWith("actions/checkout@"));
    expect(checkouts.map((s) => s.with?.ref)).toContain("${{ github.event.pull_request.base.sha }}");
    const upload = job.steps!.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
    expect(String(upload.with?.path)).toContain("diff.txt");
    expect(String(upload.with?.path)).toContain("summary.md");
  });

  it("deploy.yml runs the tests, then each stack's preview before its approved up, foundation first, one run at a time", () => {
    const wf = load("deploy.yml");
    expect(Object.keys(wf.on).sort()).toEqual(["push", "workflow_dispatch"]);
    expect(wf.on.push).toEqual({ branches: ["main"] });
    // A newer run waits behind a running deploy and never cancels it.
    expect(wf.concurrency).toEqual({ group: "deploy-production", "cancel-in-progress": false });
    expect(wf.jobs.test.uses).toBe("./.github/workflows/test.yml");
    const order = Object.entries(wf.jobs).map(([name, job]) => [name, job.needs ?? null, pulumiSteps(job).map((s) => `${s.with?.command} ${s.with?.["stack-name"]}`)]);
    expect(order).toEqual([
      ["test", null, []],
      ["foundation-preview", "test", ["preview ${{ vars.PULUMI_FOUNDATION_STACK }}"]],
      ["foundation-up", "foundation-preview", ["up ${{ vars.PULUMI_FOUNDATION_STACK }}"]],
      ["platform-preview", ["foundation-preview", "foundation-up"], ["preview ${{ vars.PULUMI_STACK }}"]],
      ["platform-up", "platform-preview", ["up ${{ vars.PULUMI_STACK }}"]],
    ]);
    expect(wf.jobs["foundation-preview"].if).toBe("github.ref == 'refs/heads/main'");
    // No approval is asked for a foundation that does not change.
    expect(wf.jobs["foundation-preview"].outputs).toEqual({ changes: "${{ steps.changes.outputs.count }}" });
    expect(wf.jobs["foundation-up"].if).toBe("needs.foundation-preview.outputs.changes != '0'");
    expect(wf.jobs["platform-preview"].if).toBe(
      "${{ !cancelled() && needs.foundation-preview.result == 'success' && (needs.foundation-up.result == 'success' || needs.foundation-up.result == 'skipped') }}",
    );
    expect(wf.jobs["platform-up"].if).toBe("${{ !cancelled() && needs.platform-preview.result == 'success' }}");
    for (const name of ["foundation-up", "platform-up"]) {
      const job = wf.jobs[name];
      expect(typeof job.environment === "string" ? job.environment : job.environment?.name).toBe("production");
      expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
      expect(pulumiSteps(job)[0].with).toMatchObject({ command: "up", policyPacks: "./policy-pack" });
    }
    // The approver reads the preview of the same commit in the run's summary.
    for (const name of ["foundation-preview", "platform-preview"]) expect(pulumiSteps(wf.jobs[name])[0].with).toMatchObject({ "comment-on-summary": true });
  });

  it("deploy.yml gives the platform's up a Vault login (OIDC token for audience vault) and reaches Vault through the API server", () => {
    const job = load("deploy.yml").jobs["platform-up"];
    const runs = job.steps!.map((s) => s.run ?? "").join("\n");
    expect(runs).toContain('"$ACTIONS_ID_TOKEN_REQUEST_URL&audience=vault"');
    expect(runs).toContain('echo "::add-mask::$jwt"');
    expect(runs).toContain('echo "TERRAFORM_VAULT_AUTH_JWT=$jwt" >> "$GITHUB_ENV"');
    expect(runs).toContain("port-forward service/vault-active 8200:8200");
    expect(runs).toContain('echo "VAULT_CACERT=$RUNNER_TEMP/vault-ca.pem" >> "$GITHUB_ENV"');
    // Both before the up that configures Vault.
    const up = job.steps!.findIndex((s) => s.with?.command === "up");
    expect(job.steps!.findIndex((s) => (s.run ?? "").includes("TERRAFORM_VAULT_AUTH_JWT"))).toBeLessThan(up);
    expect(job.steps!.findIndex((s) => (s.run ?? "").includes("port-forward"))).toBeLessThan(up);
    expect(step(job, "Azure/setup-kubectl")?.with).toEqual({ version: "v1.35.0" });
  });

  it("follows the delivery decision: its steps name the deploy jobs in order, and it and the README list every variable the workflows read", () => {
    const flat = (file: string) => fs.readFileSync(path.join(REPO_ROOT, file), "utf8").replace(/\s+/g, " ");
    const adr = flat("docs/decisions/delivery.md");
    const readme = flat("README.md");
    const jobs = Object.keys(load("deploy.yml").jobs);
    expect(adr).toContain(`runs \`${jobs[0]}\`, then ${jobs.slice(1).map((j) => `\`${j}\``).join(" → ")}`);
    expect(readme).toContain(`\`${jobs[0]}\`, then ${jobs.slice(1, 3).map((j) => `\`${j}\``).join(" → ")}`);
    const variables = [...new Set(files.flatMap((file) => [...raw(file).matchAll(/\bvars\.([A-Z_]+)/g)].map((m) => m[1])))].sort();
    expect(variables).toEqual([
      "AWS_DEPLOY_ROLE_ARN",
      "AWS_PREVIEW_ROLE_ARN",
      "AWS_REGION",
      "DEPLOY_RUNNER_PROJECT",
      "PULUMI_DEPLOY_TEAM",
      "PULUMI_FOUNDATION_STACK",
      "PULUMI_ORG",
      "PULUMI_PREVIEW_TEAM",
      "PULUMI_STACK",
    ]);
    for (const name of variables) {
      expect({ name, adr: adr.includes(`\`${name}\``), readme: readme.includes(`\`${name}\``) }).toEqual({ name, adr: true, readme: true });
    }
  });
});
