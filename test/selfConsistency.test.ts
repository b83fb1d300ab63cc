import { AGENT_PROXY_RESOURCES, PROXY_RESOURCES } from "../components/mesh";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { gator } from "../components/admission/gator";
import { ChartRelease, chartDir, policyInManifests, proveReleases, releasesOf, renderRelease } from "../components/admission/charts";
import { PodVerdict, admissionChain, proveAdmission } from "../components/admission/proof";
import { ISTIO_CHART_REPO, ISTIO_VERSION } from "../components/mesh/defaults";
import { mergeValues } from "../components/shared/values";
import { REPO_ROOT } from "../scripts/engine/stackFile";
import { renderManifests } from "../scripts/plan/manifests";
import { ProgramRun, runProgram } from "../scripts/engine/run";

interface Violation {
  constraint?: { metadata?: { name?: string } };
  enforcementAction?: string;
  msg?: string;
}

/** Writes what the program declares (its own templates and constraints included) and lets gator judge it. */
async function judge(extra: Record<string, unknown>[] = []): Promise<{ status: number | null; violations: Violation[] }> {
  const run = await runProgram({ stack: "prod" });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "self-consistency-"));
  try {
    for (const [file, text] of renderManifests(run.resources)) fs.writeFileSync(path.join(dir, file), text);
    if (extra.length > 0) fs.writeFileSync(path.join(dir, "zz-extra.yaml"), extra.map((o) => stringify(o)).join("---\n"));
    const result = gator(["test", "-f", dir, "-o", "json"]);
    const violations = (JSON.parse(result.stdout.trim() || "null") ?? []) as Violation[];
    return { status: result.status, violations };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("the program's workloads against its own admission policies (gator test)", () => {
  it("admits every object the prod stack declares, tenant workloads included", async () => {
    const { status, violations } = await judge();
    expect(violations.map((v) => `${v.constraint?.metadata?.name}: ${v.msg}`)).toEqual([]);
    expect(status).toBe(0);
  });

  it("would refuse a privileged, root, unsandboxed pod in a tenant namespace", async () => {
    const rogue = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "rogue", namespace: "tenant-acme", labels: { "app.kubernetes.io/name": "rogue", "app.kubernetes.io/part-of": "agent-platform" } },
      spec: { containers: [{ name: "shell", image: "busybox:latest", securityContext: { privileged: true, runAsUser: 0 } }] },
    };
    const { status, violations } = await judge([rogue]);
    expect(status).toBe(1);
    const refusedBy = new Set(violations.map((v) => v.constraint?.metadata?.name));
    expect([...refusedBy].sort()).toEqual(
      expect.arrayContaining(["hostisolation", "runasnonroot", "requireruntimeclass", "containerlimits", "capabilities", "seccomp", "noautomounttoken"]),
    );
  });

  it("would refuse a StatefulSet whose pods leave the gVisor sandbox, through the workload expansion", async () => {
    const labels = { "app.kubernetes.io/name": "escape", "app.kubernetes.io/part-of": "agent-platform" };
    const unsandboxed = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "escape", namespace: "tenant-acme", labels },
      spec: {
        serviceName: "escape",
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
            containers: [
              {
                name: "app",
                image: "ghcr.io/openclaw/openclaw:2026.4.15",
                resources: { limits: { cpu: "1", memory: "1Gi" } },
                securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
              },
            ],
          },
        },
      },
    };
    const { status, violations } = await judge([unsandboxed]);
    expect(status).toBe(1);
    expect(violations.map((v) => v.constraint?.metadata?.name)).toEqual(["requireruntimeclass"]);
  });
});

/** The prod stack's manifests in a directory, with extra objects beside them. */
function writeManifests(run: ProgramRun, extra: Record<string, unknown>[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "admitted-"));
  for (const [file, text] of renderManifests(run.resources)) fs.writeFileSync(path.join(dir, file), text);
  if (extra.length > 0) fs.writeFileSync(path.join(dir, "zz-extra.yaml"), extra.map((o) => stringify(o)).join("---\n"));
  return dir;
}

