/**
 * One measurement in a fresh process, so peak memory belongs to it alone:
 *   ts-node --transpile-only scripts/bench/measure.ts <program|floor> <tenants> [<resources>]
 * Prints one JSON line: {mode, tenants, resources, seconds, peakRssMiB}.
 */
import * as pulumi from "@pulumi/pulumi";
import { runProgram } from "../engine/run";

class Bare extends pulumi.CustomResource {
  constructor(name: string, props: pulumi.Inputs) {
    super("bench:index:Bare", name, props);
  }
}

export function benchTenants(count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `t${String(i).padStart(4, "0")}`, plan: "small", modelProvider: "anthropic" }));
}

async function main(): Promise<void> {
  const [mode, tenantArg, resourceArg] = process.argv.slice(2);
  const tenants = Number(tenantArg);
  const started = process.hrtime.bigint();
  let resources: number;
  if (mode === "program") {
    const run = await runProgram({ stack: "prod", config: { tenants: benchTenants(tenants) } });
    resources = run.resources.length;
  } else {
    const count = Number(resourceArg);
    const run = await runProgram({
      configOnly: true,
      program: async () => {
        for (let i = 0; i < count; i++) new Bare(`bare-${i}`, { index: i });
      },
    });
    resources = run.resources.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, tenants, resources, seconds, peakRssMiB })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
