/**
 * The admission proof on Helm charts: would the cluster admit every pod the charts create, as
 * Istio injects them, under the platform's constraints and Pod Security?
 *
 *   npm run chart-admission -- --plan out/prod --pull          # every release of a plan (CI)
 *   npm run chart-admission -- --plan out/prod --charts DIR    # charts already pulled into DIR
 *   npm run chart-admission -- --chart DIR --release NAME --namespace NS [--values FILE]
 *                              [--pod-security restricted] [--postrender CMD]   # any chart
 *
 * `--plan` reads a plan's resources.json (each release's chart, version, repository, values and
 * post-renderer) and its manifests/ (namespaces, quotas, limit ranges and the Gatekeeper objects
 * the program installs). Exits 1 when anything would be refused, listing every refusal.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { parse, stringify } from "yaml";
import { ChartRelease, chartDir, policyInManifests, proveReleases, pullChart, releasesOf, renderRelease } from "../components/admission/charts";
import { K8sObject, policyObjects } from "../components/admission/proof";
import { DEFAULTS } from "../config/defaults";
import { ISTIO_VERSION } from "../components/mesh/defaults";
import { buildIstiodValues } from "../components/mesh/values";
import { podSecurityLabels, type PodSecurityLevel } from "../components/shared/labels";
import { REPO_ROOT } from "./engine/stackFile";

function fail(message: string): never {
  process.stderr.write(`chart-admission: ${message}\n`);
  process.exit(2);
}

interface Plan {
  releases: ChartRelease[];
  stateDir: string;
  policy: K8sObject[];
  istiodValues: Record<string, unknown>;
  kubernetesVersion: string;
}

function readPlan(dir: string): Plan {
  const resourcesFile = path.join(dir, "resources.json");
  if (!fs.existsSync(resourcesFile)) fail(`--plan ${dir}: no resources.json there (run npm run plan first)`);
  const resources = JSON.parse(fs.readFileSync(resourcesFile, "utf8")) as { type: string; name: string; inputs: Record<string, any> }[];
  const stateDir = path.join(dir, "manifests");
  // The program's own Gatekeeper objects, as the plan declares them.
  const policy = policyInManifests(stateDir);
  const releases = releasesOf(resources);
  const istiod = releases.find((r) => r.chart === "istiod");
  const cluster = resources.find((r) => r.type === "aws:eks/cluster:Cluster");
  return {
    releases,
    stateDir,
    policy,
    istiodValues: istiod?.values ?? { ...buildIstiodValues() },
    kubernetesVersion: cluster?.inputs.version ?? DEFAULTS.cluster.kubernetesVersion,
  };
}

/** A namespace for a chart proven on its own: PSA at the given level, meshed like the platform's. */
function localState(workDir: string, namespace: string, level: PodSecurityLevel): string {
  const file = path.join(workDir, "namespace.yaml");
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace, labels: { ...podSecurityLabels(level), "istio-injection": "enabled" } } };
  fs.writeFileSync(file, stringify(ns));
  return file;
}

function main(): number {
  const { values } = parseArgs({
    options: {
      plan: { type: "string" },
      charts: { type: "string" },
      pull: { type: "boolean", default: false },
      chart: { type: "string" },
      release: { type: "string" },
      namespace: { type: "string" },
      values: { type: "string" },
      postrender: { type: "string" },
      "pod-security": { type: "string", default: "restricted" },
      "kubernetes-version": { type: "string" },
    },
  });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "chart-admission-"));
  let releases: { release: ChartRelease; dir: string }[];
  let stateFiles: string[];
  let policy: K8sObject[];
  let istiodValues: Record<string, unknown>;
  let kubernetesVersion: string;

  if (values.plan) {
    const plan = readPlan(values.plan);
    const charts = values.charts ?? path.join(workDir, "charts");
    releases = plan.releases.map((release) => ({ release, dir: values.pull ? pullChart(charts, release) : chartDir(charts, release) }));
    for (const { release, dir } of releases) if (!fs.existsSync(dir)) fail(`release ${release.resource}: no chart at ${dir} (pull it, or pass --pull)`);
    stateFiles = [plan.stateDir];
    policy = plan.policy;
    istiodValues = plan.istiodValues;
    kubernetesVersion = values["kubernetes-version"] ?? plan.kubernetesVersion;
  } else if (values.chart) {
    if (!values.release || !values.namespace) fail("--chart needs --release and --namespace");
    const level = values["pod-security"] as PodSecurityLevel;
    if (!["restricted", "baseline", "privileged"].includes(level)) fail(`--pod-security must be restricted, baseline or privileged (got ${level})`);
    const release: ChartRelease = {
      resource: values.release,
      name: values.release,
      chart: path.basename(values.chart),
      namespace: values.namespace,
      values: values.values ? readValues(values.values) : {},
      postrender: values.postrender,
    };
    releases = [{ release, dir: values.chart }];
    stateFiles = [localState(workDir, values.namespace, level)];
    policy = policyObjects({ latestTag: "deny" });
    istiodValues = { ...buildIstiodValues() };
    kubernetesVersion = values["kubernetes-version"] ?? DEFAULTS.cluster.kubernetesVersion;
  } else {
    fail("give --plan DIR (every release of a plan) or --chart DIR --release NAME --namespace NS");
  }

  const rendered = releases.map(({ release, dir }) => {
    const file = path.join(workDir, `${release.resource}.yaml`);
    fs.writeFileSync(file, renderRelease(release, dir, kubernetesVersion, workDir, REPO_ROOT));
    return { release: release.resource, namespace: release.namespace, file };
  });
  const proofs = proveReleases(rendered, stateFiles, { istiodValues, istioVersion: ISTIO_VERSION, kubernetesVersion }, policy);

  let refused = 0;
  for (const proof of proofs) {
    process.stdout.write(`• ${proof.release}: ${proof.pods.length} pod(s)\n`);
    for (const line of proof.objects) {
      refused++;
      process.stdout.write(`  ✗ ${line}\n`);
    }
    for (const pod of proof.pods) {
      const mark = pod.refusals.length ? "✗" : "✓";
      process.stdout.write(`  ${mark} ${pod.source}${pod.injected ? " (injected)" : ""}\n`);
      for (const r of pod.refusals) process.stdout.write(`      ${r}\n`);
      for (const w of pod.warnings) process.stdout.write(`      warning: ${w}\n`);
      refused += pod.refusals.length;
    }
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  process.stdout.write(refused ? `\n${refused} refusal(s): the cluster would not admit all of it.\n` : "\nEverything would be admitted.\n");
  return refused ? 1 : 0;
}

function readValues(file: string): Record<string, unknown> {
  const text = fs.readFileSync(file, "utf8");
  return (file.endsWith(".json") ? JSON.parse(text) : parse(text)) ?? {};
}

process.exitCode = main();
