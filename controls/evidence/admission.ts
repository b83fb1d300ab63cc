import { ExemptibleConstraint, NAMESPACE_EXEMPTIONS, catalogExemptions } from "../../components/admission/exemptions";
import { Evidence } from "../types";

const TESTS = "components/admission/policies.test.ts";
/** The whole bundle at once: scopes and exemptions across every constraint. */
const BUNDLE_TESTS = "components/admission/bundle.test.ts";
const rego = (policy: string) => `components/admission/policies/${policy}/src.rego`;
/**
 * Which control a workload exemption of a constraint touches: hostisolation's exemptions are host
 * paths only (ISO-14), never privileged mode (ADM-02); runasnonroot serves ADM-04 and ISO-11.
 */
const EXEMPTED_CONTROLS: Record<ExemptibleConstraint, string[]> = {
  hostisolation: ["ISO-14"],
  capabilities: ["ISO-07"],
  runasnonroot: ["ADM-04", "ISO-11"],
  noprivilegeescalation: ["ISO-08"],
};

/**
 * Constraints over all namespaces leave out kube-system and gatekeeper-system, and the named host
 * agents from the constraints they need only; each exemption says why.
 */
const gatekeeper = (control: string, policy: string, symbol: string, test: string, scoped = false): Evidence => ({
  control,
  enforcedBy: [
    { kind: "gatekeeper", file: rego(policy), symbol },
    { kind: "gatekeeper", file: "components/admission/policies.ts", symbol: `name: "${policy}"` },
  ],
  provenBy: [{ file: TESTS, test }],
  ...(scoped
    ? {}
    : {
        exemptions: [
          ...NAMESPACE_EXEMPTIONS,
          ...(EXEMPTED_CONTROLS[policy as ExemptibleConstraint]?.includes(control) ? catalogExemptions(policy as ExemptibleConstraint) : []),
        ],
      }),
});

/**
 * Gatekeeper's layer ("gk") of the admission and isolation controls: a ConstraintTemplate and
 * Constraint each, proven by its gator suite. Tenant-only constraints (ISO-09, ISO-10) select
 * namespaces labelled agent-platform.io/tenant, so no platform namespace is in their scope;
 * so does AUTH-02's, which holds the `auth-guard` container to a read-only root and no capabilities.
 */
const EXEMPTIONS_TEST = "ISO-07 ISO-08 ISO-11 ISO-14 exempt only named host agents, from only the constraints they need, for only their containers and host paths";
const SCOPE_TEST = "ADM-01 ADM-02 ADM-03 ADM-04 ADM-05 exclude only kube-system and gatekeeper-system wholesale; istio-ingress from nothing";
const proof = (control: string, test: string, symbol: string, file = "components/admission/exemptions.ts", testFile = TESTS): Evidence => ({
  control,
  enforcedBy: [{ kind: "gatekeeper", file, symbol }],
  provenBy: [{ file: testFile, test }],
});

const SELF = "test/selfConsistency.test.ts";
const CHARTS = "test/chartAdmission.test.ts";
/** The proof on the pods as the cluster mutates them (admission-chain), then gator and Pod Security. */
const mutated = (control: string, file: string, test: string): Evidence => ({
  control,
  enforcedBy: [{ kind: "gatekeeper", file: "components/admission/proof.ts", symbol: "export function proveAdmission" }],
  provenBy: [{ file, test }],
});

