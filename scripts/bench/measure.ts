/**
 * One measurement in a fresh process, so peak memory belongs to it alone:
 *   ts-node --transpile-only scripts/bench/measure.ts program <tenants> [<shapes file to write>]
 *   ts-node --transpile-only scripts/bench/measure.ts floor <resources>
 *   ts-node --transpile-only scripts/bench/measure.ts shaped <shapes file>
 * Prints one JSON line: {mode, tenants, resources, seconds, peakRssMiB}.
 */
import * as fs from "fs";
import { runProgram } from "../engine/run";
import { type ResourceShape, declareBare, declareShaped, shapesOf } from "./floors";

export function benchTenants(count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `t${String(i).padStart(4, "0")}`, plan: "small", modelProvider: "anthropic" }));
}

async function main(): Promise<void> {
  const [mode, arg, shapesFile] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  let resources: number;
  let tenants = 0;
  let shapes: ResourceShape[] | undefined;
  if (mode === "program") {
    tenants = Number(arg);
    const run = await runProgram({ stack: "prod", config: { tenants: benchTenants(tenants) } });
    resources = run.resources.length;
    if (shapesFile) shapes = shapesOf(run.resources);
  } else if (mode === "floor") {
    const run = await runProgram({ configOnly: true, program: async () => declareBare(Number(arg) - 1) });
    resources = run.resources.length;
  } else if (mode === "shaped") {
    const declared = JSON.parse(fs.readFileSync(arg, "utf8")) as ResourceShape[];
    const run = await runProgram({ configOnly: true, program: async () => declareShaped(declared) });
    resources = run.resources.length;
  } else {
    throw new Error(`measure: the mode is program, floor or shaped (got ${JSON.stringify(mode)})`);
  }
  // The measurement's own time and memory: the program's shapes are written after it.
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  if (shapes) fs.writeFileSync(shapesFile, JSON.stringify(shapes));
  process.stdout.write(`${JSON.stringify({ mode, tenants, resources, seconds, peakRssMiB })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
