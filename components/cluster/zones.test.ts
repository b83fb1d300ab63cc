import { ConfigError } from "../../config/errors";
import { RegionZone, regionZones, selectZones } from "./zones";

/** us-east-1 as one account sees it: names a..f mapped to zone IDs in this account's own order. */
const US_EAST_1 = regionZones(
  ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
  ["use1-az4", "use1-az6", "use1-az3", "use1-az1", "use1-az2", "use1-az5"],
);
const ids = (zones: RegionZone[]) => zones.map((z) => z.zoneId);

function problems(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((p) => `${p.key}: ${p.rule} (got ${p.value})`);
  }
  throw new Error("expected the selection to be refused");
}

describe("zone selection", () => {
  it("takes the lowest-numbered zone IDs where EKS accepts cluster subnets, skipping use1-az3 whatever it is called", () => {
    const zones = selectZones({ region: "us-east-1", available: US_EAST_1, count: 3 });
    expect(zones).toEqual([
      { zoneId: "use1-az1", name: "us-east-1d" },
      { zoneId: "use1-az2", name: "us-east-1e" },
      { zoneId: "use1-az4", name: "us-east-1a" },
    ]);
    expect(ids(selectZones({ region: "us-east-1", available: US_EAST_1, count: 5 }))).toEqual(["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"]);
  });

  it("chooses the same zones whatever the list's order, length, Local Zones or another account's name mapping", () => {
    const expected = ["use1-az1", "use1-az2", "use1-az4"];
    const variants: RegionZone[][] = [
      [...US_EAST_1].reverse(),
      // An opted-in Local Zone sorts first by name; a new zone arrives with a higher number.
      [{ zoneId: "use1-bos1-az1", name: "us-east-1-bos-1a" }, ...US_EAST_1, { zoneId: "use1-az7", name: "us-east-1g" }],
      // Another account: the same IDs under other names.
      regionZones(["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"], ["use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"]),
    ];
    for (const available of variants) expect(ids(selectZones({ region: "us-east-1", available, count: 3 }))).toEqual(expected);
  });

  it("uses configured zone IDs in their order, and refuses one the region does not offer or EKS refuses", () => {
    expect(ids(selectZones({ region: "us-east-1", available: US_EAST_1, count: 3, explicitIds: ["use1-az6", "use1-az1", "use1-az5"] }))).toEqual([
      "use1-az6",
      "use1-az1",
      "use1-az5",
    ]);
    expect(problems(() => selectZones({ region: "us-east-1", available: US_EAST_1, count: 3, explicitIds: ["use1-az1", "use1-az3", "euw1-az1"] }))).toEqual([
      'agent-platform:foundation.availabilityZoneIds[1]: is a zone where EKS refuses cluster subnets (use1-az3, usw1-az2, cac1-az3) (got "use1-az3")',
      'agent-platform:foundation.availabilityZoneIds[2]: is not an Availability Zone of us-east-1 for this account (it has use1-az1, use1-az2, use1-az3, use1-az4, use1-az5, use1-az6) (got "euw1-az1")',
    ]);
  });

  it("refuses more zones than the region has where EKS accepts cluster subnets, naming the key", () => {
    const caCentral = regionZones(["ca-central-1a", "ca-central-1b", "ca-central-1d"], ["cac1-az1", "cac1-az2", "cac1-az4"]);
    expect(ids(selectZones({ region: "ca-central-1", available: caCentral, count: 3 }))).toEqual(["cac1-az1", "cac1-az2", "cac1-az4"]);
    const usWest1 = regionZones(["us-west-1a", "us-west-1b", "us-west-1c"], ["usw1-az1", "usw1-az2", "usw1-az3"]);
    expect(problems(() => selectZones({ region: "us-west-1", available: usWest1, count: 3 }))).toEqual([
      "agent-platform:foundation.availabilityZoneCount: is more than the 2 zones of us-west-1 where EKS accepts cluster subnets (usw1-az1, usw1-az3) (got 3)",
    ]);
  });
});