export const admissionEvidence: Evidence[] = [
  mutated("SEC-09", SELF, "SEC-09 still refuses, after injection, an agent pod that mounts or env-references its provider key, and admits its proxy holding it"),
  mutated("ISO-09", SELF, "ISO-09 admits every pod the prod stack's workloads create, as Istio injects it, under the constraints and Pod Security"),
  ...["ISO-09", "ISO-10", "ISO-11"].map((c) =>
    mutated(c, SELF, "ISO-09 ISO-10 ISO-11 still refuses, after injection, a projected API token, a root container and a missing RuntimeClass"),
  ),
  ...["ADM-01", "ADM-03", "ADM-05", "ISO-06"].map((c) =>
    mutated(c, SELF, "ADM-01 ADM-03 ADM-05 ISO-06 admits istiod, the CNI agent and the internet-facing gateway with the plan's values; the gateway is exempt from nothing"),
  ),
  ...["ADM-01", "ADM-03", "ADM-04"].flatMap((c) => [
    mutated(c, CHARTS, "ADM-01 ADM-03 ADM-04 admits a hardened chart's pod as Istio injects it, and leaves its test hook out"),
    mutated(c, CHARTS, "ADM-01 ADM-03 ADM-04 refuses a chart whose defaults break Pod Security and the constraints, naming each rule"),
    mutated(c, CHARTS, "ADM-01 ADM-03 ADM-04 pulls every release of the prod plan at its pin and proves it, on every push and pull request"),
  ]),
  ...["ADM-01", "ADM-02", "ADM-03", "ADM-04", "ADM-05"].map((c) => proof(c, SCOPE_TEST, "export const NAMESPACE_EXEMPTIONS", undefined, BUNDLE_TESTS)),
  ...["ISO-07", "ISO-08", "ISO-11", "ISO-14"].map((c) => proof(c, EXEMPTIONS_TEST, "export const WORKLOAD_EXEMPTIONS", undefined, BUNDLE_TESTS)),
  proof("ADM-05", "ADM-05 judges the ingress gateway by the image the injector gives it, not the chart's `auto` placeholder", "export function expansionMutators", "components/admission/policies.ts"),
  proof("ISO-14", "ISO-14 lets a host agent mount only its listed host paths, in its own namespace, never host namespaces or privileged", "allowed_host_path(review", "components/admission/policies/lib/exemptions.rego"),
  proof("ISO-07", "ISO-07 lets a host agent's named container add only its listed capabilities, still dropping ALL", "added_capabilities(review", "components/admission/policies/lib/exemptions.rego"),
  ...["ISO-11", "ISO-08"].map((c) => proof(c, "ISO-11 ISO-08 exempt a host agent's named container only, in its own namespace", "exempt_container(review", "components/admission/policies/lib/exemptions.rego")),
  gatekeeper("ADM-01", "requiredlabels", "must carry the labels", "ADM-01 requires app.kubernetes.io/name and part-of on Deployments and StatefulSets"),
  gatekeeper("ADM-02", "hostisolation", "must not be privileged", "ADM-02 denies privileged containers"),
  gatekeeper("ADM-03", "containerlimits", "must set a %v limit", "ADM-03 requires cpu and memory limits on every container, init containers included"),
  gatekeeper("ADM-04", "runasnonroot", "must set runAsNonRoot: true", "ADM-04 requires runAsNonRoot: true and refuses uid 0 on every container"),
  {
    ...gatekeeper(
      "ADM-05",
      "disallowlatest",
      "not :latest or no tag",
      "ADM-05 flags :latest and untagged images, warning by default and denying when admission.latestTag is deny",
    ),
    enforcedBy: [
      { kind: "gatekeeper", file: rego("disallowlatest"), symbol: "not :latest or no tag" },
      { kind: "gatekeeper", file: "components/admission/policies.ts", symbol: 'return mode === "deny" ? "deny" : "warn";' },
    ],
  },
  gatekeeper("ISO-06", "seccomp", "must run with a seccomp profile", "ISO-06 requires a RuntimeDefault or Localhost seccomp profile for every container"),
  gatekeeper(
    "ISO-07",
    "capabilities",
    "must drop ALL capabilities, or at least",
    "ISO-07 requires dropping ALL or the dangerous capabilities and adds nothing beyond NET_BIND_SERVICE",
  ),
  gatekeeper(
    "AUTH-02",
    "hardenedsidecars",
    "must set readOnlyRootFilesystem: true",
    "AUTH-02 requires the auth guard to run with a read-only root filesystem and no capabilities",
    true,
  ),
  gatekeeper("ISO-08", "noprivilegeescalation", "must set allowPrivilegeEscalation: false", "ISO-08 requires allowPrivilegeEscalation: false on every container"),
  gatekeeper("ISO-09", "noautomounttoken", "must set automountServiceAccountToken: false", "ISO-09 refuses service account tokens in tenant pods", true),
  gatekeeper(
    "SEC-09",
    "providerkeycustody",
    "reads the provider key Secret",
    "SEC-09 refuses an agent pod that mounts, projects or env-references the provider key or the tenant CA's key",
    true,
  ),
  gatekeeper("ISO-10", "requireruntimeclass", "must set runtimeClassName to one of", "ISO-10 requires the gvisor RuntimeClass for tenant pods", true),
  gatekeeper("ISO-11", "runasnonroot", "root_allowed if {", "ISO-11 allows root only with hostUsers: false under the gvisor RuntimeClass"),
  gatekeeper("ISO-12", "containerlimits", "must set a %v limit", "ISO-12 refuses a workload whose pod template has containers without limits"),
  gatekeeper("ISO-14", "hostisolation", "must not mount the hostPath volume", "ISO-14 denies host network, PID and IPC namespaces and hostPath volumes"),
];