/** The proof as the cluster runs it: mutation (Istio's injector included), defaults, then validation. */
function prove(run: ProgramRun, extra: Record<string, unknown>[] = []): PodVerdict[] {
  const dir = writeManifests(run, extra);
  try {
    const istiodValues = run.findResource("kubernetes:helm.sh/v3:Release", "mesh-istiod").inputs.values;
    const kubernetesVersion = run.findResource("aws:eks/cluster:Cluster", "cluster-eks").inputs.version;
    return proveAdmission([dir], { istiodValues, istioVersion: ISTIO_VERSION, kubernetesVersion });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The tenant-acme agent StatefulSet, renamed and changed by `edit`, as a would-be workload. */
function agentVariant(run: ProgramRun, name: string, edit: (spec: any) => void): Record<string, unknown> {
  const declared = run.findResource("kubernetes:apps/v1:StatefulSet", "tenant-acme-agent").inputs;
  const copy = JSON.parse(JSON.stringify(declared));
  copy.metadata.name = name;
  copy.spec.serviceName = name;
  edit(copy.spec.template.spec);
  return copy;
}

describe("the pods the cluster would admit, as it mutates them first (admission-chain, gator, Pod Security)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runProgram({ stack: "prod" });
  });

  it("ISO-09 admits every pod the prod stack's workloads create, as Istio injects it, under the constraints and Pod Security", () => {
    const verdicts = prove(run);
    expect(verdicts.filter((v) => v.refusals.length > 0).map((v) => [v.source, v.refusals])).toEqual([]);
    expect(verdicts.map((v) => [v.source, v.injected])).toEqual([
      ["DaemonSet falco/gvisor-monitor", false],
      ["Deployment platform-api/platform-api", true],
      ["Deployment tenant-acme/egress-proxy", false],
      ["StatefulSet tenant-acme/agent", true],
      ["Deployment tenant-globex/egress-proxy", false],
      ["StatefulSet tenant-globex/agent", true],
      ["Deployment tenant-initech/egress-proxy", false],
      ["StatefulSet tenant-initech/agent", true],
      ["CronJob vault/vault-snapshot", false],
    ]);
    // What the injector added and the constraints now admit: the sidecar and its mesh token.
    const agent = verdicts.find((v) => v.source === "StatefulSet tenant-acme/agent")!.admitted.spec;
    const token = agent.volumes.find((v: any) => v.name === "istio-token");
    expect(token.projected.sources[0].serviceAccountToken.audience).toBe("istio-ca");
    const sidecars = [...(agent.initContainers ?? []), ...agent.containers].filter((c: any) => c.name === "istio-proxy");
    expect(sidecars.map((c: any) => c.volumeMounts.some((m: any) => m.name === "istio-token"))).toEqual([true]);
  });

  it("ISO-04 has Istio's injector size an agent's sidecar as its quota charges it, and other sidecars at the mesh default", () => {
    const verdicts = prove(run);
    const sidecarOf = (source: string) => {
      const spec = verdicts.find((v) => v.source === source)!.admitted.spec;
      return [...(spec.initContainers ?? []), ...spec.containers].find((c: any) => c.name === "istio-proxy").resources;
    };
    expect(sidecarOf("StatefulSet tenant-acme/agent")).toEqual(AGENT_PROXY_RESOURCES);
    expect(sidecarOf("Deployment platform-api/platform-api")).toEqual(PROXY_RESOURCES);
  });

  it("ISO-09 ISO-10 ISO-11 still refuses, after injection, a projected API token, a root container and a missing RuntimeClass", () => {
    const variants = [
      agentVariant(run, "api-token", (spec) => {
        spec.volumes.push({ name: "kube-api", projected: { sources: [{ serviceAccountToken: { path: "token" } }] } });
        spec.containers[0].volumeMounts.push({ name: "kube-api", mountPath: "/var/run/kube-api" });
      }),
      agentVariant(run, "as-root", (spec) => {
        spec.securityContext.runAsUser = 0;
        spec.containers[0].securityContext.runAsNonRoot = false;
      }),
      agentVariant(run, "no-sandbox", (spec) => delete spec.runtimeClassName),
    ];
    const verdicts = prove(run, variants).filter((v) => v.source.startsWith("StatefulSet tenant-acme/") && v.source !== "StatefulSet tenant-acme/agent");
    // ISO-04 as well: the tenant's quota fits its own two pods exactly, so a third is refused too.
    for (const v of verdicts) expect(v.refusals.filter((r) => r.startsWith("ResourceQuota (validate): "))).toHaveLength(1);
    const refusals = Object.fromEntries(verdicts.map((v) => [v.source, v.refusals.filter((r) => !r.startsWith("ResourceQuota"))]));
    expect(Object.keys(refusals).sort()).toEqual([
      "StatefulSet tenant-acme/api-token",
      "StatefulSet tenant-acme/as-root",
      "StatefulSet tenant-acme/no-sandbox",
    ]);
    expect(refusals["StatefulSet tenant-acme/api-token"]).toEqual([
      "gatekeeper noautomounttoken: container gateway must not mount the service account token volume kube-api (only [\"istio-proxy\"] may)",
      "gatekeeper noautomounttoken: volume kube-api must not project a service account token for the Kubernetes API (no audience)",
    ]);
    expect(refusals["StatefulSet tenant-acme/as-root"]).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^PodSecurity restricted:v1\.35: runAsNonRoot != true: /),
        expect.stringMatching(/^gatekeeper runasnonroot: container gateway must set runAsNonRoot: true/),
      ]),
    );
    expect(refusals["StatefulSet tenant-acme/no-sandbox"]).toEqual([
      'gatekeeper requireruntimeclass: pod api-token-0 must set runtimeClassName to one of ["gvisor"], got ',
    ].map((m) => m.replace("api-token-0", "no-sandbox-0")));
  });

  it("SEC-09 still refuses, after injection, an agent pod that mounts or env-references its provider key, and admits its proxy holding it", () => {
    const variants = [
      agentVariant(run, "key-file", (spec) => {
        spec.volumes.push({ name: "provider-key", secret: { secretName: "ai-provider-key" } });
        spec.containers[0].volumeMounts.push({ name: "provider-key", mountPath: "/etc/agent-platform/provider", readOnly: true });
      }),
      agentVariant(run, "key-env", (spec) => spec.containers[0].env.push({ name: "OPENAI_API_KEY", valueFrom: { secretKeyRef: { name: "ai-provider-key", key: "api-key" } } })),
    ];
    const verdicts = prove(run, variants);
    const refusals = Object.fromEntries(
      verdicts.filter((v) => /^StatefulSet tenant-acme\/key-/.test(v.source)).map((v) => [v.source, v.refusals.filter((r) => r.startsWith("gatekeeper providerkeycustody"))]),
    );
    expect(refusals).toEqual({
      "StatefulSet tenant-acme/key-file": ["gatekeeper providerkeycustody: agent pod key-file-0: volume provider-key reads the provider key Secret ai-provider-key; only the egress proxy may hold it"],
      "StatefulSet tenant-acme/key-env": ["gatekeeper providerkeycustody: agent pod key-env-0: container gateway env OPENAI_API_KEY reads the provider key Secret ai-provider-key; only the egress proxy may hold it"],
    });
    const proxy = verdicts.find((v) => v.source === "Deployment tenant-acme/egress-proxy")!;
    expect([proxy.refusals, proxy.admitted.spec.volumes.some((v: any) => v.secret?.secretName === "ai-provider-key")]).toEqual([[], true]);
  });
});

