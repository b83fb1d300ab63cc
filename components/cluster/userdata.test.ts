import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { REPO_ROOT } from "../../scripts/engine/stackFile";
import { runscMonitoringFlags, runtimeMonitoringNodeFiles } from "../runtime/gvisor";
import { guardUnit, nodeIsolationRules, requireGuardDropIn } from "./nodeGuard";
import { sandboxScript, sandboxUserData } from "./userdata";

const SHELLCHECK = path.join(REPO_ROOT, ".tools", "bin", "shellcheck");
const SHA512 = { runsc: "a".repeat(128), "containerd-shim-runsc-v1": "b".repeat(128) };
const prodLike = () => sandboxScript({ gvisorVersion: "20261005.0", gvisorSha512: SHA512, runscFlags: runscMonitoringFlags(), files: runtimeMonitoringNodeFiles() });

describe("sandbox node user data", () => {
  it("installs the pinned gVisor release only if it matches the SHA-512 pinned in configuration, fetching no checksum file", () => {
    const script = sandboxScript({ gvisorVersion: "20261005.0", gvisorSha512: SHA512 });
    expect(script).toContain('URL="https://storage.googleapis.com/gvisor/releases/release/${GVISOR_VERSION}/x86_64"');
    expect(script).toContain(
      `sha512sum --check --strict <<'AGENT_PLATFORM_SHA512'\n${"a".repeat(128)}  runsc\n${"b".repeat(128)}  containerd-shim-runsc-v1\nAGENT_PLATFORM_SHA512\ninstall -m 0755 runsc containerd-shim-runsc-v1 /usr/local/bin/\n`,
    );
    // Exactly the two binaries are downloaded; no .sha512 file from the same bucket.
    expect(script).toContain('for file in runsc containerd-shim-runsc-v1; do\n  curl -fsSL --retry 5 -o "$file" "$URL/$file"\ndone\n');
    expect(script.match(/curl /g)).toHaveLength(1);
  });

  it("keeps a node whose runsc install fails from joining: kubelet and nodeadm-run require a guard that fails closed", () => {
    const script = prodLike();
    expect(guardUnit()).toBe(
      [
        "[Unit]",
        "Description=agent-platform sandbox node guard: pinned runsc in place, pod-to-node firewall loaded",
        "Before=kubelet.service nodeadm-run.service",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        "ExecStart=/usr/bin/sha512sum --check --strict /etc/agent-platform/runsc.sha512",
        "ExecStart=/usr/sbin/nft --file /etc/agent-platform/node-isolation.nft",
        "ExecStart=/usr/sbin/nft list table inet agent_platform_node_isolation",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    );
    expect(requireGuardDropIn()).toBe("[Unit]\nRequires=agent-platform-node-guard.service\nAfter=agent-platform-node-guard.service\n");
    for (const dropIn of ["kubelet.service.d", "nodeadm-run.service.d"]) {
      expect(script).toContain(`cat > /etc/systemd/system/${dropIn}/10-agent-platform-node-guard.conf <<'AGENT_PLATFORM_FILE'\n${requireGuardDropIn()}AGENT_PLATFORM_FILE\n`);
    }
    expect(script).toContain(`cat > /etc/agent-platform/runsc.sha512 <<'AGENT_PLATFORM_FILE'\n${"a".repeat(128)}  /usr/local/bin/runsc\n${"b".repeat(128)}  /usr/local/bin/containerd-shim-runsc-v1\nAGENT_PLATFORM_FILE\n`);
    // The gate is in place before the first step that can fail, and enabled for every boot.
    const lines = script.split("\n");
    const firstFallible = lines.findIndex((l) => l.startsWith("GVISOR_VERSION="));
    expect(lines.indexOf("systemctl daemon-reload")).toBeLessThan(firstFallible);
    expect(lines.indexOf("systemctl enable agent-platform-node-guard.service")).toBeLessThan(firstFallible);
    expect(lines.filter((l) => l.length > 0).pop()).toBe("systemctl start agent-platform-node-guard.service");
  });

  it("NET-05 drops new connections from pod interfaces to the node's own addresses, before kubelet and on every boot", () => {
    const rules = [
      "#!/usr/sbin/nft -f",
      "table inet agent_platform_node_isolation",
      "delete table inet agent_platform_node_isolation",
      "table inet agent_platform_node_isolation {",
      "\tchain pod_to_node_prerouting {",
      "\t\ttype filter hook prerouting priority mangle; policy accept;",
      '\t\tiifname "eni*" ct state new fib daddr type local counter drop',
      "\t}",
      "\tchain pod_to_node_input {",
      "\t\ttype filter hook input priority filter; policy accept;",
      '\t\tiifname "eni*" ct state new counter drop',
      "\t}",
      "}",
      "",
    ].join("\n");
    expect(nodeIsolationRules()).toBe(rules);
    const userData = sandboxUserData({ gvisorVersion: "20261005.0", runscFlags: runscMonitoringFlags(), files: runtimeMonitoringNodeFiles() });
    expect(userData).toContain(`cat > /etc/agent-platform/node-isolation.nft <<'AGENT_PLATFORM_FILE'\n${rules}AGENT_PLATFORM_FILE\n`);
    // Only NEW connections: kubelet's probes of the pod (node to pod) and every reply pass.
    expect(rules).not.toMatch(/established|related|oifname/);
  });

  it("passes shellcheck and fits EC2's 16 KB user data limit", () => {
    if (!fs.existsSync(SHELLCHECK)) throw new Error(`shellcheck is missing at ${SHELLCHECK}: run \`bash scripts/install-tools.sh\`.`);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "userdata-")), "sandbox.sh");
    fs.writeFileSync(file, prodLike());
    const result = spawnSync(SHELLCHECK, ["--shell=bash", "--severity=style", file], { encoding: "utf8" });
    expect(`${result.stdout}${result.stderr}`).toBe("");
    expect(result.status).toBe(0);
    const userData = sandboxUserData({ gvisorVersion: "20261005.0", runscFlags: runscMonitoringFlags(), files: runtimeMonitoringNodeFiles() });
    expect(Buffer.byteLength(userData)).toBeLessThan(16 * 1024);
  });
});
