import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { gator } from "../components/admission/gator";
import { renderManifests } from "../scripts/plan/manifests";
import { runProgram } from "./harness/run";

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
