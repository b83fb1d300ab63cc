/**
 * The gVisor monitor's matching spec, rendered from the same rules file host Falco loads: rule
 * names, priorities, tags, output templates and list contents come from there, so a list edit
 * reaches both engines and an alert has one name whichever engine raised it.
 */
import { type FalcoRuleItem, listsOf, parseRules, ruleForControl } from "./rules";

/** The controls the monitor evaluates inside sandboxes; each maps to one rule of the file. */
export const SANDBOX_CONTROLS = ["RUN-01", "RUN-02", "RUN-03", "RUN-04", "RUN-05", "RUN-06", "RUN-07"] as const;

export interface SpecRule {
  rule: string;
  priority: string;
  tags: string[];
  output: string;
}

/**
 * The monitor's own health events (RUN-08): detection inside sandboxes is only as good as the
 * stream, so a gap in it is an alert of its own.
 */
export const MONITOR_HEALTH_RULES: Record<"monitor-dropped" | "monitor-unobserved", SpecRule> = {
  "monitor-dropped": {
    rule: "Agent platform gVisor monitor lost sandbox events",
    priority: "ERROR",
    tags: ["agent-platform", "RUN-08", "gvisor"],
    output: "gVisor sandbox dropped trace points the monitor never received (sandbox=%gvisor.sandbox dropped=%gvisor.dropped)",
  },
  "monitor-unobserved": {
    rule: "Agent platform gVisor sandboxes unobserved after monitor restart",
    priority: "CRITICAL",
    tags: ["agent-platform", "RUN-08", "gvisor"],
    output:
      "gVisor monitor restarted; sandboxes started before it are no longer traced until their pods restart " +
      "(count=%gvisor.sandbox_count sandboxes=%gvisor.sandboxes)",
  },
};

export interface MonitorSpec {
  rules: Record<string, SpecRule>;
  /** The rules file's lists without the `agent_platform_` prefix; quoted strings unquoted. */
  lists: Record<string, (string | number)[]>;
}

const unquote = (item: string | number) => (typeof item === "string" ? item.replace(/^"(.*)"$/, "$1") : item);

export function monitorSpec(items: FalcoRuleItem[] = parseRules()): MonitorSpec {
  const rules: Record<string, SpecRule> = { ...MONITOR_HEALTH_RULES };
  for (const control of SANDBOX_CONTROLS) {
    const rule = ruleForControl(control, items);
    // The tags say which engine raised it; the rule name stays Falco's.
    rules[control] = { rule: rule.rule, priority: rule.priority, tags: [...rule.tags, "gvisor"], output: rule.output.trim() };
  }
  const lists: MonitorSpec["lists"] = {};
  for (const list of listsOf(items)) lists[list.list.replace(/^agent_platform_/, "")] = list.items.map(unquote);
  return { rules, lists };
}
