/**
 * Test helpers for the Vault component: an HCL v1 parser (the family Vault itself parses policies
 * and server configuration with) and Vault's ACL path matching, so that tests judge generated HCL
 * the way Vault would. Used by tests only.
 */

// js-hcl-parser ships no types; it returns JSON text, or an error message instead of throwing.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hcl: { parse(text: string): string } = require("js-hcl-parser");

export function parseHcl(text: string): any {
  const out = hcl.parse(text);
  try {
    return JSON.parse(out);
  } catch {
    throw new Error(`HCL does not parse: ${out}`);
  }
}

/** A parsed policy as `{ path: capabilities }`; a path given twice fails, as it would be ambiguous. */
export function policyPaths(text: string): Record<string, string[]> {
  const doc = parseHcl(text);
  const out: Record<string, string[]> = {};
  for (const entry of doc.path ?? []) {
    for (const [path, blocks] of Object.entries(entry as Record<string, Array<{ capabilities: string[] }>>)) {
      if (path in out) throw new Error(`path ${path} appears twice`);
      out[path] = blocks.flatMap((b) => b.capabilities ?? []);
    }
  }
  return out;
}

/**
 * Substitutes entity metadata into a templated policy path, as Vault does at request time. Any
 * other template is refused so that a new template cannot slip past the isolation tests.
 */
export function renderTemplate(pattern: string, metadata: Record<string, string>): string {
  return pattern.replace(/\{\{([^}]*)\}\}/g, (_, expr: string) => {
    const m = /^identity\.entity\.metadata\.([a-z_]+)$/.exec(expr.trim());
    if (!m || !(m[1] in metadata)) throw new Error(`unsupported template {{${expr}}}`);
    return metadata[m[1]];
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Vault's ACL matching: a trailing `*` makes the rest a prefix match; a `+` segment matches any one
 * segment (taken here as possibly empty, the more permissive reading); everything else is literal.
 */
export function vaultPathMatches(pattern: string, path: string): boolean {
  const glob = pattern.endsWith("*");
  const body = glob ? pattern.slice(0, -1) : pattern;
  const regex = body
    .split("/")
    .map((segment) => (segment === "+" ? "[^/]*" : escapeRegExp(segment)))
    .join("/");
  return new RegExp(`^${regex}${glob ? "[\\s\\S]*" : ""}$`).test(path);
}
