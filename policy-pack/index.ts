import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES } from "./policies";

// Each policy sets its own level; anything that did not would only advise.
new PolicyPack("agent-platform", {
  description: "Controls of the agent-platform security documents (ISO, NET, EDGE, AUTH, SEC, ADM, CLU) checked before every deployment.",
  enforcementLevel: "advisory",
  policies: [...ALL_POLICIES],
});
