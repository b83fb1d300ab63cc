/** Runs the pinned gator binary that scripts/install-tools.sh puts in .tools/bin. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { renderPolicyBundle } from "./policies";
import { KNOWN_NAMESPACES, type K8sObject, namespace } from "./samples";
import { SUITE_ARGS } from "./suites";

export const GATOR = path.resolve(__dirname, "..", "..", ".tools", "bin", "gator");

export interface GatorResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Fails, never skips, when gator is missing: a silently skipped policy test proves nothing. */
export function gator(args: string[], input?: string, binary: string = GATOR): GatorResult {
  if (!fs.existsSync(binary)) {
    throw new Error(`gator not found at ${binary}: run scripts/install-tools.sh (npm test runs it as pretest)`);
  }
  const result = spawnSync(binary, args, { input, encoding: "utf8", timeout: 60_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Case names gator verify -v reports as passed. */
export function passedCases(output: string): string[] {
  return [...output.matchAll(/--- PASS: (\S+)/g)].map((m) => m[1]);
}

export const yamlStream = (objects: K8sObject[]) => objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");

/** `gator test` over the whole bundle and the given objects, as a later manifest check will run it. */
export function gatorTest(objects: K8sObject[], args = SUITE_ARGS): GatorResult {
  const bundle = renderPolicyBundle(args);
  const namespaces = [...KNOWN_NAMESPACES, "istio-ingress"].map(namespace);
  const input = yamlStream([...bundle.templates, ...bundle.constraints, ...bundle.expansions, ...bundle.mutators, ...namespaces, ...objects]);
  return gator(["test", "-o", "json"], input);
}
