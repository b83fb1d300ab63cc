import { CONTROL_DEFINITIONS } from "./definitions";
import { admissionEvidence } from "./evidence/admission";
import { chartEvidence } from "./evidence/charts";
import { clusterEvidence } from "./evidence/cluster";
import { configEvidence } from "./evidence/config";
import { dataEvidence } from "./evidence/data";
import { meshEvidence } from "./evidence/mesh";
import { monitoringEvidence } from "./evidence/monitoring";
import { networkEvidence } from "./evidence/network";
import { policyEvidence } from "./evidence/policy";
import { runtimeEvidence } from "./evidence/runtime";
import { tenantEvidence } from "./evidence/tenant";
import { vaultEvidence } from "./evidence/vault";
import { Control, Enforcement, Evidence, Layer } from "./types";

/** Evidence from every part of the program; each component adds its own file here. */
export const EVIDENCE: Evidence[] = [...configEvidence, ...clusterEvidence, ...meshEvidence, ...vaultEvidence, ...admissionEvidence, ...chartEvidence, ...runtimeEvidence, ...tenantEvidence, ...networkEvidence, ...monitoringEvidence, ...policyEvidence, ...dataEvidence];

const LAYER_OF: Record<Enforcement["kind"], Layer> = {
  component: "decl",
  config: "decl",
  policy: "pack",
  gatekeeper: "gk",
  falco: "falco",
  psa: "psa",
};

/**
 * The control catalog: each control with the places that enforce it and the tests that prove it.
 * A control's status is computed from its evidence, never declared, so it cannot claim more.
 */
export function buildCatalog(evidence: Evidence[] = EVIDENCE): Control[] {
  const known = new Set(CONTROL_DEFINITIONS.map((d) => d.id));
  for (const item of evidence) {
    if (!known.has(item.control)) throw new Error(`Evidence names unknown control ${item.control}`);
  }
  return CONTROL_DEFINITIONS.map((definition) => {
    const mine = evidence.filter((e) => e.control === definition.id);
    const enforcedBy = mine.flatMap((e) => e.enforcedBy);
    const provenBy = mine.flatMap((e) => e.provenBy);
    const exemptions = mine.flatMap((e) => e.exemptions ?? []);
    const limitations = mine.flatMap((e) => e.limitations ?? []);
    const proven = provenBy.length > 0;
    const coveredLayers = proven
      ? definition.layers.filter((layer) => enforcedBy.some((e) => LAYER_OF[e.kind] === layer))
      : [];
    const complete = coveredLayers.length === definition.layers.length && limitations.length === 0;
    const status = definition.external ? "external" : coveredLayers.length === 0 ? "planned" : complete ? "enforced" : "partial";
    return { ...definition, enforcedBy, provenBy, exemptions, limitations, coveredLayers, status };
  });
}
