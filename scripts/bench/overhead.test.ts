import { OVERHEAD_BEFORE, SANDBOX_NODE_TYPES, allocatable, overheadReport, tenantOverhead, tenantsPerNode } from "./overhead";

describe("the platform's fixed cost per tenant", () => {
  it("is at most half of what it was, item by item from the constants the tenant and its quota use", () => {
    const { items, total } = tenantOverhead();
    expect(items).toEqual([
      ["auth-guard", { cpuMilli: 10, memoryMi: 32 }],
      ["mesh sidecar", { cpuMilli: 20, memoryMi: 64 }],
      ["egress proxy", { cpuMilli: 20, memoryMi: 32 }],
      ["gVisor, agent pod", { cpuMilli: 50, memoryMi: 64 }],
      ["gVisor, proxy pod", { cpuMilli: 50, memoryMi: 64 }],
    ]);
    expect(total.cpuMilli).toBeLessThanOrEqual(OVERHEAD_BEFORE.cpuMilli / 2);
    expect(total.memoryMi).toBeLessThanOrEqual(OVERHEAD_BEFORE.memoryMi / 2);
  });

  it("leaves a sandbox node what the EKS AMI does not reserve and the node's DaemonSets do not request", () => {
    // 8 cores: 60 + 10 + 2 x 5 + 4 x 2.5 = 90m reserved; 255 + 11 x 58 + 100 MiB; DaemonSets 280m and 184 MiB.
    expect(allocatable(SANDBOX_NODE_TYPES["m7i.2xlarge"])).toEqual({ requests: { cpuMilli: 8000 - 90 - 280, memoryMi: 32768 - 993 - 184 }, pods: 53 });
  });

  it("fits more tenants per node than before, limited by the plans' memory", () => {
    const node = SANDBOX_NODE_TYPES["m7i.2xlarge"];
    const after = tenantOverhead().total;
    expect([tenantsPerNode(node, "small", OVERHEAD_BEFORE), tenantsPerNode(node, "small", after)]).toEqual([11, 13]);
    expect(overheadReport(["m7i.2xlarge"])).toContain("| m7i.2xlarge | small | 11 | 13 |");
    expect(() => overheadReport(["t3.nano"])).toThrow("the bench knows no node type t3.nano: add it to SANDBOX_NODE_TYPES in scripts/bench/overhead.ts");
  });
});
