/**
 * Writes the policy bundle as gator suites: per policy a directory with the rendered template,
 * constraint, expansion templates, suite.yaml and one file per sample object. gator reads only
 * files (no inline objects, no absolute paths), hence the layout. Run directly to inspect:
 * `npx ts-node components/admission/render.ts <dir>`.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { PolicyBundleArgs, renderPolicyBundle } from "./policies";
import { KNOWN_NAMESPACES, K8sObject, namespace } from "./samples";
import { SUITES, SUITE_ARGS, SuiteCase } from "./suites";

const toYaml = (objects: K8sObject[]) => objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");

function write(file: string, objects: K8sObject[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, toYaml(objects));
}

function assertion(c: SuiteCase): Record<string, unknown>[] {
  if (c.violations === 0) return [{ violations: "no" }];
  if (!c.message) throw new Error(`suite case ${c.name} refuses an object but gives no message pattern`);
  return [{ violations: c.violations, message: c.message }, { violations: c.violations }];
}

/** The Suite object of one policy; case objects and namespaces are referenced by relative path. */
export function suiteDocument(policy: string, cases: SuiteCase[]): K8sObject {
  return {
    apiVersion: "test.gatekeeper.sh/v1alpha1",
    kind: "Suite",
    metadata: { name: policy },
    tests: [
      {
        name: policy,
        template: "template.yaml",
        constraint: "constraint.yaml",
        expansion: "expansion.yaml",
        cases: cases.map((c) => ({
          name: c.name,
          object: `cases/${c.name}.yaml`,
          // Namespace-selecting constraints need the Namespace; without it gator reports a match error.
          inventory: [`namespaces/${c.object.metadata.namespace}.yaml`],
          assertions: assertion(c),
        })),
      },
    ],
  };
}

/**
 * Writes the bundle as three files gator reads with `-f`, so a manifest check can run
 * `gator test -f <dir> -f out/<stack>/manifests` against exactly what the program declares.
 */
export function writePolicyBundle(dir: string, args: PolicyBundleArgs = {}): string[] {
  const bundle = renderPolicyBundle(args);
  const files = {
    "templates.yaml": bundle.templates,
    "constraints.yaml": bundle.constraints,
    "expansions.yaml": bundle.expansions,
    "mutators.yaml": bundle.mutators,
  };
  return Object.entries(files).map(([file, objects]) => {
    write(path.join(dir, file), objects);
    return path.join(dir, file);
  });
}

/** Writes every enabled policy's suite under `dir`; returns the policy names written. */
export function writeGatorSuites(dir: string, args: PolicyBundleArgs = SUITE_ARGS): string[] {
  const bundle = renderPolicyBundle(args);
  return bundle.policies.map((policy, i) => {
    const cases = SUITES[policy.name];
    if (!cases || cases.length === 0) throw new Error(`policy ${policy.name} has no gator suite`);
    const root = path.join(dir, policy.name);
    write(path.join(root, "template.yaml"), [bundle.templates[i]]);
    write(path.join(root, "constraint.yaml"), [bundle.constraints[i]]);
    // gator takes one expansion file per test; the first template covers every workload kind but CronJob.
    write(path.join(root, "expansion.yaml"), [bundle.expansions[0]]);
    for (const ns of KNOWN_NAMESPACES) write(path.join(root, "namespaces", `${ns}.yaml`), [namespace(ns)]);
    for (const c of cases) write(path.join(root, "cases", `${c.name}.yaml`), [c.object]);
    write(path.join(root, "suite.yaml"), [suiteDocument(policy.name, cases)]);
    return policy.name;
  });
}

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: ts-node components/admission/render.ts <output dir>\n");
    process.exit(2);
  }
  process.stdout.write(`${writeGatorSuites(dir).join("\n")}\n`);
}
