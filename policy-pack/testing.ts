import {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
  UnknownValueError,
  unknownCheckingProxy,
} from "@pulumi/policy";

/**
 * Runs policies in-process against declared resources, the way the Pulumi engine's analyzer
 * (server.js of @pulumi/policy 1.21.0) does, without the engine: one validateResource call per
 * resource and validation, one validateStack call per stack policy. Differences from the engine,
 * kept on purpose: no property dependencies (the capture has none), aliases given as objects
 * are passed as JSON, and asynchronous validations are refused rather than awaited so the plan
 * can stay synchronous.
 */

/** A resource as the mock-engine harness captures it (scripts/engine/capture.ts). */
export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  inputs: Record<string, any>;
  options: {
    protect?: boolean;
    ignoreChanges?: string[];
    aliases?: unknown[];
    deleteBeforeReplace?: boolean;
    additionalSecretOutputs?: string[];
    dependsOn?: string[];
    provider?: string;
  };
}

type PolicyConfig = EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>);
/** Per-policy settings, as `pulumi policy enable --config` takes them. */
export type PackConfig = Record<string, PolicyConfig>;

export interface Violation {
  policy: string;
  enforcementLevel: "advisory" | "mandatory";
  urn?: string;
  message: string;
}

/** The pack as the CLI names it in its diagnostics: PolicyPack's name (index.ts), package.json's version. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const POLICY_PACK = { name: "agent-platform", version: require("./package.json").version as string };

export interface PolicyRun {
  /** Violations, and (advisory) each validation that could not decide because its input is unknown in a preview. */
  violations: Violation[];
  /** The validations that met an unknown value (a first preview): which policy, on which resource. */
  undecided: { policy: string; urn?: string; reason: string }[];
  notApplicable: { policy: string; reason?: string }[];
  /** How many validations of each policy ran to the end (were applicable), violations or not. */
  applied: Record<string, number>;
}

class NotApplicable extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "not applicable");
  }
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** The level a policy runs at: its config, else its own, else the pack's; remediate reports as mandatory. */
function levelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PackConfig, packLevel: EnforcementLevel): EnforcementLevel {
  const own = config[policy.name];
  const level = (typeof own === "string" ? own : own?.enforcementLevel) ?? policy.enforcementLevel ?? packLevel;
  return level === "remediate" ? "mandatory" : level;
}

/** The policy's configuration: the schema's defaults (the CLI applies them), then the user's values. */
function configFor(policy: ResourceValidationPolicy | StackValidationPolicy, config: PackConfig): Record<string, unknown> {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, schema]) => typeof schema === "object" && schema !== null && "default" in schema)
      .map(([key, schema]) => [key, (schema as { default: unknown }).default]),
  );
  const own = config[policy.name];
  const given = typeof own === "object" && own !== null ? own : {};
  const properties = Object.fromEntries(Object.entries(given).filter(([key]) => key !== "enforcementLevel"));
  return { ...defaults, ...properties };
}

