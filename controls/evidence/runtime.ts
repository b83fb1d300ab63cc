import { Evidence } from "../types";

const RULES = "components/runtime/rules/agent-rules.yaml";
const TESTS = "components/runtime/rules.test.ts";
const EXACT = { file: TESTS, test: "pins every RUN rule condition" };
const MONITOR = "components/runtime/monitor/detect.py";
const E2E = "components/runtime/gvisorMonitor.e2e.test.ts";

/**
 * Each RUN rule is evaluated twice: by host Falco on the node kernel's syscalls (containers that
 * are not sandboxed, and the nodes), and by the gVisor monitor on the trace points of every
 * sandbox (agent pods, ISO-10). Both alert under the rule's name through falcosidekick.
 */
const falco = (control: string, rule: string, test: string, sandboxTest: string, check: string): Evidence => ({
  control,
  enforcedBy: [
    { kind: "falco", file: RULES, symbol: `- rule: ${rule}` },
    { kind: "falco", file: MONITOR, symbol: check },
  ],
  provenBy: [{ file: TESTS, test }, EXACT, { file: E2E, test: sandboxTest }],
});

export const runtimeEvidence: Evidence[] = [
  falco(
    "RUN-01",
    "Agent platform shell spawned in agent container",
    "RUN-01 warns when a shell is spawned in an agent container",
    "RUN-01 reports a shell started in the agent, with pod, container, image and parent",
    'self.lists["shell_binaries"]',
  ),
  falco(
    "RUN-02",
    "Agent platform privilege change in agent container",
    "RUN-02 raises a critical alert for sudo, su and setuid bits in an agent container",
    "RUN-02 reports sudo and a request for uid 0, not a change to another uid",
    'self.lists["userexec_binaries"]',
  ),
  falco(
    "RUN-03",
    "Agent platform crypto mining in agent container",
    "RUN-03 raises a critical alert for miner binaries, stratum URLs and stratum ports",
    "RUN-03 reports miner binaries, stratum URLs and stratum ports",
    'lists["mining_ports"]',
  ),
  falco(
    "RUN-04",
    "Agent platform secrets read in agent container",
    "RUN-04 raises a critical alert when an agent reads mounted secrets or a Vault token",
    "RUN-04 reports mounted secrets and Vault tokens read, resolving relative paths; not writes or failed opens",
    'lists["secret_dirs"]',
  ),
  {
    control: "RUN-04",
    enforcedBy: [{ kind: "falco", file: RULES, symbol: "- list: agent_platform_mesh_sidecar_files" }],
    provenBy: [
      { file: TESTS, test: "RUN-04 leaves out exactly the mesh sidecar reading its own token and root certificate" },
      { file: E2E, test: "RUN-04 stays quiet when the mesh sidecar reads its own token and root certificate, not when the agent does" },
    ],
  },
  // Host Falco loads the stock rules first; only with rule_matching: all do these keep their name.
  ...["RUN-01", "RUN-05", "RUN-06"].map((control) => ({
    control,
    enforcedBy: [{ kind: "falco" as const, file: "components/runtime/falco.ts", symbol: 'rule_matching: "all"' }],
    provenBy: [{ file: "components/runtime/falco.test.ts", test: "RUN-01 RUN-05 RUN-06 are not shadowed by the stock rules: Falco reports every matching rule" }],
  })),
  falco(
    "RUN-05",
    "Agent platform Kubernetes API contact from agent container",
    "RUN-05 raises an error when an agent contacts the Kubernetes API",
    "RUN-05 reports the Kubernetes API address and kubelet port",
    'lists["kube_api_addresses"]',
  ),
  falco(
    "RUN-06",
    "Agent platform sensitive file read in agent container",
    "RUN-06 raises a critical alert for /etc/shadow, pid 1 internals and service-account tokens",
    "RUN-06 reports password hashes, pid 1's secrets and service-account tokens, not process listings",
    'lists["sensitive_files"]',
  ),
  falco(
    "RUN-07",
    "Agent platform egress on a port other than 443",
    "RUN-07 raises an error for agent egress on any port but 443, DNS and the egress proxy aside",
    "RUN-07 reports non-443 egress, not DNS to the resolver, the egress proxy, loopback or the sidecar's istiod",
    'lists["allowed_egress_ports"]',
  ),
  {
    control: "RUN-08",
    enforcedBy: [
      { kind: "falco", file: "components/runtime/gvisorMonitor.ts", symbol: "export class GvisorMonitor" },
      { kind: "falco", file: "components/runtime/gvisor.ts", symbol: "export function runscPodInitConfig" },
      { kind: "component", file: "composition/platform.ts", symbol: "runscFlags: runscMonitoringFlags()" },
    ],
    provenBy: [
      { file: E2E, test: "RUN-08 fails closed: with no monitor listening the sandbox does not start, and gVisor has no fail-open for it" },
      // Inside the sandbox, the mesh sidecar's own reads no longer drown a real secret theft.
      { file: E2E, test: "RUN-04 stays quiet when the mesh sidecar reads its own token and root certificate, not when the agent does" },
      { file: "components/tenant/tenant.test.ts", test: "RUN-08 names the pod, namespace, container and image of every sandboxed container, the egress proxy's included" },
      // The trace session streams each container's environment to the node monitor: it holds no secret.
      { file: "components/tenant/tenant.test.ts", test: "SEC-05 passes no secret to any tenant container through its environment, so the trace session carries none" },
      { file: E2E, test: "RUN-08 raises an alert when the sandbox reports dropped points" },
      { file: E2E, test: "RUN-08 names the sandboxes a restarted monitor can no longer see" },
      { file: "components/runtime/gvisor.test.ts", test: "RUN-08 declares one Default session streaming to the monitor socket, failing closed" },
      {
        file: "components/runtime/gvisor.test.ts",
        test: "RUN-08 requests exactly the points the monitor decodes, syscalls on exit, with the context it reads",
      },
    ],
  },
];
