/**
 * `npm run tenant -- <create|update|suspend|resume|delete|list> [<id>] [options]`: one tenant's
 * lifecycle on Pulumi's Automation API, each tenant in a stack of its own (or a small shard) that
 * reads the platform stack's outputs. `--help` lists the verbs and the exit status contract.
 */
import { spawnSync } from "child_process";
import * as readline from "readline";
import { REPO_ROOT } from "./engine/stackFile";
import { parseTenantArgs, USAGE } from "./tenant/args";
import { type CommandIo, runTenantCommand } from "./tenant/command";
import { TenantCommandError } from "./tenant/types";
import { automationWorkspace, offlineWorkspace } from "./tenant/workspace";

const io: CommandIo = {
  log: (line) => process.stderr.write(`${line}\n`),
  async confirm(question, expected) {
    if (!process.stdin.isTTY) return false;
    const prompt = readline.createInterface({ input: process.stdin, output: process.stderr });
    const answer = await new Promise<string>((resolve) => prompt.question(`${question} `, resolve));
    prompt.close();
    return answer.trim() === expected;
  },
};

function hasPulumiCli(): boolean {
  return spawnSync("pulumi", ["version"], { stdio: "ignore" }).status === 0;
}

async function main(): Promise<number> {
  let command;
  try {
    command = parseTenantArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof TenantCommandError)) throw error;
    process.stderr.write(`error: ${error.message}\n`);
    return 2;
  }
  if (command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const cli = hasPulumiCli();
  if (!cli && !command.dryRun) {
    process.stderr.write("error: the Pulumi CLI is not on PATH; `--dry-run` plans offline without it\n");
    return 1;
  }
  if (!cli) io.log("(no Pulumi CLI: no recorded stack is read; planned as the stack's first deployment)");
  const workspace = cli ? await automationWorkspace(REPO_ROOT, command.platformStack, io.log) : offlineWorkspace();
  try {
    const result = await runTenantCommand(command, workspace, io);
    if (command.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(`${result.message}\n`);
      for (const t of result.tenants ?? []) process.stdout.write(`${t.stack}\t${t.id}\t${t.plan}\t${t.provider}\t${t.lifecycle}\n`);
    }
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof TenantCommandError ? 2 : 1;
  }
}

main().then((code) => process.exit(code));
