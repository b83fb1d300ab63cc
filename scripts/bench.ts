/**
 * `npm run bench`: how the program scales with tenants under the mock engine, next to the floor
 * (the SDK alone registering as many bare resources). Each figure comes from a fresh process.
 *   npm run bench                      # 1, 10, 100, 1000 tenants
 *   npm run bench -- --sizes 1,10      # other sizes
 *   npm run bench -- --sizes ""        # the per-tenant overhead only
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "util";
import { overheadReport } from "./bench/overhead";
import { stackSetting } from "./engine/stackFile";

interface Measurement {
  mode: string;
  tenants: number;
  resources: number;
  seconds: number;
  peakRssMiB: number;
}

function measure(args: string[]): Measurement {
  const script = path.join(__dirname, "bench", "measure.ts");
  const result = spawnSync(process.execPath, [require.resolve("ts-node/dist/bin"), "--transpile-only", script, ...args], {
    encoding: "utf8",
    maxBuffer: 16 * 2 ** 20,
  });
  if (result.status !== 0) throw new Error(`measurement ${args.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").pop()!) as Measurement;
}

function main(): void {
  const { values } = parseArgs({ options: { sizes: { type: "string", default: "1,10,100,1000" } } });
  const sizes = values.sizes!.split(",").filter(Boolean).map(Number);
  const sandboxNodes = (stackSetting("prod", "cluster") as { sandboxNodes: { instanceTypes: string[] } }).sandboxNodes.instanceTypes;
  process.stdout.write(`${overheadReport(sandboxNodes).join("\n")}\n\n`);
  if (sizes.length === 0) return;
  const baseline = measure(["program", "0"]);
  process.stdout.write(`platform alone: ${baseline.resources} resources, ${baseline.seconds.toFixed(1)} s, ${baseline.peakRssMiB.toFixed(0)} MiB\n\n`);
  process.stdout.write(
    "Floors: the SDK registering as many resources of one property each (bare), and the SDK registering the\n" +
      "program's own resources with their inputs as plain values (same inputs). Ratios are the program's over each.\n\n",
  );
  const header =
    "| tenants | resources | per tenant | seconds | peak MiB | bare floor s | bare floor MiB | time ratio | memory ratio | same-inputs floor s | same-inputs floor MiB | time ratio | memory ratio |";
  process.stdout.write(`${header}\n|${"---|".repeat(13)}\n`);
  const shapes = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "agent-platform-bench-")), "shapes.json");
  for (const tenants of sizes) {
    const program = measure(["program", String(tenants), shapes]);
    const floors = [measure(["floor", String(program.resources)]), measure(["same-inputs", shapes])];
    const perTenant = (program.resources - baseline.resources) / tenants;
    const columns = floors.flatMap((floor) => [
      floor.seconds.toFixed(1),
      floor.peakRssMiB.toFixed(0),
      (program.seconds / floor.seconds).toFixed(2),
      (program.peakRssMiB / floor.peakRssMiB).toFixed(2),
    ]);
    process.stdout.write(
      `| ${tenants} | ${program.resources} | ${perTenant.toFixed(1)} | ${program.seconds.toFixed(1)} | ${program.peakRssMiB.toFixed(0)} | ${columns.join(" | ")} |\n`,
    );
  }
  fs.rmSync(path.dirname(shapes), { recursive: true, force: true });
}
main();
