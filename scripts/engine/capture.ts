import { readableValue } from "./serialize";

/** The resource options a reviewer cares about, as the engine received them. */
export interface CapturedOptions {
  protect: boolean;
  retainOnDelete: boolean;
  /** Every URN this resource waits for: explicit dependsOn plus the resources its inputs came from. */
  dependsOn: string[];
  ignoreChanges: string[];
  aliases: unknown[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  provider?: string;
}

export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  custom: boolean;
  inputs: Record<string, any>;
  options: CapturedOptions;
}

// The protobuf request as the SDK sends it; only the getters we read.
export interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getAliasesList(): { getUrn(): string; getSpec(): { getName(): string; getType(): string; getParenturn(): string; getNoparent(): boolean } | undefined }[];
  getAliasurnsList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
  getProvider(): string;
}

function aliasesOf(req: RegisterRequest): unknown[] {
  const aliases: unknown[] = [...req.getAliasurnsList()];
  for (const alias of req.getAliasesList()) {
    const spec = alias.getSpec();
    if (alias.getUrn()) {
      aliases.push(alias.getUrn());
    } else if (spec) {
      const entry: Record<string, unknown> = {};
      if (spec.getName()) entry.name = spec.getName();
      if (spec.getType()) entry.type = spec.getType();
      if (spec.getParenturn()) entry.parent = spec.getParenturn();
      if (spec.getNoparent()) entry.noParent = true;
      aliases.push(entry);
    }
  }
  return aliases;
}

export function captureRequest(req: RegisterRequest, urn: string): CapturedResource {
  const provider = req.getProvider();
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent() || undefined,
    custom: req.getCustom(),
    inputs: readableValue(req.getObject()?.toJavaScript() ?? {}) as Record<string, any>,
    options: {
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      dependsOn: [...req.getDependenciesList()].sort(),
      ignoreChanges: [...req.getIgnorechangesList()],
      aliases: aliasesOf(req),
      deleteBeforeReplace: req.getDeletebeforereplace() === true,
      additionalSecretOutputs: [...req.getAdditionalsecretoutputsList()],
      // The reference is "<provider urn>::<id>"; the URN is what a reviewer recognises.
      ...(provider ? { provider: provider.split("::").slice(0, -1).join("::") } : {}),
    },
  };
}
