import { agent, agentManifest, messages, resource } from "../fixtures";
import { runPolicies } from "../testing";
import {
  containerLimits,
  dropCapabilities,
  imageTag,
  noHostAccess,
  noLatestTag,
  noPrivileged,
  noPrivilegeEscalation,
  requiredLabels,
  runAsNonRoot,
  seccompRuntimeDefault,
} from "./workload";

/** The agent StatefulSet with `change` applied to its pod spec. */
function agentWith(change: (spec: any) => void) {
  const manifest = agentManifest();
  change(manifest.spec.template.spec);
  return agent(manifest);
}

const gateway = (spec: any) => spec.containers[0];
const guard = (spec: any) => spec.containers[1];
const AGENT = "StatefulSet tenant-acme/agent";

/** A CronJob, whose pod template sits two levels deeper than a Deployment's. */
function cronJob(container: any) {
  return resource("kubernetes:batch/v1:CronJob", {
    kind: "CronJob",
    metadata: { name: "backup", namespace: "vault" },
    spec: { jobTemplate: { spec: { template: { spec: { containers: [container] } } } } },
  });
}

describe("workload policies", () => {
  it("ISO-06 requires the RuntimeDefault seccomp profile for every container, from the pod or the container", () => {
    expect(messages(seccompRuntimeDefault, [agent()])).toEqual([]);
    const fix = "set securityContext.seccompProfile.type to RuntimeDefault on the pod or the container.";
    const broken = agentWith((spec) => {
      delete spec.securityContext.seccompProfile;
      delete gateway(spec).securityContext.seccompProfile;
      guard(spec).securityContext.seccompProfile = { type: "Unconfined" };
    });
    expect(messages(seccompRuntimeDefault, [broken, cronJob({ name: "upload" })])).toEqual([
      `${AGENT} container "gateway" runs with seccomp profile unset (Unconfined): ${fix}`,
      `${AGENT} container "auth-guard" runs with seccomp profile Unconfined: ${fix}`,
      `CronJob vault/backup container "upload" runs with seccomp profile unset (Unconfined): ${fix}`,
    ]);
  });

  it("ISO-07 requires every container to drop the dangerous capabilities and add none back", () => {
    const fiveDropped = agentWith((spec) => (gateway(spec).securityContext.capabilities = { drop: ["SYS_ADMIN", "NET_RAW", "SYS_PTRACE", "MKNOD", "SYS_MODULE"] }));
    expect(messages(dropCapabilities, [agent(), fiveDropped])).toEqual([]);
    const broken = agentWith((spec) => {
      gateway(spec).securityContext.capabilities = { drop: ["SYS_ADMIN", "MKNOD", "SYS_MODULE"] };
      guard(spec).securityContext.capabilities = { drop: ["ALL"], add: ["NET_RAW", "NET_BIND_SERVICE"] };
      spec.initContainers = [{ name: "init" }];
    });
    expect(messages(dropCapabilities, [broken])).toEqual([
      `${AGENT} container "gateway" keeps NET_RAW, SYS_PTRACE: set securityContext.capabilities.drop to ["ALL"].`,
      `${AGENT} container "auth-guard" adds NET_RAW: remove them from securityContext.capabilities.add.`,
      `${AGENT} init container "init" keeps SYS_ADMIN, NET_RAW, SYS_PTRACE, MKNOD, SYS_MODULE: set securityContext.capabilities.drop to ["ALL"].`,
    ]);
  });

  it("ISO-08 requires allowPrivilegeEscalation: false on every container", () => {
    expect(messages(noPrivilegeEscalation, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      delete gateway(spec).securityContext.allowPrivilegeEscalation;
      guard(spec).securityContext.allowPrivilegeEscalation = true;
    });
    expect(messages(noPrivilegeEscalation, [broken])).toEqual([
      `${AGENT} container "gateway" may escalate privileges: set securityContext.allowPrivilegeEscalation to false.`,
      `${AGENT} container "auth-guard" may escalate privileges: set securityContext.allowPrivilegeEscalation to false.`,
    ]);
  });

  it("ISO-11 ADM-04 require non-root containers, allowing root only in a user namespace under gVisor", () => {
    expect(messages(runAsNonRoot, [agent()])).toEqual([]);
    const root = (spec: any) => {
      spec.securityContext = { runAsUser: 0 };
      delete gateway(spec).securityContext.runAsNonRoot;
      delete guard(spec).securityContext.runAsNonRoot;
    };
    const userNamespace = agentWith((spec) => {
      root(spec);
      spec.hostUsers = false;
    });
    expect(messages(runAsNonRoot, [userNamespace])).toEqual([]);
    const fix = "set securityContext.runAsNonRoot to true (or hostUsers: false with runtimeClassName gvisor).";
    const hostRoot = agentWith((spec) => {
      root(spec);
      spec.hostUsers = false;
      spec.runtimeClassName = "runc";
    });
    expect(messages(runAsNonRoot, [hostRoot])).toEqual([
      `${AGENT} container "gateway" may run as root: ${fix}`,
      `${AGENT} container "auth-guard" may run as root: ${fix}`,
    ]);
    const uidZero = agentWith((spec) => (guard(spec).securityContext.runAsUser = 0));
    expect(messages(runAsNonRoot, [uidZero])).toEqual([
      `${AGENT} container "auth-guard" sets runAsUser 0 with runAsNonRoot: set runAsUser to a non-zero uid.`,
    ]);
  });

  it("ISO-12 ADM-03 require CPU and memory limits on every container", () => {
    expect(messages(containerLimits, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      gateway(spec).resources = { requests: { cpu: "1" } };
      delete guard(spec).resources.limits.memory;
      spec.ephemeralContainers = [{ name: "debug" }];
    });
    expect(messages(containerLimits, [broken])).toEqual([
      `${AGENT} container "gateway" has no cpu or memory limit: set resources.limits.cpu and resources.limits.memory.`,
      `${AGENT} container "auth-guard" has no memory limit: set resources.limits.memory.`,
    ]);
  });

  it("ADM-02 denies privileged containers outside exempt namespaces", () => {
    expect(messages(noPrivileged, [agent()])).toEqual([]);
    const broken = agentWith((spec) => (guard(spec).securityContext.privileged = true));
    expect(messages(noPrivileged, [broken])).toEqual([
      `${AGENT} container "auth-guard" is privileged: remove securityContext.privileged or set it to false.`,
    ]);
    expect(messages(noPrivileged, [broken], { "no-privileged-containers": { exemptNamespaces: ["tenant-acme"] } })).toEqual([]);
  });

  it("ISO-14 denies host namespaces, hostPath volumes and host ports", () => {
    expect(messages(noHostAccess, [agent()])).toEqual([]);
    const broken = agentWith((spec) => {
      spec.hostNetwork = true;
      spec.hostPID = true;
      spec.hostIPC = false;
      spec.volumes = [{ name: "root", hostPath: { path: "/" } }];
      gateway(spec).ports = [{ containerPort: 8443, hostPort: 8443 }];
    });
    expect(messages(noHostAccess, [broken])).toEqual([
      `${AGENT} sets hostNetwork: remove it; tenant pods must not share host namespaces.`,
      `${AGENT} sets hostPID: remove it; tenant pods must not share host namespaces.`,
      `${AGENT} mounts hostPath / as volume "root": use an emptyDir or a PersistentVolumeClaim.`,
      `${AGENT} container "gateway" binds hostPort 8443: remove hostPort and expose it through a Service.`,
    ]);
  });

  it("ISO-14 allows only the listed hostPath directory, and only in its namespace (the gVisor monitor's socket)", () => {
    const monitor = (namespace: string, path: string) =>
      resource("kubernetes:apps/v1:DaemonSet", {
        kind: "DaemonSet",
        metadata: { name: "gvisor-monitor", namespace },
        spec: { template: { spec: { containers: [{ name: "monitor", image: "python:3" }], volumes: [{ name: "socket-dir", hostPath: { path } }] } } },
      });
    expect(messages(noHostAccess, [monitor("falco", "/run/agent-platform")])).toEqual([]);
    expect(messages(noHostAccess, [monitor("tenant-acme", "/run/agent-platform"), monitor("falco", "/run")])).toEqual([
      'DaemonSet tenant-acme/gvisor-monitor mounts hostPath /run/agent-platform as volume "socket-dir": use an emptyDir or a PersistentVolumeClaim.',
      'DaemonSet falco/gvisor-monitor mounts hostPath /run as volume "socket-dir": use an emptyDir or a PersistentVolumeClaim.',
    ]);
    expect(messages(noHostAccess, [monitor("falco", "/run/agent-platform")], { "no-host-access": { allowedHostPaths: [] } })).toHaveLength(1);
  });

  it("ADM-01 requires app.kubernetes.io/name and part-of on every Deployment", () => {
    const deployment = (labels: Record<string, string>) =>
      resource("kubernetes:apps/v1:Deployment", { kind: "Deployment", metadata: { name: "api", namespace: "platform-api", labels } });
    expect(messages(requiredLabels, [agent(), deployment({ "app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "agent-platform" })])).toEqual([]);
    expect(messages(requiredLabels, [deployment({ "app.kubernetes.io/name": "api" })])).toEqual([
      "Deployment platform-api/api lacks label(s) app.kubernetes.io/part-of: add them to metadata.labels.",
    ]);
  });

  it("ADM-05 flags :latest and untagged images as advisory, and denies them when configured mandatory", () => {
    expect([imageTag("ghcr.io/a/b:1.2"), imageTag("localhost:5000/b"), imageTag("b@sha256:abc"), imageTag("b:latest")]).toEqual(["1.2", "latest", undefined, "latest"]);
    expect(messages(noLatestTag, [agent()])).toEqual([]);
    const floating = agentWith((spec) => (gateway(spec).image = "ghcr.io/openclaw/openclaw"));
    const expected = {
      policy: "image-tag-not-latest",
      message: `${AGENT} container "gateway" runs ghcr.io/openclaw/openclaw, which floats on :latest: pin a version tag or a digest.`,
    };
    expect(runPolicies([noLatestTag], [floating]).violations).toEqual([{ ...expected, enforcementLevel: "advisory", urn: floating.urn }]);
    expect(runPolicies([noLatestTag], [floating], { "image-tag-not-latest": "mandatory" }).violations).toEqual([
      { ...expected, enforcementLevel: "mandatory", urn: floating.urn },
    ]);
  });
});
