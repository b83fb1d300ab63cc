import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Config as the Pulumi CLI hands it to a program: flat `namespace:key` strings, objects as JSON. */
export interface ProgramConfig {
  project: string;
  stack: string;
  values: Record<string, string>;
  secretKeys: string[];
}

interface ProjectFile {
  name: string;
  config?: Record<string, { default?: unknown; value?: unknown } | unknown>;
}

export function readProjectFile(root = REPO_ROOT): ProjectFile {
  return parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

/**
 * Stand-in for a value stored as `secure:` ciphertext. The plan never decrypts: the program sees
 * this marker, and it is registered as a secret so it stays masked in everything written. It must
 * pass the same rules as a real value, and every secret setting of this project is an https URL,
 * so it is one, under the reserved `.invalid` domain (RFC 2606): it can never be reached.
 */
export function mockSecretValue(key: string): string {
  return `https://offline-plan.invalid/secret/${key.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && "secure" in value;
}

/**
 * Reads `Pulumi.<stack>.yaml` (or an explicit stack file) the way the CLI would: project keys
 * without a namespace get the project's, `secure:` values become secret placeholders, and
 * project-level defaults declared in Pulumi.yaml apply when the stack leaves a key out.
 */
export function readStackConfig(stack: string, stackFile?: string, root = REPO_ROOT): ProgramConfig {
  const project = readProjectFile(root);
  const file = stackFile ?? path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`No stack file for stack "${stack}": ${path.relative(process.cwd(), file)} does not exist`);
  }
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);

  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (declaration && typeof declaration === "object" && "default" in declaration) {
      values[qualify(key)] = encode((declaration as { default: unknown }).default);
    }
  }
  for (const [key, value] of Object.entries(document.config ?? {})) {
    const fullKey = qualify(key);
    if (isSecure(value) || containsSecure(value)) {
      values[fullKey] = encode(replaceSecure(value, fullKey));
      secretKeys.push(fullKey);
    } else {
      values[fullKey] = encode(value);
    }
  }
  return { project: project.name, stack, values, secretKeys };
}

/** Qualifies plain `agent-platform` settings given as JS values (objects allowed) for the runtime. */
export function encodeOverrides(project: string, overrides: Record<string, unknown>): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(overrides)) {
    encoded[key.includes(":") ? key : `${project}:${key}`] = encode(value);
  }
  return encoded;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function containsSecure(value: unknown): boolean {
  if (isSecure(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecure);
  if (value && typeof value === "object") return Object.values(value).some(containsSecure);
  return false;
}

function replaceSecure(value: unknown, key: string): unknown {
  if (isSecure(value)) return mockSecretValue(key);
  if (Array.isArray(value)) return value.map((item) => replaceSecure(item, key));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, key)]));
  }
  return value;
}
