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

interface ConfigDeclaration {
  type?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
  items?: unknown;
}

interface ProjectFile {
  name: string;
  config?: Record<string, ConfigDeclaration | null>;
}

/** What the Pulumi CLI prints when it refuses a project or stack configuration, before the program runs. */
export class CliConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CliConfigError";
  }
}

/** `ValidateConfigValue` of pulumi/pulumi sdk/go/common/workspace/project.go, for the scalar types. */
function matchesType(type: string, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value) || (typeof value === "string" && /^-?\d+$/.test(value));
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      return true;
  }
}

/** `Project.Validate` (sdk/go/common/workspace/project.go): the rules on the declarations themselves. */
function validateProject(project: ProjectFile): void {
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    const d = declaration ?? {};
    if (d.default !== undefined && d.value !== undefined) {
      throw new CliConfigError(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    }
    const namespaced = !key.includes(":") || key.startsWith(`${project.name}:`);
    if (namespaced && d.type === "array" && d.items === undefined) {
      throw new CliConfigError(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
    }
    if (namespaced && d.type && d.default !== undefined && !matchesType(d.type, d.default)) {
      throw new CliConfigError(`The default value specified for configuration key '${key}' is not of the expected type '${d.type}'`);
    }
  }
}

/** `formatMissingKeys` and `missingStackConfigurationKeysError` of pulumi/pulumi pkg/workspace/config.go. */
function missingKeysError(stack: string, keys: string[]): CliConfigError {
  const quoted = keys.map((k) => `'${k}'`);
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
  return new CliConfigError(`Stack '${stack}' is missing configuration ${keys.length > 1 ? "values" : "value"} ${list}`);
}

/**
 * The CLI's checks of a stack against the project (pkg/workspace/config.go `mergeConfig` and
 * `validateStackConfigValues`): every key of the project's namespace that Pulumi.yaml declares
 * without a default must be set, a key declared secret must be encrypted, and a typed key's value
 * must have its type. `pulumi preview` stops on the first that fails, before the program runs.
 */
function applyCliRules(project: ProjectFile, stack: string, stackConfig: Record<string, unknown>, qualify: (k: string) => string): void {
  validateProject(project);
  const declared = Object.entries(project.config ?? {}).sort(([a], [b]) => a.localeCompare(b));
  const missing = declared
    .filter(([key]) => qualify(key).startsWith(`${project.name}:`))
    .filter(([key, d]) => !(qualify(key) in stackConfig) && d?.default === undefined && d?.value === undefined)
    .map(([key]) => key);
  if (missing.length > 0) throw missingKeysError(stack, missing);
  for (const [key, d] of declared) {
    const value = stackConfig[qualify(key)];
    if (value === undefined || !d?.type) continue;
    if (d.secret && !isSecure(value)) throw new CliConfigError(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
    // The CLI keeps a scalar of the stack file as text (config.Value); only objects stay structured.
    const content = typeof value === "object" && value !== null ? value : String(value);
    if (!isSecure(value) && !matchesType(d.type, content)) {
      throw new CliConfigError(`Stack '${stack}' with configuration key '${key}' must be of type '${d.type}'`);
    }
  }
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

/** One `agent-platform` setting of a stack file, as a JS value: what a test reuses from prod. */
export function stackSetting(stack: string, key: string, root = REPO_ROOT): unknown {
  const document = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) as StackDocument;
  return document.config?.[`${readProjectFile(root).name}:${key}`];
}

/**
 * Reads `Pulumi.<stack>.yaml` (or an explicit stack file) the way the CLI would: project keys
 * without a namespace get the project's, `secure:` values become secret placeholders, and
 * project-level defaults declared in Pulumi.yaml apply when the stack leaves a key out.
 */
export function readStackConfig(stack: string, stackFile?: string, root = REPO_ROOT): ProgramConfig {
  const file = stackFile ?? path.join(root, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) {
    throw new Error(`No stack file for stack "${stack}": ${path.relative(process.cwd(), file)} does not exist`);
  }
  const document = (parse(fs.readFileSync(file, "utf8")) ?? {}) as StackDocument;
  return stackConfigOf(stack, document, root);
}

/** A stack file's content: what `pulumi config set` writes, or the tenant command hands a stack. */
export interface StackDocument {
  config?: Record<string, unknown>;
}

/** The configuration the CLI hands the program of a stack whose file holds `document`. */
export function stackConfigOf(stack: string, document: StackDocument, root = REPO_ROOT): ProgramConfig {
  const project = readProjectFile(root);
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  applyCliRules(project, stack, Object.fromEntries(Object.entries(document.config ?? {}).map(([k, v]) => [qualify(k), v])), qualify);

  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    // The CLI's mergeConfig: a key the stack leaves out takes the project's value or default.
    const fallback = declaration?.default ?? declaration?.value;
    if (fallback !== undefined) values[qualify(key)] = encode(fallback);
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
