/** Where a control can be enforced (the layers of the control catalog). */
export type Layer = "decl" | "pack" | "gk" | "falco" | "psa";

/**
 * One place that enforces a control: a file and a token that must appear in it, so the catalog
 * test can prove the place exists. `component` and `config` enforce at the `decl` layer.
 */
export interface Enforcement {
  kind: "component" | "config" | "policy" | "gatekeeper" | "falco" | "psa";
  file: string;
  symbol: string;
}

/** A test that fails when the control is removed or weakened: a file and an exact test title. */
export interface TestRef {
  file: string;
  test: string;
}

/** A namespace, or one workload in it, left out of an admission or runtime control, and why. */
export interface Exemption {
  namespace: string;
  /** The one workload exempt, e.g. "DaemonSet falco (containers falco)"; absent for a whole namespace. */
  workload?: string;
  reason: string;
}

export interface ControlDefinition {
  id: string;
  title: string;
  /** The seed documents that promise it; empty for controls beyond the seeds. */
  seeds: string[];
  layers: Layer[];
  /** Severity of a runtime-detection control, as the seed gives it. */
  severity?: "WARNING" | "ERROR" | "CRITICAL";
  /**
   * A promise of the platform API's own code, which this program deploys but does not contain:
   * who owns it, and what the program provides towards it. Such a control is "external".
   */
  external?: { owner: string; provides: string };
}

/** What a component contributes to one control. */
export interface Evidence {
  control: string;
  enforcedBy: Enforcement[];
  provenBy: TestRef[];
  exemptions?: Exemption[];
  /**
   * What the enforcement cannot see or stop yet. A control with a known gap is at most "partial",
   * however many layers claim it.
   */
  limitations?: string[];
}

export type ControlStatus = "enforced" | "partial" | "planned" | "external";

export interface Control extends ControlDefinition {
  enforcedBy: Enforcement[];
  provenBy: TestRef[];
  exemptions: Exemption[];
  limitations: string[];
  /** Layers covered by an enforcement point. */
  coveredLayers: Layer[];
  status: ControlStatus;
}
