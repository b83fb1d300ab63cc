import { ProgramRun, runProgram } from "../../scripts/engine/run";
import { sandboxUserData } from "../cluster/userdata";
import { buildAgentPodSpec } from "../tenant/workload";
import { MONITOR_IMAGE, MONITOR_SOURCES, SANDBOX_TAINT_KEY } from "./defaults";
import { GVISOR_MONITOR_SOCKET, RUNSC_POD_INIT_PATH, runscPodInitConfig, runtimeMonitoringNodeFiles } from "./gvisor";
import { buildMonitorDaemonSet, monitorConfigData } from "./gvisorMonitor";
import { monitorSpec } from "./monitorSpec";
import { listsOf, parseRules, ruleForControl } from "./rules";

describe("gVisor monitor component", () => {
  const data = monitorConfigData();
  const daemonSet = buildMonitorDaemonSet({ namespace: "falco", configMapName: "gvisor-monitor-code", configData: data });
  const pod = (daemonSet.spec as any).template.spec;

  it("renders its spec from the agent rules file: same rule names, priorities and list contents", () => {
    const spec = monitorSpec();
    const items = parseRules();
    for (const control of ["RUN-01", "RUN-04", "RUN-07"]) {
      const rule = ruleForControl(control, items);
      expect(spec.rules[control]).toEqual({ rule: rule.rule, priority: rule.priority, tags: [...rule.tags, "gvisor"], output: rule.output.trim() });
    }
    expect(Object.keys(spec.lists).sort()).toEqual(listsOf(items).map((l) => l.list.replace("agent_platform_", "")).sort());
    expect(spec.lists.kube_api_addresses).toEqual(["10.100.0.1", "172.20.0.1"]);
    expect(spec.lists.mining_ports).toContain(3333);
    expect(Object.keys(data).sort()).toEqual([...MONITOR_SOURCES, "spec.json"].sort());
    expect(JSON.parse(data["spec.json"])).toEqual(spec);
  });

  it("runs on sandbox nodes only, node-critical, non-root, read-only, token-less, with the socket directory alone from the host", () => {
    expect(daemonSet.metadata).toMatchObject({ name: "gvisor-monitor", namespace: "falco" });
    expect(pod.nodeSelector).toEqual({ "agent-platform.io/sandbox": "gvisor" });
    expect(pod.tolerations).toEqual([{ key: SANDBOX_TAINT_KEY, operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.priorityClassName).toBe("system-node-critical");
    expect([pod.automountServiceAccountToken, pod.hostNetwork, pod.hostPID]).toEqual([false, undefined, undefined]);
    expect(pod.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } });
    const [container] = pod.containers;
    expect(container.image).toBe(MONITOR_IMAGE);
    expect(MONITOR_IMAGE).toMatch(/^docker\.io\/library\/python:\d+\.\d+\.\d+-slim-trixie$/);
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(container.command).toEqual([
      "python3",
      "/opt/gvisor-monitor/monitor.py",
      "--socket",
      GVISOR_MONITOR_SOCKET,
      "--spec",
      "/opt/gvisor-monitor/spec.json",
      "--state",
      "/run/agent-platform/gvisor-monitor.state",
      "--sidekick",
      "http://falco-falcosidekick.falco.svc:2801/",
      "--metrics-port",
      "9376",
    ]);
    expect(pod.volumes).toEqual([
      { name: "code", configMap: { name: "gvisor-monitor-code", defaultMode: 0o444 } },
      { name: "socket-dir", hostPath: { path: "/run/agent-platform", type: "Directory" } },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/healthz", port: 9376 });
  });

  it("rolls its pods when the code or the spec changes", () => {
    const checksum = (configData: Record<string, string>) =>
      (buildMonitorDaemonSet({ namespace: "falco", configMapName: "c", configData }).spec as any).template.metadata.annotations["agent-platform.io/config-checksum"];
    expect(checksum(data)).toBe(checksum({ ...data }));
    expect(checksum({ ...data, "spec.json": "{}" })).not.toBe(checksum(data));
  });

  it("writes the session and the socket directory on sandbox nodes before kubelet, with the runsc flag", () => {
    const userData = sandboxUserData({ gvisorVersion: "20261005.0", runscFlags: { "pod-init-config": RUNSC_POD_INIT_PATH }, files: runtimeMonitoringNodeFiles() });
    expect(userData).toContain(`  pod-init-config = "${RUNSC_POD_INIT_PATH}"`);
    expect(userData).toContain(`cat > ${RUNSC_POD_INIT_PATH} <<'AGENT_PLATFORM_FILE'\n${JSON.stringify(runscPodInitConfig(), null, 2)}\nAGENT_PLATFORM_FILE\n`);
    expect(userData).toContain("d /run/agent-platform 0750 65532 65532 -\nAGENT_PLATFORM_FILE\nsystemd-tmpfiles --create /etc/tmpfiles.d/agent-platform-gvisor-monitor.conf\n");
    expect(() => sandboxUserData({ gvisorVersion: "1", files: [{ path: "/etc/x", content: "a\nAGENT_PLATFORM_FILE\nb" }] })).toThrow(
      "node file /etc/x contains the heredoc delimiter",
    );
  });

  it("tells the monitor each agent container's pod, namespace, name and image through its environment", () => {
    const spec = buildAgentPodSpec({
      tenant: { id: "acme", modelProvider: "anthropic", plan: "small" } as any,
      namespace: "tenant-acme",
      images: { gateway: "ghcr.io/openclaw/openclaw:2026.4.15", authGuard: "quay.io/oauth2-proxy/oauth2-proxy:v7.12.0" },
      runtimeClassName: "gvisor",
      egressProxyUrl: "http://egress-proxy:3128",
      platformApiHost: "api.example.com",
      istiodAddress: "10.100.0.10",
    } as any);
    for (const container of spec.containers as any[]) {
      const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom?.fieldRef?.fieldPath]));
      expect([env.POD_NAMESPACE, env.POD_NAME, env.AGENT_PLATFORM_CONTAINER, env.AGENT_PLATFORM_IMAGE]).toEqual([
        "metadata.namespace",
        "metadata.name",
        container.name,
        container.image,
      ]);
    }
  });
});

