import { parseArgs } from "util";
import { isStackReference, STACK_REFERENCE_RULE } from "../../config/rules";
import { type TenantCommand, TenantCommandError, VERBS, type Verb, type VaultSettings } from "./types";

export const USAGE = `Usage: npm run tenant -- <command> [<id>] [options]

Commands:
  create <id>   create an agent instance (--provider required), or restore a deleted one
  update <id>   change its plan, provider, hosts, storage or name
  suspend <id>  scale its agent and egress proxy to zero; keep namespace, workspace, Vault identity and key
  resume <id>   bring a suspended instance back unchanged
  delete <id>   remove it, keeping its namespace and workspace; --purge deletes them too (confirmed)
  list          every tenant stack, its tenants and their lifecycle

Options:
  --plan small|medium|large     --provider <anthropic|openai|google|mistral|openrouter|azure-openai>
  --display-name <text>         --allowed-host <host> (repeatable)     --storage <quantity, e.g. 20Gi>
  --platform-stack <org>/<project>/<stack>   the platform the tenant runs on (env AGENT_PLATFORM_STACK)
  --shards <n>                  place tenants in n shard stacks instead of one stack each (env AGENT_PLATFORM_TENANT_SHARDS)
  --vault-address <https URL>   Vault for the tenant's identity (env AGENT_PLATFORM_VAULT_ADDRESS);
  --vault-jwt-role <role>       with --vault-ca-cert-file <path>: how Pulumi logs in (env AGENT_PLATFORM_VAULT_JWT_ROLE)
  --dry-run                     plan offline (the mock engine and the policy pack); change nothing
  --purge                       with delete: delete the namespace, workspace and volume for good
  --yes                         confirm --purge without a prompt
  --json                        print the result as one JSON object
  --help

Exit status: 0 done (or nothing to do), 1 the stack operation failed, 2 bad input (nothing changed).`;

const OPTIONS = {
  plan: { type: "string" },
  provider: { type: "string" },
  "display-name": { type: "string" },
  "allowed-host": { type: "string", multiple: true },
  storage: { type: "string" },
  "platform-stack": { type: "string" },
  shards: { type: "string" },
  "vault-address": { type: "string" },
  "vault-jwt-role": { type: "string" },
  "vault-ca-cert-file": { type: "string" },
  "dry-run": { type: "boolean", default: false },
  purge: { type: "boolean", default: false },
  yes: { type: "boolean", default: false },
  json: { type: "boolean", default: false },
  help: { type: "boolean", default: false },
} as const;

const SPEC_FLAGS = ["plan", "provider", "display-name", "allowed-host", "storage"] as const;

/** `--help` asked, or the parsed command; a bad argument throws naming it and the rule. */
export function parseTenantArgs(argv: string[], env: Record<string, string | undefined> = {}): TenantCommand | "help" {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new TenantCommandError(`${(error as Error).message.split("\n")[0]}; see --help`);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  const [verb, id, ...extra] = positionals;
  if (!verb) throw new TenantCommandError(`<command>: is required, one of ${VERBS.join(", ")}`);
  if (!(VERBS as readonly string[]).includes(verb)) throw new TenantCommandError(`${verb}: not a command; one of ${VERBS.join(", ")}`);
  if (extra.length > 0) throw new TenantCommandError(`${extra[0]}: unexpected argument; one tenant per command`);
  if (verb === "list" && id) throw new TenantCommandError(`${id}: list takes no tenant id`);
  if (verb !== "list" && !id) throw new TenantCommandError(`<id>: is required for ${verb}`);
  if (verb !== "create" && verb !== "update") {
    const given = SPEC_FLAGS.filter((flag) => values[flag] !== undefined);
    if (given.length > 0) throw new TenantCommandError(`--${given[0]}: only create and update change a tenant`);
  }
  if (values.purge && verb !== "delete") throw new TenantCommandError("--purge: only with delete");
  if (values.yes && !values.purge) throw new TenantCommandError("--yes: confirms --purge, and nothing else");

  const platformStack = values["platform-stack"] ?? env.AGENT_PLATFORM_STACK;
  if (!platformStack) throw new TenantCommandError("--platform-stack: is required (or AGENT_PLATFORM_STACK): the platform stack the tenant runs on");
  if (!isStackReference(platformStack)) throw new TenantCommandError(`--platform-stack: ${STACK_REFERENCE_RULE} (got ${JSON.stringify(platformStack)})`);
  const shardText = values.shards ?? env.AGENT_PLATFORM_TENANT_SHARDS;
  const shards = shardText === undefined ? undefined : Number(shardText);
  if (shards !== undefined && !(Number.isInteger(shards) && shards >= 1 && shards <= 1000)) {
    throw new TenantCommandError(`--shards: must be a whole number from 1 to 1000 (got ${JSON.stringify(shardText)})`);
  }

  const spec: TenantCommand["spec"] = {};
  if (values.plan !== undefined) spec.plan = values.plan as TenantCommand["spec"]["plan"];
  if (values.provider !== undefined) spec.modelProvider = values.provider;
  if (values["display-name"] !== undefined) spec.displayName = values["display-name"];
  if (values["allowed-host"] !== undefined) spec.allowedApiHosts = values["allowed-host"];
  if (values.storage !== undefined) spec.storage = values.storage;

  return {
    verb: verb as Verb,
    id,
    spec,
    platformStack,
    shards,
    vault: vaultSettings(values, env),
    purge: values.purge,
    yes: values.yes,
    dryRun: values["dry-run"],
    json: values.json,
  };
}

function vaultSettings(values: Record<string, unknown>, env: Record<string, string | undefined>): VaultSettings | undefined {
  const address = (values["vault-address"] as string | undefined) ?? env.AGENT_PLATFORM_VAULT_ADDRESS;
  const jwtRole = (values["vault-jwt-role"] as string | undefined) ?? env.AGENT_PLATFORM_VAULT_JWT_ROLE;
  const caCertFile = (values["vault-ca-cert-file"] as string | undefined) ?? env.AGENT_PLATFORM_VAULT_CA_CERT_FILE;
  if (!address) {
    if (jwtRole || caCertFile) throw new TenantCommandError("--vault-address: is required with --vault-jwt-role and --vault-ca-cert-file");
    return undefined;
  }
  return { configure: true, address, ...(jwtRole ? { jwtRole } : {}), ...(caCertFile ? { caCertFile } : {}) };
}
