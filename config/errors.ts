import type { z } from "zod";
import { PROJECT, SECRET_KEYS } from "./defaults";

/** One broken rule: the full config key (`agent-platform:tenants[2].id`), the rule, and the value. */
export interface ConfigProblem {
  key: string;
  rule: string;
  value: string;
}

/**
 * Raised before any resource is declared when the stack configuration is invalid. The message
 * lists every problem, one per line, so that one `pulumi preview` shows them all.
 */
export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `Invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.rule} (got ${p.value})`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

export function formatKey(path: readonly PropertyKey[]): string {
  const [top, ...rest] = path;
  let key = `${PROJECT}:${String(top)}`;
  for (const segment of rest) {
    key += typeof segment === "number" ? `[${segment}]` : `.${String(segment)}`;
  }
  return key;
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = raw;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

const MAX_SHOWN = 80;

export function describeValue(value: unknown, path: readonly PropertyKey[]): string {
  if (value === undefined) return "nothing";
  if ((SECRET_KEYS as readonly string[]).includes(String(path[0]))) return "[secret]";
  const shown = JSON.stringify(value);
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN - 3)}...` : shown;
}

/** Turns zod's issues into problems that name the config key, the rule and the offending value. */
export function toProblems(issues: readonly z.core.$ZodIssue[], raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      for (const unknownKey of issue.keys) {
        const path = [...issue.path, unknownKey];
        problems.push({
          key: formatKey(path),
          rule: "is not a known setting (check the spelling against Pulumi.yaml)",
          value: describeValue(valueAt(raw, path), path),
        });
      }
      continue;
    }
    const path = issue.path;
    const value = valueAt(raw, path);
    const rule = value === undefined && issue.code === "invalid_type" ? "is required" : issue.message;
    problems.push({ key: formatKey(path), rule, value: describeValue(value, path) });
  }
  return problems;
}
