/**
 * RUN-08: the gVisor runtime monitor, a DaemonSet on sandbox nodes serving the socket every
 * sandbox's trace session streams to, evaluating RUN-01..07 inside the sandbox and posting
 * Falco-shaped events to falcosidekick (docs/decisions/falco-and-gvisor.md).
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { declareStaticNetworkPolicies } from "../network/declare";
import { standardLabels } from "../shared/labels";
import {
  FALCO_NAMESPACE,
  FALCO_RELEASE,
  MONITOR_IMAGE,
  MONITOR_METRICS_PORT,
  MONITOR_NAME,
  MONITOR_SOURCES,
  MONITOR_SOURCE_DIR,
  SANDBOX_NODE_LABEL,
  SANDBOX_NODE_VALUE,
  SANDBOX_TAINT_KEY,
  SIDEKICK_PORT,
} from "./defaults";
import { GVISOR_MONITOR_DIR, GVISOR_MONITOR_SOCKET, GVISOR_MONITOR_UID } from "./gvisor";
import { type MonitorSpec, monitorSpec } from "./monitorSpec";
import { scrapeAnnotations } from "./falco";
import { GVISOR_MONITOR_POD_LABELS, buildGvisorMonitorPolicies } from "./network";

type DaemonSet = k8s.types.input.apps.v1.DaemonSet;

const CODE_DIR = "/opt/gvisor-monitor";

export interface GvisorMonitorArgs {
  /** Namespace of the monitor; falcosidekick's, so the alert route is one hop. @default FALCO_NAMESPACE */
  namespace?: string;
  /** Where events are posted. @default falcosidekick of the Falco release, port SIDEKICK_PORT */
  sidekickUrl?: string;
  /** The monitor's image. @default MONITOR_IMAGE */
  image?: string;
  /** Create a PodMonitor for the metrics; needs the Prometheus Operator's CRDs. @default false */
  prometheusOperator?: boolean;
  /** Labels the PodMonitor needs to be selected. @default {} */
  monitoringLabels?: Record<string, string>;
  /** Resources the DaemonSet waits for, e.g. the Falco release whose namespace it shares. @default [] */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export const defaultSidekickUrl = (namespace: string = FALCO_NAMESPACE) =>
  `http://${FALCO_RELEASE}-falcosidekick.${namespace}.svc:${SIDEKICK_PORT}/`;

export const monitorLabels = () => standardLabels(MONITOR_NAME, "runtime-detection");
const selectorLabels = GVISOR_MONITOR_POD_LABELS;

export function monitorSources(): Record<string, string> {
  return Object.fromEntries(MONITOR_SOURCES.map((file) => [file, fs.readFileSync(path.join(MONITOR_SOURCE_DIR, file), "utf8")]));
}

/** The ConfigMap's data: the sources and the spec rendered from the agent rules. */
export function monitorConfigData(spec: MonitorSpec = monitorSpec()): Record<string, string> {
  return { ...monitorSources(), "spec.json": JSON.stringify(spec, null, 2) };
}

export interface MonitorDaemonSetInput {
  namespace: string;
  configMapName: string;
  configData: Record<string, string>;
  image?: string;
  sidekickUrl?: string;
  prometheusOperator?: boolean;
}

