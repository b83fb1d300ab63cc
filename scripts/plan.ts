/**
 * The main job: plan a stack offline. Runs the program under the mock engine with the stack's
 * configuration and writes out/<stack>/{resources.json, manifests/, summary.md}.
 *
 *   npm run plan                          # stack prod
 *   npm run plan -- --stack NAME          # another Pulumi.<NAME>.yaml
 *   npm run plan -- --diff OLD_OUT_DIR    # also what each resource will undergo since an older plan (may be out/<stack>)
 *   npm run plan -- --out DIR --config-dir DIR   # write elsewhere; read stack files elsewhere
 *   npm run plan -- --policy-config FILE  # policy pack configuration (JSON), as for pulumi preview
 *   npm run plan -- --preview             # as a first `pulumi preview` sees it, into out/<stack>-preview/
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { buildCatalog } from "../controls/catalog";
import { ConfigError } from "../config/errors";
import { type AnyStackConfig, parseProgramConfig } from "../config/load";
import { ProgramFailed, runProgram } from "./engine/run";
import { CliConfigError, REPO_ROOT, readStackConfig } from "./engine/stackFile";
import { PlannedResource, diffPlans, formatDiff, plannedResources } from "./plan/diff";
import { renderManifests } from "./plan/manifests";
import { policyResources, runPolicyPack } from "./plan/policies";
import { renderSummary } from "./plan/summary";

/** The validated settings the run used, for the summary (the program itself validated them already). */
function plannedConfig(stack: string, stackFile: string): AnyStackConfig {
  const { values, secretKeys } = readStackConfig(stack, stackFile);
  return parseProgramConfig(values, secretKeys);
}

function step(message: string): void {
  process.stdout.write(`• ${message}\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "prod" },
      diff: { type: "string" },
      out: { type: "string", default: path.join(REPO_ROOT, "out") },
      // Policy pack configuration, as for `pulumi preview --policy-pack-config`.
      "policy-config": { type: "string" },
      // Where Pulumi.<stack>.yaml lives, like Pulumi.yaml's stackConfigDir.
      "config-dir": { type: "string", default: REPO_ROOT },
      // Every provider-computed output unknown, as in the first preview from an empty account.
      preview: { type: "boolean", default: false },
    },
  });
  const preview = values.preview === true;
  const stack = values.stack!;
  const started = Date.now();
  step(`Planning stack ${stack} offline (Pulumi.${stack}.yaml, mock engine, no cloud credentials)${preview ? " as a first preview" : ""}`);

  const stackFile = path.join(values["config-dir"]!, `Pulumi.${stack}.yaml`);
  let run;
  try {
    run = await runProgram({ stack, stackFile, preview });
  } catch (error) {
    const cause = error instanceof ProgramFailed ? error.cause : error;
    if (cause instanceof ConfigError || cause instanceof CliConfigError) {
      process.stderr.write(`\n${cause.message}\n\nNothing was written.\n`);
      return 1;
    }
    throw cause;
  }
  step(`Program declared ${run.resources.length} resources in ${((Date.now() - started) / 1000).toFixed(1)}s`);

  const resources = plannedResources(run);
  const manifests = renderManifests(run.resources);
  const catalog = buildCatalog();
  const policyConfig = values["policy-config"] ? JSON.parse(fs.readFileSync(values["policy-config"], "utf8")) : {};
  const policies = runPolicyPack(policyResources(run), policyConfig);
  const policyReport = policies.report;
  const undecided = policies.undecided > 0 ? `, ${policies.undecided} undecided on unknown values` : "";
  step(`Policy pack: ${policies.violations.length - policies.undecided} violation(s), ${policies.mandatoryFailures} mandatory${undecided}`);
  // The older plan is read before anything is written: --diff may name the output directory itself.
  let diffText: string | undefined;
  if (values.diff) {
    const olderFile = path.join(values.diff, "resources.json");
    if (!fs.existsSync(olderFile)) {
      process.stderr.write(`--diff: ${olderFile} does not exist\n\nNothing was written.\n`);
      return 1;
    }
    const older = JSON.parse(fs.readFileSync(olderFile, "utf8")) as PlannedResource[];
    diffText = formatDiff(diffPlans(older, resources));
  }
  const summary = renderSummary({
    stack,
    resources: run.resources,
    outputs: run.outputs,
    config: plannedConfig(stack, stackFile),
    manifestFiles: [...manifests.keys()],
    catalog,
    policyReport,
    preview,
    ...(diffText !== undefined ? { diff: { against: values.diff!, lines: diffText.split("\n") } } : {}),
  });

  // Write beside the target and swap in at the end, so a failure never leaves a half-made plan.
  const outDir = path.join(values.out!, preview ? `${stack}-preview` : stack);
  const staging = `${outDir}.partial`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, "manifests"), { recursive: true });
  fs.writeFileSync(path.join(staging, "resources.json"), `${JSON.stringify(resources, null, 2)}\n`);
  for (const [file, text] of manifests) fs.writeFileSync(path.join(staging, "manifests", file), text);
  fs.writeFileSync(path.join(staging, "summary.md"), summary);
  if (diffText !== undefined) fs.writeFileSync(path.join(staging, "diff.md"), `${diffText}\n`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.renameSync(staging, outDir);
  step(`Wrote ${path.relative(process.cwd(), outDir)}/: resources.json, ${manifests.size} manifest file(s), summary.md`);

  if (diffText !== undefined) process.stdout.write(`\nChanges since ${values.diff}:\n${diffText}\n`);
  if (policies.mandatoryFailures > 0) {
    const mandatory = policies.violations.filter((v) => v.enforcementLevel === "mandatory");
    process.stderr.write(`\nMandatory policies failed:\n${mandatory.map((v) => `  - ${v.policy}: ${v.message}`).join("\n")}\n`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
