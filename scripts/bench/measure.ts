/**
 * One measurement in a fresh process, so peak memory belongs to it alone:
 *   ts-node --transpile-only scripts/bench/measure.ts program <tenants> [<shapes file to write>]
 *   ts-node --transpile-only scripts/bench/measure.ts floor <resources, the stack included>
 *   ts-node --transpile-only scripts/bench/measure.ts same-inputs <shapes file>
 * Prints one JSON line: {mode, tenants, resources, seconds, peakRssMiB}.
 */
import * as fs from "fs";
import { type RunOptions, runProgram } from "../engine/run";
import { type ResourceShape, declareBare, declareSameInputs, shapesOf } from "./floors";

export function benchTenants(count: number) {
  return Array.from({ length: count }, (_, i) => ({ id: `t${String(i).padStart(4, "0")}`, plan: "small", modelProvider: "anthropic" }));
}

function runOptions(mode: string, arg: string): RunOptions {
  switch (mode) {
    case "program":
      return { stack: "prod", config: { tenants: benchTenants(Number(arg)) } };
    case "floor":
      return { configOnly: true, program: async () => declareBare(Number(arg) - 1) };
    case "same-inputs": {
      const shapes = JSON.parse(fs.readFileSync(arg, "utf8")) as ResourceShape[];
      return { configOnly: true, program: async () => declareSameInputs(shapes) };
    }
    default:
      throw new Error(`measure: the mode is program, floor or same-inputs (got ${JSON.stringify(mode)})`);
  }
}

async function main(): Promise<void> {
  const [mode, arg, shapesFile] = process.argv.slice(2);
  const started = process.hrtime.bigint();
  const run = await runProgram(runOptions(mode, arg));
  // The measurement's own time and memory: the program's shapes are written after it.
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  if (mode === "program" && shapesFile) fs.writeFileSync(shapesFile, JSON.stringify(shapesOf(run.resources)));
  const tenants = mode === "program" ? Number(arg) : 0;
  process.stdout.write(`${JSON.stringify({ mode, tenants, resources: run.resources.length, seconds, peakRssMiB })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
