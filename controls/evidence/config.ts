import { Evidence } from "../types";

export const configEvidence: Evidence[] = [
  {
    control: "SEC-06",
    enforcedBy: [{ kind: "config", file: "config/load.ts", symbol: "must be a secret: set it with" }],
    provenBy: [
      { file: "config/config.test.ts", test: "SEC-06 refuses a secret setting given in plain text" },
    ],
  },
];
