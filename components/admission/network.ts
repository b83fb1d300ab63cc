/**
 * Gatekeeper's NetworkPolicies: the API server calls the webhook, Prometheus reads both
 * Deployments, and the chart's hook Jobs reach the API server (and the post-install probe the
 * webhook). Pod labels are the gatekeeper 3.23 chart's (test/network/chartWorkloads.ts).
 */
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from "../monitoring/defaults";
import { ClusterNetwork, NetworkPolicyManifest, fromApiServer, jobPods, matching, podsHere, podsIn, tcp, toApiServer, workloadPolicy } from "../network/policy";
import { GATEKEEPER_NAMESPACE } from "./defaults";
import { GATEKEEPER_METRICS_PORT } from "./monitoring";

/** The webhook server's container port (its Service maps 443 to it). */
export const GATEKEEPER_WEBHOOK_PORT = 8443;
/** Also a subset of the webhook Service's selector (app, chart, control-plane), for the probe's ClusterIP. */
export const GATEKEEPER_WEBHOOK_LABELS = { app: "gatekeeper", "control-plane": "controller-manager" } as const;
export const GATEKEEPER_AUDIT_LABELS = { app: "gatekeeper", "control-plane": "audit-controller" } as const;
/** The chart's pre-install CRD upgrade and, with labelNamespace off, its post-install webhook probe. */
export const GATEKEEPER_HOOK_JOBS = ["gatekeeper-update-crds-hook", "gatekeeper-probe-webhook-post-install"] as const;
const [, PROBE_JOB] = GATEKEEPER_HOOK_JOBS;

export function buildGatekeeperPolicies(network: ClusterNetwork): NetworkPolicyManifest[] {
  const ns = GATEKEEPER_NAMESPACE;
  const prometheus = podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS);
  const hooks = jobPods(...GATEKEEPER_HOOK_JOBS);
  const probe = jobPods(PROBE_JOB);
  return [
    workloadPolicy(ns, "gatekeeper-webhook", matching(GATEKEEPER_WEBHOOK_LABELS), {
      ingress: [
        // Every admission request, validating and mutating.
        fromApiServer(network, GATEKEEPER_WEBHOOK_PORT),
        // The post-install probe waits until the webhook answers.
        { from: [{ podSelector: probe }], ports: tcp(GATEKEEPER_WEBHOOK_PORT) },
        { from: [prometheus], ports: tcp(GATEKEEPER_METRICS_PORT) },
      ],
      egress: [toApiServer(network)],
    }),
    workloadPolicy(ns, "gatekeeper-audit", matching(GATEKEEPER_AUDIT_LABELS), {
      ingress: [{ from: [prometheus], ports: tcp(GATEKEEPER_METRICS_PORT) }],
      egress: [toApiServer(network)],
    }),
    workloadPolicy(ns, "gatekeeper-hooks", hooks, { egress: [toApiServer(network)] }),
    // curl to the webhook Service (443 to 8443); the selector is a subset of that Service's.
    workloadPolicy(ns, "gatekeeper-webhook-probe", probe, {
      egress: [{ to: [podsHere(GATEKEEPER_WEBHOOK_LABELS)], ports: tcp(GATEKEEPER_WEBHOOK_PORT) }],
    }),
  ];
}
