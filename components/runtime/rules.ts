/** Reads the agent rules file and answers questions about it, for the component and its tests. */
import * as fs from "fs";
import { parse } from "yaml";
import { AGENT_RULES_FILE } from "./defaults";

export interface FalcoRule {
  rule: string;
  desc: string;
  condition: string;
  output: string;
  priority: string;
  tags: string[];
}
export interface FalcoMacro {
  macro: string;
  condition: string;
}
export interface FalcoList {
  list: string;
  items: (string | number)[];
}
export type FalcoRuleItem = FalcoRule | FalcoMacro | FalcoList;

export function agentRulesYaml(): string {
  return fs.readFileSync(AGENT_RULES_FILE, "utf8");
}

export function parseRules(text: string = agentRulesYaml()): FalcoRuleItem[] {
  const items = parse(text) as FalcoRuleItem[];
  if (!Array.isArray(items)) throw new Error("a Falco rules file is a YAML list");
  return items;
}

export const rulesOf = (items: FalcoRuleItem[]) => items.filter((i): i is FalcoRule => "rule" in i);
export const macrosOf = (items: FalcoRuleItem[]) => items.filter((i): i is FalcoMacro => "macro" in i);
export const listsOf = (items: FalcoRuleItem[]) => items.filter((i): i is FalcoList => "list" in i);

/** The rule that carries a control id (e.g. "RUN-03") as a tag; throws unless exactly one does. */
export function ruleForControl(control: string, items: FalcoRuleItem[] = parseRules()): FalcoRule {
  const matches = rulesOf(items).filter((r) => r.tags.includes(control));
  if (matches.length !== 1) throw new Error(`${control} maps to ${matches.length} rules, not exactly one`);
  return matches[0];
}

/** Identifiers of our own lists and macros a condition refers to; Falco fields are not ours. */
export function referencedNames(condition: string): string[] {
  return [...new Set(condition.match(/\bagent_platform_[a-z0-9_]+\b/g) ?? [])];
}
