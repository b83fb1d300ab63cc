import * as pulumi from "@pulumi/pulumi";
import { withInputs } from "./inputs";

/* eslint-disable @typescript-eslint/no-require-imports */
const { isDryRun } = require("@pulumi/pulumi/runtime/settings");
/* eslint-enable @typescript-eslint/no-require-imports */

/** An output as a first preview has it: not known yet (the SDK's own constructor, isKnown false). */
function unknownOutput(): pulumi.Output<string> {
  const OutputImpl = pulumi.Output as unknown as new (...args: unknown[]) => pulumi.Output<string>;
  return new OutputImpl(new Set(), Promise.resolve(undefined), Promise.resolve(false), Promise.resolve(false), Promise.resolve(new Set()));
}

async function known<T>(output: pulumi.Output<T>): Promise<{ known: boolean; value: T }> {
  const inner = output as any;
  return { known: await inner.isKnown, value: await inner.promise() };
}

describe("withInputs", () => {
  const build = ({ ip }: { ip: string }) => ({ name: "api", rules: [{ cidr: `${ip}/32`, port: 443 }], note: "plain" });

  it("keeps the fields that embed no input plain and fills the others in", async () => {
    const value = withInputs({ ip: pulumi.output("172.20.0.1") }, build) as any;
    expect(value.name).toBe("api");
    expect(value.rules[0].port).toBe(443);
    expect(value.note).toBe("plain");
    expect(pulumi.Output.isInstance(value.rules[0].cidr)).toBe(true);
    expect((await known(value.rules[0].cidr)).value).toBe("172.20.0.1/32");
  });

  it("fills several inputs into one string", async () => {
    const value = withInputs({ a: "x", b: pulumi.output("y") }, ({ a, b }) => `${a}-${b}-${a}`) as unknown as pulumi.Output<string>;
    expect((await known(value)).value).toBe("x-y-x");
  });

  it("refuses a builder that computed with an input instead of embedding it", () => {
    expect(() => withInputs({ ip: "10.0.0.1" }, ({ ip }) => ({ upper: ip.toUpperCase() }))).toThrow(
      /withInputs: the builder changed an input's stand-in instead of embedding it, in "__PULUMI_INPUT_IP__"/,
    );
  });

  it("is built once per call with stand-ins, whatever the inputs resolve to", () => {
    const calls: string[] = [];
    withInputs({ ip: pulumi.output("10.0.0.1") }, ({ ip }) => {
      calls.push(ip);
      return ip;
    });
    expect(calls).toEqual(["__pulumi_input_ip__"]);
    expect(isDryRun()).toBe(false);
  });

  it("leaves an unknown input's fields unknown and the rest known", async () => {
    expect((await known(unknownOutput())).known).toBe(false);
    const value = withInputs({ ip: unknownOutput() }, build) as any;
    expect(value.name).toBe("api");
    expect((await known(value.rules[0].cidr)).known).toBe(false);
  });
});
