/**
 * The admission proof: what the cluster admits, judged the way the cluster judges it. Each pod a
 * set of manifests would create goes through what the API server does before validation (the
 * controllers' pod, the built-in mutating plugins, Istio's injection webhook, defaulting, object
 * validation, the built-in validating plugins and Pod Security, all upstream code in
 * `.tools/bin/admission-chain`), and the pod that comes out is then judged by the platform's own
 * constraints with the pinned gator. Used by the self-consistency test and by the chart job.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments, stringify } from "yaml";
import { GATOR, gator } from "./gator";
import { PolicyBundleArgs, renderPolicyBundle } from "./policies";

export const ADMISSION_CHAIN = path.resolve(__dirname, "..", "..", ".tools", "bin", "admission-chain");

export type K8sObject = Record<string, any>;

/** One pod as admission-chain reports it (its README documents the format). */
export interface ChainPod {
  source: { kind: string; namespace: string; name: string };
  injected: boolean;
  pod: K8sObject;
  podSecurity: { level: string; version: string; allowed: boolean; forbidden: { reason: string; detail: string }[] | null };
  admission: { plugin: string; phase: string; allowed: boolean; error: string }[] | null;
  validation: string[] | null;
}

export interface ChainOptions {
  /** The Helm values the program gives the istiod chart: they decide what the injector adds. */
  istiodValues: Record<string, unknown>;
  istioVersion: string;
  /** The cluster's minor version, e.g. "1.35": Pod Security's `latest` and the feature gates. */
  kubernetesVersion: string;
}

/** What became of one pod: every refusal on its way in, and Gatekeeper's warnings. */
export interface PodVerdict {
  /** `<namespace>/<pod name>` */
  pod: string;
  /** `<Kind> <namespace>/<name>` of the object that creates it. */
  source: string;
  injected: boolean;
  refusals: string[];
  warnings: string[];
  /** The pod the validating webhooks receive. */
  admitted: K8sObject;
}

/** Fails, never skips, when the tool is missing: a skipped proof proves nothing. */
export function admissionChain(args: string[], binary: string = ADMISSION_CHAIN): string {
  if (!fs.existsSync(binary)) {
    throw new Error(`admission-chain not found at ${binary}: run scripts/install-tools.sh (npm test runs it as pretest)`);
  }
  const result = spawnSync(binary, args, { encoding: "utf8", timeout: 300_000, maxBuffer: 256 * 2 ** 20 });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`admission-chain ${args[0]} exited ${result.status}: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Every pod the manifests would create, as the validating webhooks would receive it. */
export function admitPods(files: string[], options: ChainOptions): ChainPod[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "admission-chain-"));
  try {
    const values = path.join(dir, "istiod-values.json");
    fs.writeFileSync(values, JSON.stringify(options.istiodValues));
    const out = admissionChain([
      "admit",
      ...files.flatMap((f) => ["-f", f]),
      "--istiod-values",
      values,
      "--istio-version",
      options.istioVersion,
      "--kubernetes-version",
      options.kubernetesVersion,
    ]);
    return (JSON.parse(out) as { pods: ChainPod[] }).pods;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Every object of one kind in the YAML and JSON files of the given files or directories. */
export function objectsOfKind(files: string[], kind: string): K8sObject[] {
  const paths = files.flatMap((f) =>
    fs.statSync(f).isDirectory() ? fs.readdirSync(f).filter((n) => /\.(ya?ml|json)$/.test(n)).map((n) => path.join(f, n)) : [f],
  );
  return paths.flatMap((p) =>
    parseAllDocuments(fs.readFileSync(p, "utf8"))
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o?.kind === kind),
  );
}

const key = (o: K8sObject) => `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;

function chainRefusals(p: ChainPod): string[] {
  const security = p.podSecurity.allowed
    ? []
    : (p.podSecurity.forbidden ?? []).map((f) => `PodSecurity ${p.podSecurity.level}:${p.podSecurity.version}: ${f.reason}: ${f.detail}`);
  const plugins = (p.admission ?? []).filter((a) => !a.allowed).map((a) => `${a.plugin} (${a.phase}): ${a.error}`);
  return [...security, ...plugins, ...(p.validation ?? []).map((v) => `validation: ${v}`)];
}

/** The Gatekeeper objects of the platform for the given settings, as the cluster holds them. */
export function policyObjects(bundleArgs: PolicyBundleArgs = {}): K8sObject[] {
  const bundle = renderPolicyBundle(bundleArgs);
  return [...bundle.templates, ...bundle.constraints, ...bundle.expansions, ...bundle.mutators];
}

/** gator's violations of `objects` under `policy` (templates, constraints, expansions, mutators). */
export function gatorViolations(policy: K8sObject[], objects: K8sObject[]): K8sObject[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "admission-judge-"));
  try {
    const file = path.join(dir, "objects.yaml");
    fs.writeFileSync(file, [...policy, ...objects].map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
    const result = gator(["test", "-f", file, "-o", "json"], "", GATOR);
    if (result.status !== 0 && result.status !== 1) throw new Error(`gator test exited ${result.status}: ${result.stderr}`);
    return (JSON.parse(result.stdout.trim() || "null") ?? []) as K8sObject[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `gatekeeper <constraint>: <message>`, how a refusal reads in a verdict. */
export const describeViolation = (v: K8sObject) => `gatekeeper ${v.constraint?.metadata?.name}: ${v.msg}`;

/**
 * Judges the admitted pods with the platform's constraints (and mutators) under gator, beside the
 * Namespaces that namespace-selecting constraints read. Expansion templates are left out: these
 * are pods, not workloads.
 */
export function judgePods(pods: ChainPod[], namespaces: K8sObject[], policy: K8sObject[] = policyObjects()): PodVerdict[] {
  const withoutExpansions = policy.filter((o) => o.kind !== "ExpansionTemplate");
  const violations = gatorViolations(withoutExpansions, [...namespaces, ...pods.map((p) => p.pod)]);
  return pods.map((p) => {
    const mine = violations.filter((v) => key(v.violatingObject ?? {}) === key(p.pod));
    return {
      pod: key(p.pod),
      source: `${p.source.kind} ${p.source.namespace}/${p.source.name}`,
      injected: p.injected,
      refusals: [...chainRefusals(p), ...mine.filter((v) => v.enforcementAction === "deny").map(describeViolation)],
      warnings: mine.filter((v) => v.enforcementAction !== "deny").map(describeViolation),
      admitted: p.pod,
    };
  });
}

/** The whole proof over files or directories of manifests. */
export function proveAdmission(files: string[], options: ChainOptions, policy: K8sObject[] = policyObjects()): PodVerdict[] {
  return judgePods(admitPods(files, options), objectsOfKind(files, "Namespace"), policy);
}