describe("the Istio releases as the cluster would admit them (charts embedded in the istio module)", () => {
  it("ADM-01 ADM-03 ADM-05 ISO-06 admits istiod, the CNI agent and the internet-facing gateway with the plan's values; the gateway is exempt from nothing", async () => {
    const run = await runProgram({ stack: "prod" });
    const manifests = writeManifests(run);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "istio-charts-"));
    try {
      admissionChain(["istio-charts", "--dest", work, "--version", ISTIO_VERSION]);
      // The release builder stamps the image tag into released charts; master's carries a test one.
      const stamped = (r: ChartRelease): ChartRelease => ({ ...r, values: mergeValues({ global: { tag: ISTIO_VERSION } }, r.values) });
      const releases = releasesOf(run.resources).filter((r) => r.repo === ISTIO_CHART_REPO).map(stamped);
      expect(releases.map((r) => `${r.namespace}/${r.name}`)).toEqual([
        "istio-system/istio-base",
        "istio-system/istio-cni",
        "istio-system/istiod",
        "istio-ingress/istio-ingressgateway",
      ]);
      const rendered = releases.map((r) => {
        const file = path.join(work, `${r.resource}.yaml`);
        fs.writeFileSync(file, renderRelease(r, chartDir(work, r), "1.35", work, REPO_ROOT));
        return { release: r.resource, namespace: r.namespace, file };
      });
      const istiodValues = run.findResource("kubernetes:helm.sh/v3:Release", "mesh-istiod").inputs.values;
      const proofs = proveReleases(rendered, [manifests], { istiodValues, istioVersion: ISTIO_VERSION, kubernetesVersion: "1.35" }, policyInManifests(manifests));
      expect(proofs.flatMap((p) => [...p.objects, ...p.pods.flatMap((v) => v.refusals.map((r) => `${v.source}: ${r}`))])).toEqual([]);
      expect(proofs.flatMap((p) => p.pods.map((v) => [v.source, v.injected]))).toEqual([
        ["DaemonSet istio-system/istio-cni-node", false],
        ["Deployment istio-system/istiod", false],
        ["Deployment istio-ingress/istio-ingressgateway", true],
      ]);
      // The gateway's `auto` image is replaced by the injector with the pinned proxy.
      const gateway = proofs.flatMap((p) => p.pods).find((v) => v.source.includes("istio-ingressgateway"))!.admitted;
      expect(gateway.spec.containers.map((c: any) => [c.name, c.image])).toEqual([["istio-proxy", "docker.io/istio/proxyv2:1.31.1"]]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
      fs.rmSync(manifests, { recursive: true, force: true });
    }
  });
});
