import { Evidence } from "../types";

/**
 * Chart workloads meet the admission constraints through their values (and, where a chart
 * hard-codes its labels, the part-of post-renderer), so no platform namespace needs excluding.
 */
const entry = (control: string, file: string, symbol: string, tests: [string, string][]): Evidence => ({
  control,
  enforcedBy: [{ kind: "component", file, symbol }],
  provenBy: tests.map(([testFile, test]) => ({ file: testFile, test })),
});

const MESH = "components/mesh/values.test.ts";
const FALCO = "components/runtime/falco.test.ts";
const CERT_MANAGER = "ADM-01 ADM-03 installs cert-manager with its CRDs, two replicas of each part, disruption budgets, limits and part-of labels";
const FALCO_TEST = "ADM-03 ISO-06 ISO-07 ISO-08 hold Falco's sidecars and falcosidekick to every rule, and Falco to all but its host access";
const POSTRENDER = "ADM-01 labels the Deployments and StatefulSets of charts that hard-code their labels, and leaves the rest as rendered";

export const chartEvidence: Evidence[] = [
  entry("ADM-01", "components/mesh/values.ts", "commonLabels", [[MESH, CERT_MANAGER]]),
  entry("ADM-01", "components/shared/helm/label-part-of", "app.kubernetes.io/part-of", [
    ["components/shared/helm/postrender.test.ts", POSTRENDER],
    ["test/program.test.ts", "ADM-01 runs the Vault and Secrets Operator charts through the part-of post-renderer; the operator's namespace is restricted"],
  ]),
  entry("ADM-03", "components/mesh/defaults.ts", "CERT_MANAGER_RESOURCES", [
    [MESH, CERT_MANAGER],
    [MESH, "ADM-03 keeps the privileged CNI agent off the gVisor sandbox nodes, with limits, from the pinned hub"],
  ]),
  entry("ADM-03", "components/monitoring/defaults.ts", "CONFIG_RELOADER_RESOURCES", [
    ["components/monitoring/values.test.ts", "ADM-03 gives every container the chart and its operator run a limit, the config reloaders included"],
  ]),
  entry("ADM-03", "components/runtime/defaults.ts", "FALCOCTL_RESOURCES", [[FALCO, FALCO_TEST]]),
  ...["ISO-06", "ISO-07", "ISO-08"].map((control) => entry(control, "components/runtime/falco.ts", "containerSecurityContext", [[FALCO, FALCO_TEST]])),
  entry("ISO-06", "components/mesh/values.ts", 'seccompProfile: { type: "RuntimeDefault" }', [
    [MESH, "ISO-06 runs two istiod replicas with istio-cni and a seccomp profile, from the pinned hub, so no injected pod needs NET_ADMIN"],
  ]),
];