describe("gVisor monitor as composed", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("installs the monitor beside falcosidekick, the session on sandbox nodes, and holds tenants until the monitor is up", () => {
    const daemonSet = run.findResource("kubernetes:apps/v1:DaemonSet", "gvisor-monitor-daemonset");
    expect(daemonSet.inputs.metadata).toMatchObject({ name: "gvisor-monitor", namespace: "falco" });
    const configMap = run.findResource("kubernetes:core/v1:ConfigMap", "gvisor-monitor-code");
    expect(Object.keys(configMap.inputs.data).sort()).toEqual(["detect.py", "monitor.py", "spec.json", "wire.py"]);
    expect(run.findResource("kubernetes:monitoring.coreos.com/v1:PodMonitor", "gvisor-monitor-pod-monitor").inputs.metadata.labels).toEqual({
      "agent-platform.io/monitoring": "platform",
    });
    const template = run.findResource("aws:ec2/launchTemplate:LaunchTemplate", "cluster-sandbox");
    const userData = Buffer.from(template.inputs.userData, "base64").toString("utf8");
    expect(userData).toContain(`  pod-init-config = "${RUNSC_POD_INIT_PATH}"`);
    expect(userData).toContain(`cat > ${RUNSC_POD_INIT_PATH} <<'AGENT_PLATFORM_FILE'`);
    // Tenants wait for the platform through one marker (docs/decisions/tenant-dependencies.md).
    const ready = run.findResource("kubernetes:core/v1:ConfigMap", "platform-ready");
    expect(ready.options.dependsOn).toContain(daemonSet.urn);
    expect(run.findResource("kubernetes:apps/v1:StatefulSet", "tenant-acme-agent").options.dependsOn).toContain(ready.urn);
  });
});
