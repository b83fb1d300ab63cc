/**
 * Runtime detection's NetworkPolicies: Falco and the gVisor monitor report to falcosidekick, which
 * alone reaches the alert webhook; Prometheus reads all three. Pod labels: the falco 9.x and
 * falcosidekick 0.12 charts' selector labels, and the monitor's own (gvisorMonitor.ts).
 */
import { MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS } from "../monitoring/defaults";
import { NetworkPolicyManifest, matching, podsHere, podsIn, tcp, toPublicHttps, workloadPolicy } from "../network/policy";
import { FALCO_METRICS_PORT, FALCO_RELEASE, MONITOR_METRICS_PORT, MONITOR_NAME, SIDEKICK_PORT } from "./defaults";

export const FALCO_POD_LABELS = { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": FALCO_RELEASE } as const;
/** Also the selector of the falcosidekick Service, which Falco and the monitor post to. */
export const SIDEKICK_POD_LABELS = {
  "app.kubernetes.io/name": "falcosidekick",
  "app.kubernetes.io/instance": FALCO_RELEASE,
  "app.kubernetes.io/component": "core",
} as const;
export const GVISOR_MONITOR_POD_LABELS = { "app.kubernetes.io/name": MONITOR_NAME } as const;

const prometheus = podsIn(MONITORING_NAMESPACE, PROMETHEUS_POD_LABELS);

export function buildFalcoPolicies(namespace: string, options: { alertWebhook: boolean }): NetworkPolicyManifest[] {
  return [
    workloadPolicy(namespace, "falco", matching(FALCO_POD_LABELS), {
      ingress: [{ from: [prometheus], ports: tcp(FALCO_METRICS_PORT) }],
      egress: [
        // Every detection to falcosidekick's Service (http_output).
        { to: [podsHere(SIDEKICK_POD_LABELS)], ports: tcp(SIDEKICK_PORT) },
        // falcoctl installs and follows the rules artifact from its OCI registry (ghcr.io).
        toPublicHttps,
      ],
    }),
    workloadPolicy(namespace, "falcosidekick", matching(SIDEKICK_POD_LABELS), {
      ingress: [{ from: [podsHere(FALCO_POD_LABELS), podsHere(GVISOR_MONITOR_POD_LABELS), prometheus], ports: tcp(SIDEKICK_PORT) }],
      // The operator's alert webhook.
      ...(options.alertWebhook ? { egress: [toPublicHttps] } : { egress: [] }),
    }),
  ];
}

export function buildGvisorMonitorPolicies(namespace: string): NetworkPolicyManifest[] {
  return [
    workloadPolicy(namespace, MONITOR_NAME, matching(GVISOR_MONITOR_POD_LABELS), {
      ingress: [{ from: [prometheus], ports: tcp(MONITOR_METRICS_PORT) }],
      // Events from inside the sandboxes, Falco-shaped, to falcosidekick's Service.
      egress: [{ to: [podsHere(SIDEKICK_POD_LABELS)], ports: tcp(SIDEKICK_PORT) }],
    }),
  ];
}
