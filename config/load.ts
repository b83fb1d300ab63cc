import * as pulumi from "@pulumi/pulumi";
import { PROJECT, SECRET_KEYS } from "./defaults";
import { ConfigError, ConfigProblem, toProblems } from "./errors";
import { CONFIG_KEYS, FoundationConfig, StackConfig, TenantsConfig, foundationConfigSchema, stackConfigSchema } from "./schema";
import { tenantsConfigSchema } from "./tenantSchema";

/** What a stack holds, told apart by `stackRole`. */
export type AnyStackConfig = StackConfig | FoundationConfig | TenantsConfig;

// The SDK knows which settings arrived as secrets but leaves the question out of its typings.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { isConfigSecret } = require("@pulumi/pulumi/runtime/config") as { isConfigSecret(key: string): boolean };

/**
 * Validates raw stack settings (the `agent-platform:` namespace, without the prefix) and applies
 * defaults. `secretKeys` lists the keys that arrived as Pulumi secrets; a secret setting given in
 * plain text is refused (SEC-06), because it would sit unencrypted in the stack file and state.
 */
export function parseStackConfig(raw: Record<string, unknown>, secretKeys: readonly string[] = []): StackConfig {
  const problems: ConfigProblem[] = [];
  for (const key of SECRET_KEYS) {
    if (raw[key] !== undefined && !secretKeys.includes(key)) {
      problems.push({
        key: `${PROJECT}:${key}`,
        rule: `must be a secret: set it with \`pulumi config set --secret ${key}\``,
        value: "[secret]",
      });
    }
  }
  const result = stackConfigSchema.safeParse(raw);
  if (!result.success) {
    problems.push(...toProblems(result.error.issues, raw));
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result.data!;
}

/**
 * Validates the settings of a foundation stack (stackRole foundation). It holds only the network
 * and the deploy runner, so any platform setting there is refused as unknown rather than ignored.
 */
export function parseFoundationConfig(raw: Record<string, unknown>): FoundationConfig {
  const result = foundationConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(toProblems(result.error.issues, raw));
  return result.data;
}

/**
 * Validates the settings of a tenants stack (stackRole tenants): one tenant or a small shard on an
 * existing platform stack. Platform settings there are refused as unknown rather than ignored:
 * the tenants read the platform's from its stack outputs.
 */
export function parseTenantsConfig(raw: Record<string, unknown>): TenantsConfig {
  const result = tenantsConfigSchema.safeParse(raw);
  if (!result.success) {
    const platformKeys = new Set(CONFIG_KEYS.map((key) => `${PROJECT}:${key}`));
    throw new ConfigError(
      toProblems(result.error.issues, raw).map((problem) =>
        platformKeys.has(problem.key) && problem.rule.startsWith("is not a known setting")
          ? { ...problem, rule: "is not a setting of a tenants stack: its tenants read the platform's from the platform stack's outputs" }
          : problem,
      ),
    );
  }
  return result.data;
}

function parseByRole(raw: Record<string, unknown>, secretKeys: readonly string[]): AnyStackConfig {
  if (raw.stackRole === "foundation") return parseFoundationConfig(raw);
  if (raw.stackRole === "tenants") return parseTenantsConfig(raw);
  return parseStackConfig(raw, secretKeys);
}

const EMPTY_SETTINGS = ["", "{}", "[]"];

/** The `agent-platform:` settings among the flat `namespace:key` config the CLI hands a program. */
function readRawConfig(
  all: Record<string, string> = pulumi.runtime.allConfig(),
  isSecret: (key: string) => boolean = isConfigSecret,
): { raw: Record<string, unknown>; secretKeys: string[] } {
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  const prefix = `${PROJECT}:`;
  for (const fullKey of Object.keys(all)) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    // Pulumi.yaml gives every setting an empty default, so that the CLI accepts each kind of
    // stack without the keys it does not use: an empty setting is an unset one.
    if (EMPTY_SETTINGS.includes(all[fullKey].trim())) continue;
    raw[key] = decode(all[fullKey]);
    if (isSecret(fullKey)) secretKeys.push(key);
  }
  return { raw, secretKeys };
}

/** The validated settings of flat `namespace:key` config (as the CLI hands it), by `stackRole`. */
export function parseProgramConfig(all: Record<string, string>, secretKeys: readonly string[]): AnyStackConfig {
  const { raw, secretKeys: secrets } = readRawConfig(all, (key) => secretKeys.includes(key));
  return parseByRole(raw, secrets);
}

/** Reads every `agent-platform:` setting from the running Pulumi program's configuration. */
export function loadStackConfig(): StackConfig {
  const { raw, secretKeys } = readRawConfig();
  return parseStackConfig(raw, secretKeys);
}

/**
 * A tenants stack's settings as given, before defaults: what the stack exports as `settings`, so
 * that the tenant command reads back what was asked (a plan change then still brings the new
 * plan's default storage) from the backend's state rather than from a local stack file.
 */
export function loadTenantsSettings(): { platformStack: unknown; vault: unknown; tenants: unknown } {
  const { raw } = readRawConfig();
  return { platformStack: raw.platformStack, vault: raw.vault ?? { configure: false }, tenants: raw.tenants ?? [] };
}

/** A foundation, platform or tenants stack's settings, told apart by `stackRole`. */
export function loadConfig(): AnyStackConfig {
  const { raw, secretKeys } = readRawConfig();
  return parseByRole(raw, secretKeys);
}

/**
 * Structured values reach the program as JSON text and scalars as plain strings. Only objects and
 * arrays are decoded: every top-level scalar setting is a string, and "1.34" must stay one.
 */
function decode(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export { CONFIG_KEYS };

/**
 * The AWS region of an EKS stack (`aws:region`, the AWS provider's own setting). Checked with the
 * rest of the configuration, before any resource is declared.
 */
export function loadAwsRegion(config: StackConfig | FoundationConfig): string | undefined {
  const region = pulumi.runtime.allConfig()["aws:region"];
  if ((config.stackRole === "foundation" || config.cluster.mode === "eks") && !region) {
    const rule = config.stackRole === "foundation" ? "is required in a foundation stack" : "is required when cluster.mode is eks";
    throw new ConfigError([{ key: "aws:region", rule, value: "nothing" }]);
  }
  return region;
}

/** EKS cluster names allow letters, digits, '-' and '_'; stack names may also hold dots. */
export function clusterNameFor(stack: string): string {
  return `agent-platform-${stack}`.replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 100);
}
