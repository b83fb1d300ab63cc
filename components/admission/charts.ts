/**
 * The admission proof for Helm charts: render a chart as `helm template` does (Helm's own code,
 * inside admission-chain), pass it through the release's post-renderer, and run what it would
 * create through the same proof as the program's own workloads. The plan cannot render charts
 * offline (no chart repository), so CI runs this where the repositories are reachable, and anyone
 * can run it on a chart directory (scripts/chart-admission.ts).
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { K8sObject, PodVerdict, admissionChain, describeViolation, gatorViolations, objectsOfKind, proveAdmission, type ChainOptions } from "./proof";

/** A Helm release as the program declares it (`kubernetes:helm.sh/v3:Release` inputs). */
export interface ChartRelease {
  /** The Pulumi resource name, e.g. `mesh-istiod`. */
  resource: string;
  name: string;
  chart: string;
  version?: string;
  repo?: string;
  namespace: string;
  values: Record<string, unknown>;
  postrender?: string;
}

const RELEASE = "kubernetes:helm.sh/v3:Release";

export function releasesOf(resources: { type: string; name: string; inputs: Record<string, any> }[]): ChartRelease[] {
  return resources
    .filter((r) => r.type === RELEASE)
    .map((r) => ({
      resource: r.name,
      name: r.inputs.name ?? r.name,
      chart: r.inputs.chart,
      version: r.inputs.version,
      repo: r.inputs.repositoryOpts?.repo,
      namespace: r.inputs.namespace,
      values: r.inputs.values ?? {},
      postrender: r.inputs.postrender,
    }));
}

/** Where `pullChart` puts a release's chart: `<charts>/<chart>-<version>/<chart>`. */
export function chartDir(charts: string, release: ChartRelease): string {
  return path.join(charts, `${release.chart}-${release.version ?? "local"}`, release.chart);
}

/** `helm pull --untar` of the pinned chart, with Helm's own code; needs the chart repository. */
export function pullChart(charts: string, release: ChartRelease): string {
  if (!release.repo || !release.version) throw new Error(`release ${release.resource} names no chart repository and version to pull`);
  const dest = path.dirname(chartDir(charts, release));
  fs.mkdirSync(dest, { recursive: true });
  admissionChain(["helm", "pull", release.chart, "--repo", release.repo, "--version", release.version, "--untar", "--untardir", dest]);
  return chartDir(charts, release);
}

/** The manifests the release would install: Helm's template output, then its post-renderer. */
export function renderRelease(release: ChartRelease, dir: string, kubernetesVersion: string, workDir: string, root: string): string {
  const values = path.join(workDir, `${release.resource}.values.json`);
  fs.writeFileSync(values, JSON.stringify(release.values));
  const rendered = admissionChain([
    "render",
    "--chart",
    dir,
    "--release",
    release.name,
    "--namespace",
    release.namespace,
    "--values",
    values,
    "--kubernetes-version",
    kubernetesVersion,
  ]);
  if (!release.postrender) return rendered;
  return execFileSync(path.resolve(root, release.postrender), { input: rendered, encoding: "utf8", cwd: root });
}

/** The Gatekeeper objects a plan's manifests declare: templates, their constraints, expansions, mutators. */
export function policyInManifests(dir: string): K8sObject[] {
  const constraintKinds = objectsOfKind([dir], "ConstraintTemplate").map((t) => t.spec.crd.spec.names.kind as string);
  return ["ConstraintTemplate", "ExpansionTemplate", "Assign", "AssignMetadata", ...constraintKinds].flatMap((k) => objectsOfKind([dir], k));
}

/** What the proof found for one release: its pods' verdicts and its objects' own refusals. */
export interface ReleaseProof {
  release: string;
  pods: PodVerdict[];
  /** Constraints that refuse a rendered object itself (a Deployment's labels, its expanded pod). */
  objects: string[];
}

/** Helm test hooks are run by `helm test` only, never by an install or upgrade. */
function isTestHook(o: K8sObject): boolean {
  return /(^|,)\s*test(-success|-failure)?\s*(,|$)/.test(o.metadata?.annotations?.["helm.sh/hook"] ?? "");
}

/**
 * Proves rendered releases against the cluster state of `stateFiles` (the plan's manifests, or a
 * namespace written for a local chart) and the platform's Gatekeeper objects `policy`.
 */
export function proveReleases(
  rendered: { release: string; namespace: string; file: string }[],
  stateFiles: string[],
  options: ChainOptions,
  policy: K8sObject[],
): ReleaseProof[] {
  const installable = rendered.map(({ release, namespace, file }) => {
    const objects = parseAllDocuments(fs.readFileSync(file, "utf8"))
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => !!o?.kind && !isTestHook(o))
      // Helm installs an object without a namespace into the release's (`helm install -n`).
      .map((o) => (o.metadata?.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }));
    const out = file.replace(/\.yaml$/, ".installable.yaml");
    fs.writeFileSync(out, objects.map((o) => JSON.stringify(o)).join("\n---\n"));
    return { release, file: out, objects };
  });
  const verdicts = proveAdmission([...stateFiles, ...installable.map((i) => i.file)], options, policy);
  const namespaces = objectsOfKind(stateFiles, "Namespace");
  return installable.map(({ release, objects }) => {
    const names = new Set(objects.map((o) => `${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`));
    const own = gatorViolations(policy, [...namespaces, ...objects]).filter((v) => v.enforcementAction === "deny");
    return {
      release,
      pods: verdicts.filter((v) => names.has(v.source)),
      objects: own.map((v) => `${v.violatingObject?.kind} ${v.violatingObject?.metadata?.name}: ${describeViolation(v)}`),
    };
  });
}
