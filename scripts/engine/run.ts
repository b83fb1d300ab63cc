import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULTS } from "../../config/defaults";
import { CapturedResource, RegisterRequest, captureRequest } from "./capture";
import { InvokeRecord, MockOverrides, PlatformMocks } from "./mocks";
import { readableValue } from "./serialize";
import { ProgramConfig, REPO_ROOT, StackDocument, encodeOverrides, readStackConfig, stackConfigOf } from "./stackFile";

/* eslint-disable @typescript-eslint/no-require-imports */
const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
const settings = require("@pulumi/pulumi/runtime/settings");
const state = require("@pulumi/pulumi/runtime/state");
/* eslint-enable @typescript-eslint/no-require-imports */

export type Program = () => Promise<Record<string, unknown> | void>;

export interface RunOptions {
  /** Reads `Pulumi.<stack>.yaml` at the repository root. @default "prod" */
  stack?: string;
  /** An explicit stack file instead of `Pulumi.<stack>.yaml`. */
  stackFile?: string;
  /** Settings that replace the stack file's; plain keys belong to the project namespace. */
  config?: Record<string, unknown>;
  /** Keys of `config` to hand over as Pulumi secrets (plain key names as in `config`). */
  secretConfigKeys?: string[];
  /** Replaces the stack file entirely: run with exactly these settings. */
  configOnly?: boolean;
  /**
   * The stack file's content instead of `Pulumi.<stack>.yaml`, read by the CLI's rules (Pulumi.yaml
   * defaults apply): a stack the tenant command creates has no file in the repository.
   */
  stackDocument?: StackDocument;
  /** The program to run. @default the export of index.ts */
  program?: Program;
  /**
   * Run as a first `pulumi preview` runs the program: dry run, and every provider-computed output
   * (IDs, ARNs, endpoints, ClusterIPs, generated passwords) unknown; inputs that depend on one are
   * captured as `[unknown]`. @default false
   */
  preview?: boolean;
  /** Answers of the mock cloud that differ from the defaults (zones, foundation outputs). @default {} */
  mocks?: MockOverrides;
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: CapturedResource[];
  /** What the program read (StackReferences, `get`s): resources of the stack the engine's policies see too. */
  reads: ReadResource[];
  outputs: Record<string, unknown>;
  invokes: InvokeRecord[];
  /** The one resource of this type and name; fails with the names that do exist otherwise. */
  findResource(type: string, name: string): CapturedResource;
  findResources(type: string): CapturedResource[];
  /** Direct children of a resource. */
  childrenOf(urn: string): CapturedResource[];
  /**
   * Every URN a resource waits for, as the engine orders steps: its dependencies, theirs, and the
   * children of any component among them.
   */
  waitsFor(resource: CapturedResource): Set<string>;
}

/** The program failed; `resources` says what it had declared before it did. */
export class ProgramFailed extends Error {
  constructor(
    readonly cause: Error,
    readonly resources: CapturedResource[],
  ) {
    super(cause.message);
    this.name = "ProgramFailed";
  }
}

/** A resource the program reads rather than declares (a StackReference, a `get`): its type, name and inputs. */
export interface ReadResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

class CapturingMonitor extends MockMonitor {
  readonly captured: CapturedResource[] = [];
  readonly reads: ReadResource[] = [];
  stackOutputs: Record<string, unknown> = {};

  constructor(mocks: PlatformMocks) {
    super(mocks);
  }

  async registerResource(req: RegisterRequest, callback: (err: unknown, resp?: { getUrn(): string }) => void) {
    await super.registerResource(req, (err: unknown, resp?: { getUrn(): string }) => {
      if (!err && resp) this.captured.push(captureRequest(req, resp.getUrn()));
      callback(err, resp);
    });
  }

  async readResource(
    req: { getType(): string; getName(): string; getProperties(): { toJavaScript(): Record<string, unknown> } | undefined },
    callback: (err: unknown, resp?: { getUrn(): string }) => void,
  ) {
    await super.readResource(req, (err: unknown, resp?: { getUrn(): string }) => {
      if (!err && resp) {
        this.reads.push({ urn: resp.getUrn(), type: req.getType(), name: req.getName(), inputs: readableValue(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown> });
      }
      callback(err, resp);
    });
  }

  registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined }, callback: (err: unknown, resp?: unknown) => void) {
    if (req.getUrn().includes("::pulumi:pulumi:Stack::")) {
      this.stackOutputs = readableValue(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    }
    super.registerResourceOutputs(req, callback);
  }
}

function defaultProgram(): Program {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(REPO_ROOT, "index.ts")) as Program;
}