export function buildMonitorDaemonSet(input: MonitorDaemonSetInput): DaemonSet {
  const checksum = crypto.createHash("sha256").update(JSON.stringify(input.configData)).digest("hex");
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: { name: MONITOR_NAME, namespace: input.namespace, labels: monitorLabels() },
    spec: {
      selector: { matchLabels: selectorLabels },
      // A restarted monitor has lost every live sandbox's stream (runsc does not reconnect), so
      // one node at a time; the restart itself raises a critical event naming those sandboxes.
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: {
          labels: monitorLabels(),
          annotations: {
            "agent-platform.io/config-checksum": checksum,
            ...(input.prometheusOperator ? {} : scrapeAnnotations(MONITOR_METRICS_PORT)),
          },
        },
        spec: {
          // Sandboxes on a node cannot start while its monitor is down (the session fails closed).
          priorityClassName: "system-node-critical",
          nodeSelector: { [SANDBOX_NODE_LABEL]: SANDBOX_NODE_VALUE },
          tolerations: [{ key: SANDBOX_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }],
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: GVISOR_MONITOR_UID,
            runAsGroup: GVISOR_MONITOR_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "monitor",
              image: input.image ?? MONITOR_IMAGE,
              command: [
                "python3",
                `${CODE_DIR}/monitor.py`,
                "--socket",
                GVISOR_MONITOR_SOCKET,
                "--spec",
                `${CODE_DIR}/spec.json`,
                "--state",
                `${GVISOR_MONITOR_DIR}/gvisor-monitor.state`,
                "--sidekick",
                input.sidekickUrl ?? defaultSidekickUrl(input.namespace),
                "--metrics-port",
                String(MONITOR_METRICS_PORT),
              ],
              env: [
                { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
                { name: "PYTHONDONTWRITEBYTECODE", value: "1" },
                { name: "PYTHONUNBUFFERED", value: "1" },
              ],
              ports: [{ name: "metrics", containerPort: MONITOR_METRICS_PORT }],
              readinessProbe: { httpGet: { path: "/healthz", port: MONITOR_METRICS_PORT }, periodSeconds: 5 },
              livenessProbe: { httpGet: { path: "/healthz", port: MONITOR_METRICS_PORT }, periodSeconds: 20, failureThreshold: 3 },
              resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1", memory: "256Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                privileged: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "code", mountPath: CODE_DIR, readOnly: true },
                { name: "socket-dir", mountPath: GVISOR_MONITOR_DIR },
              ],
            },
          ],
          volumes: [
            { name: "code", configMap: { name: input.configMapName, defaultMode: 0o444 } },
            // Created by the node (systemd-tmpfiles, owned by the monitor's uid): `Directory`
            // makes a node without it fail visibly instead of getting a root-owned directory.
            { name: "socket-dir", hostPath: { path: GVISOR_MONITOR_DIR, type: "Directory" } },
          ],
        },
      },
    },
  };
}

export function monitorPodMonitor(namespace: string, labels: Record<string, string> = {}): Record<string, any> {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: MONITOR_NAME, namespace, labels },
    spec: { selector: { matchLabels: selectorLabels }, podMetricsEndpoints: [{ port: "metrics", path: "/metrics" }] },
  };
}

export class GvisorMonitor extends pulumi.ComponentResource {
  readonly daemonSet: k8s.apps.v1.DaemonSet;

  constructor(name: string, args: GvisorMonitorArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("agent-platform:runtime:GvisorMonitor", name, {}, opts);
    const namespace = args.namespace ?? FALCO_NAMESPACE;
    const parent = { parent: this, dependsOn: args.dependsOn ?? [] };
    const configData = monitorConfigData();
    const configMapName = `${MONITOR_NAME}-code`;
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-code`,
      { metadata: { name: configMapName, namespace, labels: monitorLabels() }, data: configData },
      parent,
    );
    const spec = buildMonitorDaemonSet({
      namespace,
      configMapName,
      configData,
      image: args.image,
      sidekickUrl: args.sidekickUrl,
      prometheusOperator: args.prometheusOperator,
    });
    // Its pods post to falcosidekick and answer Prometheus; the policy exists before the first pod.
    const policies = declareStaticNetworkPolicies(name, buildGvisorMonitorPolicies(namespace), parent);
    this.daemonSet = new k8s.apps.v1.DaemonSet(`${name}-daemonset`, spec, { ...parent, dependsOn: [...(args.dependsOn ?? []), configMap, ...policies] });
    if (args.prometheusOperator) {
      new k8s.apiextensions.CustomResource(`${name}-pod-monitor`, monitorPodMonitor(namespace, args.monitoringLabels) as any, parent);
    }
    this.registerOutputs({ daemonSet: this.daemonSet.metadata.name });
  }
}