function isTypeOf(type: string, resourceClass: any): boolean {
  const pulumiType = resourceClass?.__pulumiType;
  if (typeof pulumiType === "string") return type === pulumiType;
  return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

function optionsOf(resource: DeclaredResource): PolicyResourceOptions {
  const o = resource.options ?? {};
  return {
    protect: o.protect === true,
    ignoreChanges: o.ignoreChanges ?? [],
    deleteBeforeReplace: o.deleteBeforeReplace,
    aliases: (o.aliases ?? []).map((a) => (typeof a === "string" ? a : JSON.stringify(a))),
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: o.additionalSecretOutputs ?? [],
    parent: resource.parent,
  };
}

function settle(result: unknown, policy: string): void {
  if (result && typeof (result as Promise<void>).then === "function") {
    throw new Error(`Policy ${policy} validates asynchronously, which the in-process runner does not support`);
  }
}

/** Runs `policies` over `resources`; a policy that throws (other than "not applicable") fails the run. */
export function runPolicies(
  policies: Policies,
  resources: DeclaredResource[],
  config: PackConfig = {},
  packLevel: EnforcementLevel = "advisory",
): PolicyRun {
  const violations: Violation[] = [];
  const skipped: PolicyRun["notApplicable"] = [];
  const undecided: PolicyRun["undecided"] = [];
  const applied: Record<string, number> = {};
  const stackTags = new Map<string, string>();
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const providerOf = (r: DeclaredResource) => {
    const p = r.options?.provider ? byUrn.get(r.options.provider) : undefined;
    return p ? { type: p.type, props: p.inputs, urn: p.urn, name: p.name } : undefined;
  };

  for (const policy of policies) {
    const level = levelOf(policy, config, packLevel);
    if (level === "disabled") continue;
    const settings = configFor(policy, config);
    const report = (message: string, urn?: string) =>
      violations.push({ policy: policy.name, enforcementLevel: level as Violation["enforcementLevel"], message, ...(urn ? { urn } : {}) });
    applied[policy.name] = 0;
    const attempt = (run: () => unknown, urn?: string) => {
      try {
        settle(run(), policy.name);
        applied[policy.name] += 1;
      } catch (error) {
        if ((error as object) instanceof UnknownValueError) {
          const reason = (error as Error).message;
          // As the analyzer does: what the validation reported before stays, and it advises that it
          // could not finish. A preview with unknowns never fails on what it cannot see.
          undecided.push({ policy: policy.name, ...(urn ? { urn } : {}), reason });
          const message = `can't run policy '${policy.name}' from policy pack '${POLICY_PACK.name}@v${POLICY_PACK.version}' during preview: ${reason}`;
          violations.push({ policy: policy.name, enforcementLevel: "advisory", ...(urn ? { urn } : {}), message });
          return;
        }
        if (!(error instanceof NotApplicable)) throw error;
        skipped.push({ policy: policy.name, reason: error.reason });
      }
    };

    if ("validateStack" in policy) {
      const stackResources: PolicyResource[] = resources.map((r) => {
        const props = unknownCheckingProxy(r.inputs);
        const provider = providerOf(r);
        return {
          type: r.type,
          props,
          urn: r.urn,
          name: r.name,
          opts: optionsOf(r),
          ...(provider ? { provider } : {}),
          dependencies: [],
          propertyDependencies: {},
          isType: (cls: any) => isTypeOf(r.type, cls),
          asType: (cls: any) => (isTypeOf(r.type, cls) ? (props as any) : undefined),
        };
      });
      const byUrnResolved = new Map(stackResources.map((r) => [r.urn, r]));
      resources.forEach((r, i) => {
        const parent = r.parent ? byUrnResolved.get(r.parent) : undefined;
        if (parent) stackResources[i].parent = parent;
        stackResources[i].dependencies = (r.options?.dependsOn ?? []).map((d) => byUrnResolved.get(d)).filter((d): d is PolicyResource => !!d);
      });
      const args: StackValidationArgs = { resources: stackResources, stackTags, getConfig: <T extends object>() => settings as T, notApplicable };
      attempt(() => policy.validateStack(args, (message, urn) => report(message, urn)));
      continue;
    }

    if (!policy.validateResource) continue;
    const validations: ResourceValidation[] = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const resource of resources) {
      const props = unknownCheckingProxy(resource.inputs);
      const provider = providerOf(resource);
      const args: ResourceValidationArgs = {
        type: resource.type,
        props,
        urn: resource.urn,
        name: resource.name,
        opts: optionsOf(resource),
        ...(provider ? { provider } : {}),
        stackTags,
        isType: (cls: any) => isTypeOf(resource.type, cls),
        asType: (cls: any) => (isTypeOf(resource.type, cls) ? (props as any) : undefined),
        getConfig: <T extends object>() => settings as T,
        notApplicable,
      };
      // The engine reports a resource-level violation against the resource being validated.
      for (const validation of validations) attempt(() => validation(args, (message, urn) => report(message, urn ?? resource.urn)), resource.urn);
    }
  }
  return { violations, undecided, notApplicable: skipped, applied };
}