function resolveConfig(options: RunOptions): ProgramConfig {
  const stack = options.stack ?? "prod";
  const base: ProgramConfig = options.configOnly
    ? { project: "agent-platform", stack, values: {}, secretKeys: [] }
    : options.stackDocument
      ? stackConfigOf(stack, options.stackDocument)
      : readStackConfig(stack, options.stackFile);
  const overrides = encodeOverrides(base.project, options.config ?? {});
  const values = { ...base.values, ...overrides };
  const overridden = new Set(Object.keys(overrides));
  const secretKeys = [
    ...base.secretKeys.filter((key) => !overridden.has(key)),
    ...(options.secretConfigKeys ?? []).map((key) => (key.includes(":") ? key : `${base.project}:${key}`)),
  ];
  return { ...base, values, secretKeys };
}

let running: Promise<unknown> = Promise.resolve();

/**
 * Runs the program under Pulumi's mock engine and captures every resource it declares, with its
 * inputs and options. Runs are serialised: the SDK keeps one global engine connection.
 */
export function runProgram(options: RunOptions = {}): Promise<ProgramRun> {
  const run = running.then(() => runExclusive(options));
  running = run.catch(() => undefined);
  return run;
}

async function runExclusive(options: RunOptions): Promise<ProgramRun> {
  const config = resolveConfig(options);
  const region = config.values["aws:region"] ?? "us-east-1";
  // A foundation built for this platform stack exports the VPC its configuration names.
  const cluster = config.values["agent-platform:cluster"];
  const vpcCidr = cluster?.trim().startsWith("{") ? (JSON.parse(cluster).vpcCidr as string | undefined) : undefined;
  const mocks = new PlatformMocks(region, config.stack, {
    ...options.mocks,
    foundationOutputs: { vpcCidr: vpcCidr ?? DEFAULTS.cluster.vpcCidr, ...options.mocks?.foundationOutputs },
  }, options.preview ?? false);
  const monitor = new CapturingMonitor(mocks);
  settings.setMockOptions(monitor, config.project, config.stack, options.preview ?? false);
  const store = state.getStore();
  Object.assign(store, {
    supportsSecrets: true,
    supportsResourceReferences: true,
    supportsOutputValues: false,
    supportsDeletedWith: true,
    supportsAliasSpecs: true,
    supportsTransforms: false,
    supportsInvokeTransforms: false,
  });
  store.config = {};
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);

  // Failures inside resource registration surface as rejected promises nobody awaits; collect
  // them so a broken resource fails the run instead of vanishing.
  const stray: Error[] = [];
  const onRejection = (reason: unknown) => stray.push(reason instanceof Error ? reason : new Error(String(reason)));
  process.on("unhandledRejection", onRejection);
  const program = options.program ?? defaultProgram();
  let programError: unknown;
  try {
    // The program's own failure is caught inside the stack's init: rejecting there would leave a
    // rejected promise in the SDK that nothing awaits, which ends the test process.
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        return (await program()) ?? {};
      } catch (error) {
        programError = error;
        return {};
      }
    });
    await settings.waitForRPCs();
    if (programError !== undefined) throw programError;
    await new Promise((resolve) => setImmediate(resolve));
    if (mocks.unanswered.length > 0) throw mocks.unanswered[0];
    if (stray.length > 0) throw stray[0];
    if (store.logErrorCount > 0) throw new Error(`The program logged ${store.logErrorCount} error(s); see the output above.`);
  } catch (error) {
    await settings.waitForRPCs().catch(() => undefined);
    // An unanswered invoke explains whatever the program did with the empty answer it got.
    const cause = mocks.unanswered[0] ?? (error instanceof Error ? error : new Error(String(error)));
    throw new ProgramFailed(cause, [...monitor.captured]);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  return toRun(config, monitor.captured, monitor.reads, monitor.stackOutputs, mocks.invokes);
}

function toRun(
  config: ProgramConfig,
  resources: CapturedResource[],
  reads: ReadResource[],
  outputs: Record<string, unknown>,
  invokes: InvokeRecord[],
): ProgramRun {
  const ordered = [...resources];
  return {
    project: config.project,
    stack: config.stack,
    resources: ordered,
    reads: [...reads],
    outputs,
    invokes,
    findResource(type, name) {
      const matches = ordered.filter((r) => r.type === type && r.name === name);
      if (matches.length === 1) return matches[0];
      const names = ordered.filter((r) => r.type === type).map((r) => r.name);
      throw new Error(
        matches.length > 1
          ? `${matches.length} resources of type ${type} are named ${name}`
          : `No ${type} named "${name}". Declared of that type: ${names.length ? names.join(", ") : "none"}`,
      );
    },
    findResources(type) {
      return ordered.filter((r) => r.type === type);
    },
    childrenOf(urn) {
      return ordered.filter((r) => r.parent === urn);
    },
    waitsFor(resource) {
      const byUrn = new Map(ordered.map((r) => [r.urn, r]));
      const seen = new Set<string>();
      const visit = (urn: string) => {
        if (seen.has(urn)) return;
        seen.add(urn);
        const found = byUrn.get(urn);
        if (!found) return;
        const children = found.custom ? [] : ordered.filter((r) => r.parent === urn).map((r) => r.urn);
        [...found.options.dependsOn, ...children].forEach(visit);
      };
      resource.options.dependsOn.forEach(visit);
      return seen;
    },
  };
}
